""" "Hide me now": an expert who becomes at risk is withdrawn, in one step, from every page
a non-staff reader sees; where a record must stay it reads "an expert from <country>".
Staff still see everything, the person still sees their own, and staff can undo it."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kenesh.access.models import User
from kenesh.core.models import AuditEntry
from kenesh.core.testing.personas import PASSWORD, PERSONA_ROLES
from kenesh.mentoring import models as mentoring
from kenesh.papers import printing
from kenesh.papers import services as paper_services
from kenesh.papers.models import AuthorRole, PolicyPaper
from kenesh.people import services
from kenesh.people.display import shown_name
from kenesh.people.models import Person
from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory
from tests.factories import PersonFactory

NAME, LATIN = "Гульнора Опасная", "Gulnora Opasnaya"
PLACEHOLDER = "an expert from Tajikistan"
READERS = ("expert", "young_expert", "mentor", "observer", None)


@pytest.fixture
def at_risk(personas):
    """A young Tajik expert with a login: lead author of a published public paper,
    participant and speaker at a public convening (the mentor took part too), quoted by
    name in a testimonial, and listed for members."""
    account = User.objects.create_user(
        username="at_risk", password=PASSWORD, role=PERSONA_ROLES["expert"]
    )
    person = PersonFactory(
        user=account, name=NAME, name_latin=LATIN, country="TJ", track="emergent"
    )
    paper = paper_services.create_paper(
        by=personas["staff"],
        authors=[
            (person, AuthorRole.LEAD),
            (personas["young_expert"].person, AuthorRole.CO_AUTHOR),
        ],
        title="Glacier monitoring across borders (fictional)",
        body="# Glacier monitoring\n\nText.",
        language="en",
        visibility="public",
    )
    PolicyPaper.objects.filter(pk=paper.pk).update(status="published", published_at=timezone.now())
    convening = ConveningFactory(title="Open water forum", confidentiality="public")
    speaker = ParticipationFactory(convening=convening, person=person, role="speaker")
    ParticipationFactory(convening=convening, person=personas["mentor"].person)
    session = SessionFactory(convening=convening)
    session.assignments.create(participation=speaker, role="speaker")
    mentoring.Testimonial.objects.create(
        person=person, quote="The programme opened doors.", attribution="name",
        consent_at=timezone.now(),
    )  # fmt: skip
    return {"person": person, "paper": paper, "convening": convening}


def client_for(name):
    client = Client()
    if name is not None:
        client.force_login(User.objects.get(username=name))
    return client


def pages(world):
    person, paper, convening = world["person"], world["paper"], world["convening"]
    return [
        reverse("people:roster"),
        reverse("people:person-detail", kwargs={"code": person.code}),
        reverse("papers:paper-list"),
        reverse("papers:paper-detail", kwargs={"code": paper.code}),
        reverse("papers:paper-public", kwargs={"code": paper.code}),
        reverse("convenings:convening-detail", kwargs={"code": convening.code}),
        reverse("convenings:paths"),
        reverse("convenings:person-path", kwargs={"person_code": person.code}),
        reverse("mentoring:home"),
        reverse("core:home"),
    ]


def print_html(paper, username):
    """The printed (PDF) paper's HTML as ``username`` would get it."""
    return printing.print_html(paper, viewer=User.objects.get(username=username))


def seen(client, url):
    response = client.get(url)
    assert response.status_code < 500, url
    return response.status_code, response.content.decode()


def test_before_withdrawal_members_see_the_name(at_risk, personas):
    """The fixture shows the name where it should, so the checks below mean something."""
    paper_page = reverse("papers:paper-public", kwargs={"code": at_risk["paper"].code})
    assert NAME in seen(client_for(None), paper_page)[1]
    convening_page = reverse(
        "convenings:convening-detail", kwargs={"code": at_risk["convening"].code}
    )
    assert NAME in seen(client_for("expert"), convening_page)[1]
    assert NAME in seen(client_for("expert"), reverse("people:roster"))[1]


def test_a_withdrawn_expert_is_hidden_from_every_non_staff_reader(at_risk, personas):
    services.withdraw_person(person=at_risk["person"], by=personas["staff"])
    for reader in READERS:
        client = client_for(reader)
        for url in pages(at_risk):
            _status, page = seen(client, url)
            assert NAME not in page and LATIN not in page, (reader, url)
        # The profile and the path are gone, as for someone who does not exist.
        person_url = reverse("people:person-detail", kwargs={"code": at_risk["person"].code})
        expected = 404 if reader in ("expert", "young_expert", "mentor") else (302, 403)
        assert client.get(person_url).status_code in (
            expected if isinstance(expected, tuple) else (expected,)
        ), reader
    # Where a record must stay, it says who in general terms.
    paper_page = reverse("papers:paper-public", kwargs={"code": at_risk["paper"].code})
    assert PLACEHOLDER in seen(client_for(None), paper_page)[1]
    convening_page = reverse(
        "convenings:convening-detail", kwargs={"code": at_risk["convening"].code}
    )
    for reader in ("expert", "young_expert", "mentor"):
        page = seen(client_for(reader), convening_page)[1]
        assert PLACEHOLDER in page, reader
    paper_detail = reverse("papers:paper-detail", kwargs={"code": at_risk["paper"].code})
    assert PLACEHOLDER in seen(client_for("young_expert"), paper_detail)[1]
    printed = print_html(at_risk["paper"], "expert")
    assert LATIN not in printed and PLACEHOLDER in printed
    # Counts stay: the convening still has its two participants.
    assert at_risk["convening"].participations.count() == 2


def test_staff_still_see_the_name_and_the_person_sees_their_own(at_risk, personas):
    services.withdraw_person(person=at_risk["person"], by=personas["staff"])
    staff = client_for("staff")
    for url in pages(at_risk):
        if "mentoring" in url or url == reverse("core:home"):
            continue
        status, page = seen(staff, url)
        assert status == 200 and NAME in page, url
    assert LATIN in print_html(at_risk["paper"], "staff")
    assert LATIN in seen(staff, reverse("mentoring:home"))[1]  # the testimonial
    own = client_for("at_risk")
    assert (
        NAME
        in seen(own, reverse("people:person-detail", kwargs={"code": at_risk["person"].code}))[1]
    )
    assert (
        NAME in seen(own, reverse("papers:paper-public", kwargs={"code": at_risk["paper"].code}))[1]
    )
    assert LATIN in print_html(at_risk["paper"], "at_risk")


def test_restoring_brings_everything_back(at_risk, personas):
    person = at_risk["person"]
    services.withdraw_person(person=person, by=personas["staff"])
    response = client_for("staff").post(
        reverse("people:person-restore", kwargs={"code": person.code})
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.withdrawn_at is None
    assert NAME in seen(client_for("expert"), reverse("people:roster"))[1]
    paper_page = reverse("papers:paper-public", kwargs={"code": at_risk["paper"].code})
    assert NAME in seen(client_for(None), paper_page)[1]
    assert AuditEntry.objects.filter(
        action="people.person.restored", target_code=person.code
    ).exists()


def test_the_person_hides_themself_with_one_confirmed_post(at_risk, personas):
    person = at_risk["person"]
    url = reverse("people:person-withdraw", kwargs={"code": person.code})
    own_page = reverse("people:person-detail", kwargs={"code": person.code})
    page = seen(client_for("at_risk"), own_page)[1]
    assert "Hide me now" in page and "Only programme staff can undo it" in page
    # A GET changes nothing, nor does a POST without the CSRF token or the confirmation.
    assert client_for("at_risk").get(url).status_code == 405
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(person.user)
    assert forged.post(url, {"confirm": "yes"}).status_code == 403
    client_for("at_risk").post(url)
    person.refresh_from_db()
    assert person.withdrawn_at is None

    response = client_for("at_risk").post(url, {"confirm": "yes"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.withdrawn_at is not None
    entry = AuditEntry.objects.get(action="people.person.withdrawn", target_code=person.code)
    assert entry.actor_id == person.user_id
    # They still sign in and see their own record, with what happened.
    page = seen(client_for("at_risk"), own_page)[1]
    assert NAME in page and "Hidden from non-staff readers" in page
    # Only staff can undo it.
    restore = reverse("people:person-restore", kwargs={"code": person.code})
    assert client_for("at_risk").post(restore).status_code == 403
    person.refresh_from_db()
    assert person.withdrawn_at is not None


def test_a_member_cannot_withdraw_someone_else(at_risk, personas):
    person = at_risk["person"]
    url = reverse("people:person-withdraw", kwargs={"code": person.code})
    for member in ("expert", "young_expert", "mentor"):
        assert client_for(member).post(url, {"confirm": "yes"}).status_code in (403, 404)
    assert client_for("observer").post(url, {"confirm": "yes"}).status_code in (403, 404)
    assert client_for(None).post(url, {"confirm": "yes"}).status_code in (302, 403)
    person.refresh_from_db()
    assert person.withdrawn_at is None
    assert not AuditEntry.objects.filter(action="people.person.withdrawn").exists()


def test_staff_withdraw_from_the_person_page(at_risk, personas):
    person = at_risk["person"]
    page = seen(client_for("staff"), reverse("people:person-detail", kwargs={"code": person.code}))[
        1
    ]
    assert "Withdraw from non-staff pages" in page
    url = reverse("people:person-withdraw", kwargs={"code": person.code})
    assert client_for("staff").post(url, {"confirm": "yes"}).status_code == 302
    person.refresh_from_db()
    assert person.withdrawn_at is not None
    # Twice is once.
    services.withdraw_person(person=person, by=personas["staff"])
    assert AuditEntry.objects.filter(action="people.person.withdrawn").count() == 1
    assert not Person.objects.visible_to(personas["expert"]).filter(pk=person.pk).exists()
    assert Person.objects.visible_to(personas["staff"]).filter(pk=person.pk).exists()
    assert Person.objects.visible_to(person.user).filter(pk=person.pk).exists()


def test_the_shown_name_function(at_risk, personas):
    person = at_risk["person"]
    assert shown_name(person, personas["expert"]) == NAME
    services.withdraw_person(person=person, by=personas["staff"])
    person.refresh_from_db()
    assert shown_name(person, personas["expert"]) == PLACEHOLDER
    assert shown_name(person, None) == PLACEHOLDER
    assert shown_name(person, personas["administrator"]) == NAME
    assert shown_name(person, person.user, latin=True) == LATIN
