"""Taking part: voting one statement at a time, submitting statements, moderation."""

import pytest

from kenesh.deliberation import services
from kenesh.deliberation.models import Moderation, Participant, StatementStatus, Vote
from tests.deliberation.conftest import add_statements


def vote(client, conversation, statement, value, **extra):
    return client.post(
        f"/deliberation/{conversation.code}/vote/",
        {"statement": str(statement.code), "value": value, "language": "en"},
        **extra,
    )


def test_a_member_votes_and_a_changed_vote_replaces_the_old(login, conversation):
    client = login("expert")
    page = client.get(f"/deliberation/{conversation.code}/vote/")
    assert page.status_code == 200
    statement = page.context["statement"]
    vote(client, conversation, statement, 1, HTTP_HX_REQUEST="true")
    vote(client, conversation, statement, -1, HTTP_HX_REQUEST="true")
    (only,) = Vote.objects.filter(statement=statement)
    assert only.value == -1 and only.language == "en"
    assert only.participant.person.user.username == "expert"


def test_every_statement_is_offered_once_in_a_small_panel(login, conversation):
    client = login("young_expert")
    offered = []
    for _ in range(12):
        statement = client.get(f"/deliberation/{conversation.code}/vote/").context["statement"]
        offered.append(statement.number)
        vote(client, conversation, statement, 0)
    assert sorted(offered) == list(range(1, 13))
    page = client.get(f"/deliberation/{conversation.code}/vote/")
    assert page.context["statement"] is None and 'data-testid="all-voted"' in page.content.decode()


@pytest.mark.parametrize("value", ["2", "agree", "", "-5"])
def test_bad_vote_values_change_nothing(login, conversation, value):
    client = login("expert")
    statement = conversation.statements.first()
    response = vote(client, conversation, statement, value, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="vote-error"' in response.content.decode()
    assert not Vote.objects.exists()


def test_votes_for_other_or_rejected_statements_change_nothing(login, conversation, pseudonymous):
    client = login("expert")
    elsewhere = pseudonymous.statements.first()
    (rejected,) = add_statements(conversation, ["A rejected one"], StatementStatus.REJECTED)
    for statement in (elsewhere, rejected):
        response = vote(client, conversation, statement, 1, HTTP_HX_REQUEST="true")
        assert 'data-testid="vote-error"' in response.content.decode()
    assert not Vote.objects.exists()


def test_a_closed_conversation_takes_no_votes(login, conversation):
    conversation.is_open = False
    conversation.save()
    client = login("expert")
    vote(client, conversation, conversation.statements.first(), 1)
    assert not Vote.objects.exists()


def test_observers_and_outsiders_cannot_vote(login, conversation):
    assert login("observer").get(f"/deliberation/{conversation.code}/vote/").status_code == 404
    assert login(None).get(f"/deliberation/{conversation.code}/vote/").status_code == 302


def test_submitted_statement_waits_for_moderation_then_appears(login, conversation):
    client = login("young_expert")
    response = client.post(
        f"/deliberation/{conversation.code}/vote/",
        {"submit": "1", "text": "Water users should meet across the border.", "language": "en"},
    )
    assert response.status_code == 302
    submitted = conversation.statements.get(text="Water users should meet across the border.")
    assert submitted.status == StatementStatus.PENDING and submitted.author.person.user
    staff = login("staff")
    queue = staff.get(f"/deliberation/{conversation.code}/statements/").content.decode()
    assert "Water users should meet" in queue
    staff.post(
        f"/deliberation/{conversation.code}/statements/",
        {"moderate": "accept", "statement": str(submitted.code), "reason": "clear"},
    )
    submitted.refresh_from_db()
    assert submitted.status == StatementStatus.ACCEPTED
    assert Moderation.objects.get(statement=submitted).reason == "clear"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "required"),
        ("x" * 501, "at most 500"),
        ("fictional   STATEMENT number 3!", "repeats statement 3"),
    ],
)
def test_bad_statements_are_explained_and_nothing_is_saved(login, conversation, text, message):
    before = conversation.statements.count()
    response = login("expert").post(
        f"/deliberation/{conversation.code}/vote/",
        {"submit": "1", "text": text, "language": "en"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert conversation.statements.count() == before


def test_a_pseudonymous_link_stores_no_name(client, pseudonymous, personas):
    (participant,) = services.create_invitation_links(
        conversation=pseudonymous, count=1, by=personas["staff"]
    )
    response = client.get(f"/deliberation/join/{participant.token}/")
    assert response.status_code == 302
    page = client.get(f"/deliberation/{pseudonymous.code}/vote/")
    statement = page.context["statement"]
    vote(client, pseudonymous, statement, 1)
    stored = Vote.objects.get()
    assert stored.participant == participant and stored.participant.person is None
    assert client.get("/deliberation/join/not-a-token/").status_code == 404


def test_a_link_cannot_be_used_in_another_conversation(
    client, pseudonymous, conversation, personas
):
    (participant,) = services.create_invitation_links(
        conversation=pseudonymous, count=1, by=personas["staff"]
    )
    client.get(f"/deliberation/join/{participant.token}/")
    assert client.get(f"/deliberation/{conversation.code}/vote/").status_code == 302


def test_declared_attributes_are_saved(login, conversation):
    client = login("expert")
    client.post(
        f"/deliberation/{conversation.code}/vote/",
        {"declare": "1", "country": "TJ", "track": "seasoned", "sector": "media"},
    )
    participant = Participant.objects.get(person__user__username="expert")
    assert (participant.country, participant.sector) == ("TJ", "media")
    client.post(f"/deliberation/{conversation.code}/vote/", {"declare": "1", "country": "XX1"})
    participant.refresh_from_db()
    assert participant.country == "TJ"
