"""Taking part: voting one statement at a time, submitting statements, moderation."""

import pytest

from kenesh.deliberation import services
from kenesh.deliberation.models import (
    Moderation,
    Participant,
    StatementStatus,
    Translation,
    Vote,
)
from tests.deliberation.conftest import add_statements


def vote(client, conversation, statement, value, **extra):
    return client.post(
        f"/deliberation/{conversation.code}/vote/cast/",
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


@pytest.mark.parametrize("value", ["2", "agree", "", "-5", "1.0"])
def test_bad_vote_values_change_nothing(login, conversation, value):
    client = login("expert")
    statement = conversation.statements.first()
    response = vote(client, conversation, statement, value, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert 'data-testid="vote-error"' in response.content.decode()
    assert "agree, disagree or pass" in response.content.decode()
    assert not Vote.objects.exists() and not Participant.objects.exists()


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize(
    ("statement", "status", "message"),
    [
        ("not-a-code", 400, "could not be read"),
        ("12", 400, "could not be read"),
        ("", 400, "could not be read"),
        ("00000000-0000-0000-0000-000000000000", 404, "no such statement"),
        ("elsewhere", 404, "no such statement"),
        ("pending", 404, "no such statement"),
    ],
)
def test_a_vote_for_a_statement_that_cannot_be_found_is_refused_with_a_message(
    login, conversation, pseudonymous, statement, status, message, htmx
):
    if statement == "elsewhere":
        statement = str(pseudonymous.statements.first().code)
    elif statement == "pending":
        (waiting,) = add_statements(conversation, ["Still waiting"], StatementStatus.PENDING)
        statement = str(waiting.code)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = login("expert").post(
        f"/deliberation/{conversation.code}/vote/cast/",
        {"statement": statement, "value": "1", "language": "en"},
        **extra,
    )
    assert response.status_code == status
    page = response.content.decode()
    assert 'data-testid="vote-error"' in page and message in page
    assert not Vote.objects.exists() and not Participant.objects.exists()


def test_opening_the_vote_page_writes_nothing_the_first_vote_makes_the_place(login, conversation):
    client = login("expert")
    for _ in range(2):
        page = client.get(f"/deliberation/{conversation.code}/vote/")
        assert page.status_code == 200 and page.context["participant"] is None
    assert not Participant.objects.exists()
    first = page.context["statement"]
    assert client.get(f"/deliberation/{conversation.code}/vote/").context["statement"] == first
    vote(client, conversation, first, 1)
    (participant,) = Participant.objects.all()
    assert participant.person.user.username == "expert"
    assert Vote.objects.get().participant == participant
    vote(client, conversation, conversation.statements.exclude(pk=first.pk).first(), -1)
    assert Participant.objects.count() == 1 and Vote.objects.count() == 2


def test_a_first_statement_makes_the_place_and_a_refused_one_leaves_nothing(login, conversation):
    client = login("young_expert")
    refused = client.post(
        f"/deliberation/{conversation.code}/vote/statement/",
        {"submit": "1", "text": "Fictional statement number 2", "language": "en"},
    )
    assert refused.status_code == 200 and "repeats statement 2" in refused.content.decode()
    assert not Participant.objects.exists()
    client.post(
        f"/deliberation/{conversation.code}/vote/statement/",
        {"submit": "1", "text": "A new thought on the valley.", "language": "en"},
    )
    assert Participant.objects.get().person.user.username == "young_expert"


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
    # Observers see the conversation's results, so it is no secret to them: 403.
    assert login("observer").get(f"/deliberation/{conversation.code}/vote/").status_code == 403
    statement = conversation.statements.first()
    assert vote(login("observer"), conversation, statement, 1).status_code == 403
    assert login(None).get(f"/deliberation/{conversation.code}/vote/").status_code == 302
    assert vote(login(None), conversation, statement, 1).status_code == 302
    assert not Vote.objects.exists() and not Participant.objects.exists()


def test_submitted_statement_waits_for_moderation_then_appears(login, conversation):
    client = login("young_expert")
    response = client.post(
        f"/deliberation/{conversation.code}/vote/statement/",
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
        ("\u200b\u200d\u2060", "invisible characters"),
        ("\u3164 \u200b", "invisible characters"),
        ("x" * 501, "at most 500"),
        ("fictional   STATEMENT number 3!", "repeats statement 3"),
    ],
)
def test_bad_statements_are_explained_and_nothing_is_saved(login, conversation, text, message):
    before = conversation.statements.count()
    response = login("expert").post(
        f"/deliberation/{conversation.code}/vote/statement/",
        {"submit": "1", "text": text, "language": "en"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert conversation.statements.count() == before
    assert not Participant.objects.exists()


def test_invisible_statements_are_refused_by_the_service_too(conversation, personas):
    from django.core.exceptions import ValidationError

    for text in ("\u200b\u200b", "\u2800", "\u00ad\u200e"):
        with pytest.raises(ValidationError, match="invisible"):
            services.add_statement(
                conversation=conversation, text=text, language="en", by=personas["staff"]
            )
    assert conversation.statements.count() == 12


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
        f"/deliberation/{conversation.code}/vote/about-you/",
        {"declare": "1", "country": "TJ", "track": "seasoned", "sector": "media"},
    )
    participant = Participant.objects.get(person__user__username="expert")
    assert (participant.country, participant.sector) == ("TJ", "media")
    client.post(
        f"/deliberation/{conversation.code}/vote/about-you/", {"declare": "1", "country": "XX1"}
    )
    participant.refresh_from_db()
    assert participant.country == "TJ"


@pytest.fixture
def waiting(conversation):
    (statement,) = add_statements(conversation, ["Waiting in the queue"], StatementStatus.PENDING)
    return statement


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"statement": "not-a-code", "moderate": "accept"}, 400, "could not be read"),
        ({"statement": "17", "moderate": "reject"}, 400, "could not be read"),
        ({"moderate": "accept"}, 400, "could not be read"),
        (
            {"statement": "00000000-0000-0000-0000-000000000000", "moderate": "accept"},
            404,
            "no such statement",
        ),
        ({"statement": "elsewhere", "moderate": "accept"}, 404, "no such statement"),
        ({"statement": "waiting", "moderate": "maybe"}, 400, "accept or to reject"),
        (
            {"statement": "waiting", "moderate": "reject", "reason": "\u200b\u200b"},
            400,
            "invisible characters",
        ),
    ],
)
def test_a_moderation_that_cannot_be_read_is_refused_and_changes_nothing(
    login, conversation, pseudonymous, waiting, data, status, message
):
    replace = {"elsewhere": str(pseudonymous.statements.first().code), "waiting": str(waiting.code)}
    data = {k: replace.get(v, v) for k, v in data.items()}
    response = login("staff").post(f"/deliberation/{conversation.code}/statements/", data)
    assert response.status_code == status
    assert message in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == StatementStatus.PENDING
    assert not Moderation.objects.exists()
    assert pseudonymous.statements.filter(status=StatementStatus.ACCEPTED).count() == 8


@pytest.mark.parametrize(
    ("number", "status", "message"),
    [
        ("one", 400, "whole number"),
        ("", 400, "required"),
        ("0", 400, "greater than or equal to 1"),
        ("99", 404, "no statement with this number"),
    ],
)
def test_a_translation_for_a_statement_that_cannot_be_found_is_refused(
    login, conversation, number, status, message
):
    response = login("staff").post(
        f"/deliberation/{conversation.code}/statements/",
        {"translate": "1", "statement": number, "language": "ru", "text": "Перевод"},
    )
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Translation.objects.exists()


def test_a_translation_names_statements_of_its_own_conversation_only(
    login, conversation, pseudonymous
):
    add_statements(pseudonymous, [f"More border statement {i}" for i in range(9, 21)])
    # Statement 20 exists, but in the other conversation.
    response = login("staff").post(
        f"/deliberation/{conversation.code}/statements/",
        {"translate": "1", "statement": "20", "language": "ru", "text": "Перевод"},
    )
    assert response.status_code == 404
    assert not Translation.objects.exists()


@pytest.mark.parametrize(
    ("language", "text", "message"),
    [("ru", "\u200b\u2060", "invisible characters"), ("en", "Same language", "already written")],
)
def test_bad_translations_are_explained_and_not_saved(login, conversation, language, text, message):
    response = login("staff").post(
        f"/deliberation/{conversation.code}/statements/",
        {"translate": "1", "statement": "1", "language": language, "text": text},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Translation.objects.exists()


def test_invisible_seed_statements_are_refused(login, conversation):
    response = login("staff").post(
        f"/deliberation/{conversation.code}/statements/",
        {"seed": "1", "text": "\u200b \u200c", "language": "en"},
    )
    assert response.status_code == 200 and "invisible characters" in response.content.decode()
    assert conversation.statements.count() == 12
