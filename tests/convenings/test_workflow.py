"""Planning a convening: agenda, invitations, answers, attendance; bad input changes nothing."""

import datetime

import pytest

from kenesh.convenings.models import Convening, Invitation, Participation, Session
from kenesh.core.models import AuditEntry
from tests.convenings.factories import ConveningFactory, ParticipationFactory
from tests.factories import PersonFactory


def convening_data(**overrides):
    data = {
        "kind": "rcwg",
        "title": "RCWG meeting 9",
        "starts_on": "2027-03-16",
        "ends_on": "2027-03-17",
        "answer_by": "2027-02-15",
        "city": "Almaty",
        "country": "KZ",
        "confidentiality": "chatham",
    }
    data.update(overrides)
    return data


def test_staff_add_a_convening(login, personas):
    response = login("staff").post("/convenings/new/", convening_data())
    assert response.status_code == 302
    convening = Convening.objects.get(title="RCWG meeting 9")
    assert AuditEntry.objects.filter(
        action="convenings.convening.created", target_code=convening.code
    )


@pytest.mark.parametrize(
    ("overrides", "message", "status"),
    [
        ({"ends_on": "2027-03-10"}, "cannot be before the first day", 200),
        ({"answer_by": "2027-04-01"}, "due before the convening ends", 200),
        ({"kind": "briefing"}, "Name the institution", 200),
        ({"starts_on": "not a date"}, "valid date", 200),
        ({"title": "x" * 201}, "at most 200", 200),
        ({"title": "\u200b\u2060 \u3164"}, "visible text", 200),
        ({"summary": "\u200b\u200b"}, "visible text", 200),
        # A choice the form never offered: a forged or stale submission.
        ({"confidentiality": "secret"}, "valid choice", 400),
        ({"themes": ["not-a-number"]}, "not a valid value", 400),
        ({"themes": ["999999"]}, "valid choice", 400),
    ],
)
def test_bad_convening_input_changes_nothing(login, personas, overrides, message, status):
    response = login("staff").post("/convenings/new/", convening_data(**overrides))
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Convening.objects.exists()


def session_data(**overrides):
    data = {
        "starts_at": "2024-05-21T10:00",
        "ends_at": "2024-05-21T11:30",
        "title": "Panel",
        "format": "panel",
    }
    data.update(overrides)
    return data


def test_sessions_must_fall_within_the_dates(login, personas):
    convening = ConveningFactory()
    client = login("staff")
    url = f"/convenings/{convening.code}/sessions/new/"
    assert client.post(url, session_data()).status_code == 302
    for bad, message, status in (
        (
            {"starts_at": "2024-05-25T10:00", "ends_at": "2024-05-25T11:00"},
            "within the convening",
            200,
        ),
        ({"ends_at": "2024-05-21T09:00"}, "end after it starts", 200),
        ({"title": "\u200b\ufeff"}, "visible text", 200),
        ({"notes": "\u2060\u00a0"}, "visible text", 200),
        ({"format": "party"}, "valid choice", 400),
    ):
        response = client.post(url, session_data(**bad))
        assert response.status_code == status
        assert message in response.content.decode()
    assert Session.objects.count() == 1


def test_moving_a_convening_away_from_its_sessions_is_refused(login, personas):
    convening = ConveningFactory()
    login("staff").post(f"/convenings/{convening.code}/sessions/new/", session_data())
    data = convening_data(starts_on="2024-06-01", ends_on="2024-06-02", answer_by="")
    response = login("staff").post(f"/convenings/{convening.code}/edit/", data)
    assert response.status_code == 200
    assert "outside the new dates" in response.content.decode()
    convening.refresh_from_db()
    assert convening.starts_on == datetime.date(2024, 5, 21)


def test_staff_invite_from_roster_filters(login, personas):
    convening = ConveningFactory()
    tajik = [PersonFactory(country="TJ") for _ in range(3)]
    client = login("staff")
    page = client.get(f"/convenings/{convening.code}/invite/", {"country": "TJ"})
    offered = set(page.context["form"].fields["people"].queryset)
    assert offered == set(tajik)
    response = client.post(
        f"/convenings/{convening.code}/invite/",
        {"people": [p.code for p in tajik], "role": "speaker"},
    )
    assert response.status_code == 302
    assert Participation.objects.filter(convening=convening, role="speaker").count() == 3


def test_a_filter_the_invite_page_cannot_use_is_said_as_on_every_list(login, personas):
    convening = ConveningFactory()
    page = login("staff").get(f"/convenings/{convening.code}/invite/", {"q": "x" * 101})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="filter-errors"' in html and "Some filters could not be used:" in html


def test_inviting_someone_twice_invites_nobody(login, personas):
    convening = ConveningFactory()
    already = PersonFactory(name="Уже Приглашён", name_latin="Uzhe Priglashen")
    ParticipationFactory(convening=convening, person=already, invitation=Invitation.INVITED)
    new = PersonFactory()
    response = login("staff").post(
        f"/convenings/{convening.code}/invite/",
        {"people": [already.code, new.code], "role": "participant"},
    )
    assert response.status_code == 200
    assert "Already invited: Уже Приглашён" in response.content.decode()
    assert not Participation.objects.filter(person=new).exists()


def test_invitee_answers_from_their_own_page(login, personas):
    convening = ConveningFactory(
        starts_on=datetime.date(2099, 1, 10), ends_on=datetime.date(2099, 1, 11)
    )
    place = ParticipationFactory(
        convening=convening,
        person=personas["expert"].person,
        invitation=Invitation.INVITED,
        attended=None,
    )
    client = login("expert")
    assert "Fictional meeting" in client.get("/convenings/mine/").content.decode()
    client.post(f"/convenings/{convening.code}/answer/", {"answer": "accept"})
    place.refresh_from_db()
    assert place.invitation == Invitation.ACCEPTED and place.answered_at
    client.post(f"/convenings/{convening.code}/answer/", {"answer": "maybe"})
    place.refresh_from_db()
    assert place.invitation == Invitation.ACCEPTED


def test_an_answer_after_the_deadline_changes_nothing(login, personas):
    convening = ConveningFactory(answer_by=datetime.date(2020, 1, 1))
    place = ParticipationFactory(
        convening=convening,
        person=personas["expert"].person,
        invitation=Invitation.INVITED,
        attended=None,
    )
    client = login("expert")
    client.cookies["django_language"] = "ru"
    response = client.post(
        f"/convenings/{convening.code}/answer/", {"answer": "decline"}, follow=True
    )
    assert "2020-01-01" in response.content.decode()
    place.refresh_from_db()
    assert place.invitation == Invitation.INVITED


def test_someone_elses_invitation_cannot_be_answered(login, personas):
    convening = ConveningFactory()
    ParticipationFactory(
        convening=convening, person=personas["mentor"].person, invitation=Invitation.INVITED
    )
    response = login("expert").post(f"/convenings/{convening.code}/answer/", {"answer": "accept"})
    assert response.status_code == 404


def test_staff_record_attendance_and_roles(login, personas):
    convening = ConveningFactory()
    came = ParticipationFactory(convening=convening, person=PersonFactory(), attended=None)
    absent = ParticipationFactory(convening=convening, person=PersonFactory(), attended=None)
    response = login("staff").post(
        f"/convenings/{convening.code}/participants/",
        {
            "attended": [str(came.pk)],
            f"role-{came.pk}": "facilitator",
            f"role-{absent.pk}": "participant",
        },
    )
    assert response.status_code == 302
    came.refresh_from_db()
    absent.refresh_from_db()
    assert (came.attended, came.role, absent.attended) == (True, "facilitator", False)


def test_an_unknown_role_changes_nothing(login, personas):
    convening = ConveningFactory()
    place = ParticipationFactory(convening=convening, person=PersonFactory(), attended=None)
    login("staff").post(
        f"/convenings/{convening.code}/participants/",
        {"attended": [str(place.pk)], f"role-{place.pk}": "king"},
    )
    place.refresh_from_db()
    assert (place.attended, place.role) == (None, "participant")


def test_session_roles_only_for_participants(login, personas):
    convening = ConveningFactory()
    other = ConveningFactory()
    session = convening.sessions.create(
        starts_at=datetime.datetime(2024, 5, 21, 10, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2024, 5, 21, 11, tzinfo=datetime.UTC),
        title="Panel",
        format="panel",
    )
    place = ParticipationFactory(convening=convening, person=PersonFactory())
    stranger = ParticipationFactory(convening=other, person=PersonFactory())
    client = login("staff")
    url = f"/convenings/{convening.code}/participants/"
    client.post(url, {"session": session.code, "participation": place.pk, "role": "speaker"})
    assert session.assignments.count() == 1
    client.post(url, {"session": session.code, "participation": stranger.pk, "role": "speaker"})
    client.post(url, {"session": session.code, "participation": place.pk, "role": "speaker"})
    assert session.assignments.count() == 1


def test_no_answers_once_a_convening_has_begun(login, personas):
    convening = ConveningFactory(starts_on=datetime.date(2024, 5, 21), answer_by=None)
    place = ParticipationFactory(
        convening=convening, person=personas["expert"].person, invitation=Invitation.ACCEPTED
    )
    response = login("expert").post(
        f"/convenings/{convening.code}/answer/", {"answer": "decline"}, follow=True
    )
    assert "2024-05-20" in response.content.decode()
    place.refresh_from_db()
    assert place.invitation == Invitation.ACCEPTED


def test_forms_offer_only_people_the_user_may_see(personas):
    """The invite form narrows its people through Person.visible_to(user): were it ever
    shown to a member, an unlisted expert would be neither offered nor accepted."""
    from kenesh.convenings.forms import InviteForm
    from kenesh.people.models import Person

    listed = PersonFactory()
    unlisted = PersonFactory(directory_consent_at=None)
    offered = set(InviteForm(user=personas["mentor"]).fields["people"].queryset)
    assert listed in offered and unlisted not in offered
    assert set(InviteForm(user=personas["staff"]).fields["people"].queryset) == set(
        Person.objects.all()
    )
    form = InviteForm(
        {"people": [str(unlisted.code)], "role": "participant"}, user=personas["mentor"]
    )
    assert not form.is_valid() and form.has_error("people", "invalid_choice")


def test_an_invisible_decision_or_title_never_reaches_the_records(personas):
    from django.core.exceptions import ValidationError

    from kenesh.convenings import services

    with pytest.raises(ValidationError):
        services.create_convening(
            by=personas["staff"],
            kind="rcwg",
            title="\u200b\u200d",
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2027, 1, 1),
        )
    assert not Convening.objects.exists()
