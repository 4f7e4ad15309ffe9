"""A submission naming an id or code that is malformed, unknown or another
convening's answers 400 (or 404 in the address) with a message, and changes nothing."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kenesh.convenings.models import (
    Decision,
    Document,
    Inject,
    Invitation,
    Participation,
    Scenario,
    SessionAssignment,
    Team,
    TeamMember,
)
from kenesh.core.models import AuditEntry
from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory
from tests.factories import PersonFactory


@pytest.fixture
def two_meetings(personas):
    """A meeting with two participants (one declined) and a session, and another
    meeting whose participant and session must not be reachable from the first."""
    meeting = ConveningFactory(title="RCWG meeting 8")
    other = ConveningFactory(title="Other meeting")
    came = ParticipationFactory(convening=meeting, person=PersonFactory(), attended=None)
    declined = ParticipationFactory(
        convening=meeting,
        person=PersonFactory(),
        invitation=Invitation.DECLINED,
        attended=None,
    )
    session = SessionFactory(convening=meeting)
    stranger = ParticipationFactory(convening=other, person=PersonFactory(), attended=None)
    other_session = SessionFactory(convening=other)
    return {
        "meeting": meeting,
        "came": came,
        "declined": declined,
        "session": session,
        "stranger": stranger,
        "other_session": other_session,
    }


def snapshot():
    return (
        list(Participation.objects.order_by("pk").values_list("pk", "attended", "role")),
        SessionAssignment.objects.count(),
        AuditEntry.objects.count(),
    )


ATTENDANCE = {
    "non-numeric id": lambda m: {"attended": ["abc"]},
    "unknown id": lambda m: {"attended": ["999999"]},
    "another convening's participant": lambda m: {"attended": [str(m["stranger"].pk)]},
    "someone who declined": lambda m: {"attended": [str(m["declined"].pk)]},
    "non-numeric role key": lambda m: {"role-abc": "speaker"},
    "another convening's role key": lambda m: {f"role-{m['stranger'].pk}": "speaker"},
}


@pytest.mark.parametrize("case", list(ATTENDANCE))
def test_attendance_naming_someone_else_changes_nothing(login, two_meetings, case):
    meeting, came = two_meetings["meeting"], two_meetings["came"]
    data = {"attended": [str(came.pk)], f"role-{came.pk}": "facilitator"}
    extra = ATTENDANCE[case](two_meetings)
    data["attended"] = data["attended"] + extra.pop("attended", [])
    data.update(extra)
    before = snapshot()
    response = login("staff").post(f"/convenings/{meeting.code}/participants/", data)
    assert response.status_code == 400
    assert 'data-testid="attendance-errors"' in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert snapshot() == before


SESSION_ROLE = {
    "malformed session code": lambda m: {"session": "not-a-code"},
    "unknown session code": lambda m: {"session": str(uuid.uuid4())},
    "another convening's session": lambda m: {"session": str(m["other_session"].code)},
    "non-numeric participant": lambda m: {"participation": "abc"},
    "unknown participant": lambda m: {"participation": "999999"},
    "another convening's participant": lambda m: {"participation": str(m["stranger"].pk)},
    "someone who declined": lambda m: {"participation": str(m["declined"].pk)},
}


@pytest.mark.parametrize("case", list(SESSION_ROLE))
def test_session_roles_naming_someone_else_change_nothing(login, two_meetings, case):
    meeting = two_meetings["meeting"]
    data = {
        "session": str(two_meetings["session"].code),
        "participation": str(two_meetings["came"].pk),
        "role": "speaker",
    }
    data.update(SESSION_ROLE[case](two_meetings))
    before = snapshot()
    response = login("staff").post(f"/convenings/{meeting.code}/participants/", data)
    assert response.status_code == 400
    assert "valid choice" in response.content.decode()
    assert snapshot() == before


def test_a_valid_session_role_is_still_given(login, two_meetings):
    meeting = two_meetings["meeting"]
    response = login("staff").post(
        f"/convenings/{meeting.code}/participants/",
        {
            "session": str(two_meetings["session"].code),
            "participation": str(two_meetings["came"].pk),
            "role": "speaker",
        },
    )
    assert response.status_code == 302
    assert SessionAssignment.objects.get().participation == two_meetings["came"]


@pytest.mark.parametrize("people", [["abc"], [str(uuid.uuid4())], ["1"]])
def test_inviting_someone_unknown_invites_nobody(login, two_meetings, people):
    meeting = two_meetings["meeting"]
    newcomer = PersonFactory()
    before = Participation.objects.count()
    response = login("staff").post(
        f"/convenings/{meeting.code}/invite/",
        {"people": [str(newcomer.code), *people], "role": "participant"},
    )
    assert response.status_code == 400
    assert "not a valid value" in response.content.decode() or "valid choice" in (
        response.content.decode()
    )
    assert Participation.objects.count() == before


def test_an_unknown_document_kind_attaches_nothing(login, two_meetings, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = login("staff").post(
        f"/convenings/{two_meetings['meeting'].code}/documents/new/",
        {"title": "Notes", "kind": "secret", "file": SimpleUploadedFile("n.txt", b"notes")},
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_an_invisible_document_title_is_refused(login, two_meetings, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = login("staff").post(
        f"/convenings/{two_meetings['meeting'].code}/documents/new/",
        {"title": "\u200b\u2060", "kind": "report", "file": SimpleUploadedFile("n.txt", b"x")},
    )
    assert response.status_code == 200
    assert "visible text" in response.content.decode()
    assert not Document.objects.exists()
    assert not any(tmp_path.rglob("*"))


@pytest.fixture
def played(personas):
    """A simulation the expert plays in, and another simulation's released inject."""
    convening = ConveningFactory(
        kind="simulation",
        confidentiality="chatham",
        starts_on=datetime.date(2024, 5, 21),
        ends_on=datetime.date(2024, 5, 21),
    )
    place = ParticipationFactory(convening=convening, person=personas["expert"].person)
    scenario = Scenario.objects.create(convening=convening, title="Dry summer", brief="B.")
    team = Team.objects.create(scenario=scenario, name="Upstream", role_card="Keep water.")
    TeamMember.objects.create(team=team, participation=place)
    other = Scenario.objects.create(
        convening=ConveningFactory(kind="simulation"), title="Other", brief="B."
    )
    foreign = Inject.objects.create(
        scenario=other, order=1, planned_minute=0, title="Elsewhere", body="Not here."
    )
    foreign.released_at = foreign.scenario.convening.created_at
    foreign.save()
    return convening, foreign


@pytest.mark.parametrize("inject", ["abc", "999", str(uuid.uuid4()), "foreign"])
def test_a_decision_answering_an_unknown_inject_is_refused(login, played, inject):
    convening, foreign = played
    value = str(foreign.code) if inject == "foreign" else inject
    response = login("expert").post(
        f"/convenings/{convening.code}/simulation/", {"text": "Share data.", "inject": value}
    )
    assert response.status_code == 400
    assert "valid choice" in response.content.decode()
    assert not Decision.objects.exists()


def test_releasing_another_scenarios_inject_is_not_found(login, personas, played):
    convening, foreign = played
    foreign.released_at = None
    foreign.save()
    url = f"/convenings/{convening.code}/simulation/injects/{foreign.code}/release/"
    assert login("staff").post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.released_at is None
