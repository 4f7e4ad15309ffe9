"""A person's right to their data: everything held on them exported, and erased so that
the programme's counts, opinion maps and published papers stay correct."""

import datetime
import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.urls import reverse

from kenesh.access.models import UserSession
from kenesh.convenings.models import Participation
from kenesh.core import personal_data
from kenesh.core.models import AuditEntry
from kenesh.deliberation.models import Participant, Vote
from kenesh.mentoring.models import DEFAULT_CRITERIA, Application, Call, Mentorship
from kenesh.papers import services as paper_services
from kenesh.papers.models import AuthorRole, Authorship
from kenesh.people.models import Person
from tests.convenings.factories import ParticipationFactory
from tests.deliberation.conftest import water_conversation
from tests.papers.conftest import advance

PDF = b"%PDF-1.4\n%%EOF\n"
OLD_NAMES = ("Молодой Эксперт", "Molodoi Ekspert")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KENESH_OPINION_BOOTSTRAP = 0


@pytest.fixture
def young(personas, login):
    """The young expert with a record in every app: a participation, a vote, a published
    paper they lead, an application with a CV, a mentorship and a signed-in session."""
    person = personas["young_expert"].person
    person.email = "young@example.org"
    person.save()
    ParticipationFactory(person=person)
    conversation = water_conversation()
    statement = conversation.statements.first()
    participant = Participant.objects.create(conversation=conversation, person=person)
    Vote.objects.create(participant=participant, statement=statement, value=1, language="en")
    paper = paper_services.create_paper(
        by=personas["staff"],
        authors=[(person, AuthorRole.LEAD), (personas["expert"].person, AuthorRole.CO_AUTHOR)],
        title="Sharing river data (fictional)",
        body="# Sharing river data\n\nFirst draft.",
        language="en",
        visibility="public",
    )
    advance(paper, personas, "published")
    call = Call.objects.create(
        title="Fictional call",
        criteria=DEFAULT_CRITERIA,
        opens_on=datetime.date(2020, 1, 1),
        closes_on=datetime.date(2099, 1, 1),
        cohort_size=2,
    )
    Application.objects.create(
        call=call,
        email="young@example.org",
        name="Molodoi Ekspert",
        country="KG",
        gender="female",
        sector="academia",
        birth_year=1999,
        motivation="I want to help the valley share its water.",
        cv=SimpleUploadedFile("cv.pdf", PDF),
        writing_sample=SimpleUploadedFile("sample.pdf", PDF),
        consent_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )
    Mentorship.objects.create(
        mentor=personas["mentor"].person, mentee=person, started_on=datetime.date(2024, 2, 1)
    )
    login("young_expert")
    person.paper = paper
    person.statement = statement
    return person


def counts():
    """What the programme counts, which erasure must leave as it was."""
    return {
        "people_per_country": sorted(
            Person.objects.values_list("country").annotate(n=Count("id")).order_by()
        ),
        "participants_per_convening": sorted(
            Participation.objects.values_list("convening").annotate(n=Count("id")).order_by()
        ),
        "votes_per_statement": sorted(
            Vote.objects.values_list("statement").annotate(n=Count("id")).order_by()
        ),
        "authorships": Authorship.objects.count(),
        "mentorships": Mentorship.objects.count(),
        "applications": Application.objects.count(),
    }


def test_staff_export_everything_held_on_a_person_from_every_app(young, login):
    staff = login("staff")
    page = staff.get(reverse("people:person-export", kwargs={"code": young.code}))
    assert page.status_code == 200
    html = page.content.decode()
    for expected in (
        "Molodoi Ekspert",
        "young@example.org",
        "Fictional meeting",
        "How should the valley share water?",
        "Sharing river data (fictional)",
        "Fictional call",
        "Наставник Тестов",
        "young_expert",
    ):
        assert expected in html, expected

    download = staff.get(
        reverse("people:person-export", kwargs={"code": young.code}), {"format": "json"}
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.content)["data"]
    assert data["people"]["profile"][0]["name_latin"] == "Molodoi Ekspert"
    assert data["convenings"]["participations"][0]["convening"].startswith("Fictional meeting")
    assert data["deliberation"]["votes"][0]["vote"] == "Agree"
    assert data["papers"]["authorships"][0]["paper"] == "Sharing river data (fictional)"
    assert data["mentoring"]["applications"][0]["cv"] is True
    assert data["mentoring"]["mentorships"][0]["mentor"] == "Наставник Тестов"
    assert data["access"]["login"][0]["username"] == "young_expert"
    assert data["access"]["login"][0]["sessions"] >= 1
    assert "password" not in download.content.decode()
    assert AuditEntry.objects.filter(
        action="people.person.exported", target_code=str(young.code)
    ).exists()


def test_a_person_exports_their_own_data(young, login):
    client = login("young_expert")
    page = client.get(reverse("people:profile-export"))
    assert page.status_code == 200
    assert "Sharing river data (fictional)" in page.content.decode()
    download = client.get(reverse("people:profile-export"), {"format": "json"})
    assert json.loads(download.content)["person"] == str(young.code)


@pytest.mark.parametrize("role", ["expert", "mentor", "observer"])
def test_no_one_but_staff_exports_or_erases_someone_else(young, login, role):
    client = login(role)
    for name in ("people:person-export", "people:person-erase"):
        response = client.get(reverse(name, kwargs={"code": young.code}))
        assert response.status_code in (403, 404)
    response = client.post(
        reverse("people:person-erase", kwargs={"code": young.code}),
        {"confirmation": "Molodoi Ekspert"},
    )
    assert response.status_code in (403, 404)
    young.refresh_from_db()
    assert young.erased_at is None


def test_erasure_pseudonymises_deletes_files_and_keeps_every_count(
    young, login, django_capture_on_commit_callbacks
):
    application = Application.objects.get(email="young@example.org")
    files = [application.cv.name, application.writing_sample.name]
    assert all(default_storage.exists(name) for name in files)
    user = young.user
    assert UserSession.objects.filter(user=user).exists()
    before = counts()

    staff = login("staff")
    url = reverse("people:person-erase", kwargs={"code": young.code})
    assert staff.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"confirmation": " molodoi  ekspert "}, follow=True)
    assert response.status_code == 200
    assert "Erased expert" in response.content.decode()

    young.refresh_from_db()
    pseudonym = f"Erased expert {str(young.code)[:8]}"
    assert (young.name, young.name_latin) == (pseudonym, pseudonym)
    assert young.erased_at is not None
    assert (young.email, young.phone, young.city, young.position) == ("", "", "", "")
    assert young.organization is None and young.user is None
    assert young.data_processing_consent_at is None
    assert (young.country, young.gender, young.track) == ("KG", "female", "emergent")

    application.refresh_from_db()
    assert application.name == pseudonym and "example.org" not in application.email
    assert not application.cv and not application.motivation
    assert not any(default_storage.exists(name) for name in files)

    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.username != "young_expert" and user.email == ""
    assert not UserSession.objects.filter(user=user).exists()

    assert counts() == before
    assert Vote.objects.filter(participant__person=young, statement=young.statement).exists()
    entry = AuditEntry.objects.get(action="people.person.erased")
    assert entry.target_code == str(young.code)
    dump = json.dumps(list(AuditEntry.objects.values_list("data", flat=True)))
    assert not any(name in dump for name in OLD_NAMES)


def test_erasing_the_author_of_a_published_paper_keeps_the_authorship_under_a_pseudonym(
    young, login, client
):
    public_url = reverse("papers:paper-public", kwargs={"code": young.paper.code})
    assert any(name in client.get(public_url).content.decode() for name in OLD_NAMES)
    staff = login("staff")
    staff.post(
        reverse("people:person-erase", kwargs={"code": young.code}),
        {"confirmation": "Molodoi Ekspert"},
    )
    assert Authorship.objects.filter(paper=young.paper, person=young).exists()
    page = client.get(public_url).content.decode()
    assert f"Erased expert {str(young.code)[:8]}" in page
    assert not any(name in page for name in OLD_NAMES)


def test_a_wrong_confirmation_changes_nothing(young, login):
    before = counts()
    staff = login("staff")
    response = staff.post(
        reverse("people:person-erase", kwargs={"code": young.code}),
        {"confirmation": "Someone Else"},
    )
    assert response.status_code == 200
    assert "does not match" in response.content.decode()
    young.refresh_from_db()
    assert young.name_latin == "Molodoi Ekspert" and young.erased_at is None
    assert young.user.is_active
    assert counts() == before


def test_a_failing_part_rolls_the_whole_erasure_back(young, login, monkeypatch):
    application = Application.objects.get(email="young@example.org")
    provider = next(p for p in personal_data.providers() if p.app == "mentoring")

    def broken(person, by):
        provider.erase(person, by)
        raise RuntimeError("disk went away")

    monkeypatch.setitem(
        personal_data._providers,
        "mentoring",
        personal_data.Provider("mentoring", provider.title, provider.export, broken, 100),
    )
    staff = login("staff")
    response = staff.post(
        reverse("people:person-erase", kwargs={"code": young.code}),
        {"confirmation": "Molodoi Ekspert"},
    )
    assert response.status_code == 200
    assert "nothing was changed" in response.content.decode()
    young.refresh_from_db()
    assert young.name_latin == "Molodoi Ekspert" and young.erased_at is None
    assert young.user.is_active and young.user.username == "young_expert"
    assert UserSession.objects.filter(user=young.user).exists()
    application.refresh_from_db()
    assert application.name == "Molodoi Ekspert"
    assert default_storage.exists(application.cv.name)
    assert not AuditEntry.objects.filter(action="people.person.erased").exists()


def test_erasing_someone_already_erased_says_so_and_changes_nothing(young, login):
    staff = login("staff")
    url = reverse("people:person-erase", kwargs={"code": young.code})
    staff.post(url, {"confirmation": "Molodoi Ekspert"})
    young.refresh_from_db()
    erased_at = young.erased_at
    page = staff.get(url)
    assert 'data-testid="already-erased"' in page.content.decode()
    again = staff.post(url, {"confirmation": young.name_latin}, follow=True)
    assert "erased already" in again.content.decode()
    young.refresh_from_db()
    assert young.erased_at == erased_at
    assert AuditEntry.objects.filter(action="people.person.erased").count() == 1
