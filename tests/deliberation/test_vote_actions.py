"""The vote page's three actions, each its own handler (vote_views): a vote, a statement
for moderation, declared attributes. Each: good input (with htmx a part of the page,
without JavaScript a redirect back with a message), bad input changing nothing, and the
wrong person refused; and the page itself, which only shows."""

import pytest

from kenesh.deliberation.models import Participant, Statement, StatementStatus, Vote
from tests.deliberation.conftest import add_statements

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(conversation, action=""):
    return f"/deliberation/{conversation.code}/vote/{action}"


def cast(client, conversation, statement, value="1", **extra):
    body = {"statement": str(statement.code), "value": value, "language": "en"}
    return client.post(url(conversation, "cast/"), body, **extra)


def writes(conversation) -> tuple:
    statements = Statement.objects.filter(conversation=conversation)
    participants = Participant.objects.filter(conversation=conversation)
    return (
        Vote.objects.count(),
        statements.count(),
        list(participants.values_list("pk", "country", "track", "sector")),
    )


# -- the page ---------------------------------------------------------------------------


def test_the_page_only_shows_and_says_how_to_vote_by_keyboard(login, conversation):
    client = login("expert")
    page = client.get(url(conversation))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'role="status"' in body and 'data-testid="vote-status"' in body
    assert "Keys: A agree, D disagree, P pass" in body
    assert 'id="vote-shortcuts"' in body and "Use the single-key shortcuts" in body
    for action in ("cast/", "statement/", "about-you/"):
        assert f'action="{url(conversation, action)}"' in body
    # The statement takes the focus after a swap, and is where Tab starts from.
    assert 'id="vote-statement" tabindex="-1" data-focus' in body
    posted = client.post(url(conversation), {"statement": "x", "value": "1", "text": "Hello"})
    assert posted.status_code == 405
    assert writes(conversation) == (0, 12, [])


# -- casting a vote ---------------------------------------------------------------------


def test_a_vote_by_htmx_swaps_the_card_and_says_how_far_the_voter_is(login, conversation):
    client = login("expert")
    first = client.get(url(conversation)).context["statement"]
    response = cast(client, conversation, first, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "deliberation/vote_card.html"
    assert 'data-announce="Vote saved. Voted 1, 11 statements left. Here is the next one."' in body
    assert response.context["statement"] != first
    assert Vote.objects.get().statement == first


def test_the_last_statement_left_is_announced_in_the_singular_then_all_done(login, conversation):
    client = login("expert")
    for _ in range(10):
        cast(client, conversation, client.get(url(conversation)).context["statement"], "0")
    eleventh = client.get(url(conversation)).context["statement"]
    body = cast(client, conversation, eleventh, **HTMX).content.decode()
    assert "Voted 11, 1 statement left." in body
    last = client.get(url(conversation)).context["statement"]
    body = cast(client, conversation, last, **HTMX).content.decode()
    assert 'data-testid="all-voted" tabindex="-1" data-focus' in body
    assert 'data-announce="Vote saved. Nothing is left to vote on."' in body
    assert Vote.objects.count() == 12


def test_a_vote_without_javascript_comes_back_to_the_page_with_a_message(login, conversation):
    client = login("young_expert")
    statement = client.get(url(conversation)).context["statement"]
    response = cast(client, conversation, statement, "-1")
    assert response.status_code == 302 and response["Location"] == url(conversation)
    page = client.get(response["Location"]).content.decode()
    assert "Your vote was saved." in page
    assert Vote.objects.get().value == -1


@pytest.mark.parametrize("htmx", [True, False])
def test_a_bad_vote_changes_nothing_and_the_error_is_announced(login, conversation, htmx):
    client = login("expert")
    statement = conversation.statements.first()
    response = cast(client, conversation, statement, "yes", **(HTMX if htmx else {}))
    body = response.content.decode()
    assert response.status_code == 400
    message = "A vote is agree, disagree or pass; nothing was recorded."
    assert f'data-announce="{message}"' in body
    # Said once: by the live region with htmx, by the alert on a whole page without it.
    assert ('role="alert" data-testid="vote-error"' in body) is not htmx
    assert writes(conversation) == (0, 12, [])


def test_those_who_may_not_vote_are_refused_before_anything_is_read(
    login, conversation, closed_talk
):
    statement = conversation.statements.first()
    assert cast(login("observer"), conversation, statement).status_code == 403
    anonymous = cast(login(None), conversation, statement)
    assert anonymous.status_code == 302
    assert anonymous["Location"].endswith("?next=" + url(conversation))
    # A conversation of a closed convening they are not in: as if it did not exist.
    closed = closed_talk.statements.get()
    assert cast(login("mentor"), closed_talk, closed).status_code == 404
    assert login("expert").get(url(conversation, "cast/")).status_code == 405
    assert Vote.objects.count() == 0 and not Participant.objects.exists()


# -- sending a statement ----------------------------------------------------------------


def test_a_statement_by_htmx_swaps_its_part_and_waits_for_moderation(login, conversation):
    client = login("expert")
    response = client.post(
        url(conversation, "statement/"), {"text": "Meet at the dam.", "language": "en"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "deliberation/vote_statement.html"
    assert 'data-testid="statement-sent"' in body and "will appear after moderation" in body
    assert "Meet at the dam." not in body  # a fresh, empty form
    sent = conversation.statements.get(text="Meet at the dam.")
    assert sent.status == StatementStatus.PENDING
    assert sent.author.person.user.username == "expert"


def test_a_statement_without_javascript_comes_back_with_a_message(login, conversation):
    client = login("expert")
    response = client.post(
        url(conversation, "statement/"), {"text": "Meet at the dam.", "language": "en"}
    )
    assert response.status_code == 302 and response["Location"] == url(conversation)
    assert "will appear after moderation" in client.get(url(conversation)).content.decode()


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"text": "", "language": "en"}, 200, "This field is required."),
        ({"text": "Fictional statement number 3", "language": "en"}, 200, "repeats statement 3"),
        ({"text": "A thought", "language": "xx"}, 400, "Select a valid choice."),
        ({"text": "x" * 501, "language": "en"}, 200, "at most 500 characters"),
    ],
)
def test_a_refused_statement_keeps_nothing_and_says_why(
    login, conversation, htmx, body, status, message
):
    response = login("expert").post(url(conversation, "statement/"), body, **(HTMX if htmx else {}))
    page = response.content.decode()
    assert response.status_code == status
    assert message in page and 'aria-invalid="true"' in page
    assert ("<h1" in page) is not htmx  # the whole page only without JavaScript
    assert writes(conversation) == (0, 12, [])


def test_a_conversation_taking_no_statements_refuses_one_with_a_reason(login, conversation):
    conversation.participants_may_submit = False
    conversation.save()
    response = login("expert").post(
        url(conversation, "statement/"), {"text": "Meet at the dam.", "language": "en"}, **HTMX
    )
    assert response.status_code == 400
    assert "takes no statements from participants" in response.content.decode()
    assert writes(conversation) == (0, 12, [])


def test_those_who_may_not_vote_send_no_statement(login, conversation, closed_talk):
    body = {"text": "Let me in.", "language": "en"}
    assert login("observer").post(url(conversation, "statement/"), body).status_code == 403
    assert login("mentor").post(url(closed_talk, "statement/"), body).status_code == 404
    assert login(None).post(url(conversation, "statement/"), body).status_code == 302
    assert login("expert").get(url(conversation, "statement/")).status_code == 405
    assert writes(conversation) == (0, 12, []) and closed_talk.statements.count() == 1


# -- declaring attributes ---------------------------------------------------------------


def test_attributes_by_htmx_swap_their_part_showing_what_was_saved(login, conversation):
    client = login("expert")
    response = client.post(
        url(conversation, "about-you/"),
        {"country": "TJ", "track": "emergent", "sector": "media"},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "deliberation/vote_attributes.html"
    assert 'data-testid="attributes-saved"' in body
    assert '<option value="TJ" selected>' in body
    participant = Participant.objects.get(person__user__username="expert")
    assert (participant.country, participant.track, participant.sector) == (
        "TJ",
        "emergent",
        "media",
    )


def test_attributes_without_javascript_come_back_with_a_message(login, conversation):
    client = login("expert")
    response = client.post(url(conversation, "about-you/"), {"country": "KG"})
    assert response.status_code == 302 and response["Location"] == url(conversation)
    assert "used only in totals" in client.get(url(conversation)).content.decode()


@pytest.mark.parametrize("htmx", [True, False])
def test_attributes_never_offered_change_nothing(login, conversation, htmx):
    client = login("expert")
    client.post(url(conversation, "about-you/"), {"country": "KG", "track": "seasoned"})
    before = writes(conversation)
    response = client.post(
        url(conversation, "about-you/"),
        {"country": "KG", "track": "ancient"},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert writes(conversation) == before


def test_those_who_may_not_vote_declare_nothing(login, conversation, closed_talk):
    body = {"country": "KG"}
    assert login("observer").post(url(conversation, "about-you/"), body).status_code == 403
    assert login("mentor").post(url(closed_talk, "about-you/"), body).status_code == 404
    assert login(None).post(url(conversation, "about-you/"), body).status_code == 302
    assert login("expert").get(url(conversation, "about-you/")).status_code == 405
    assert not Participant.objects.exists()


@pytest.fixture
def closed_talk(personas):
    """A named conversation of a closed convening no test persona is invited to."""
    from kenesh.deliberation.models import Anonymity, Conversation
    from tests.convenings.factories import ConveningFactory

    conversation = Conversation.objects.create(
        title="Closed talk",
        convening=ConveningFactory(confidentiality="closed", kind="track2"),
        anonymity=Anonymity.NAMED,
        open_to_members=True,
    )
    add_statements(conversation, ["A closed statement"])
    return conversation


# -- any input --------------------------------------------------------------------------

FIELDS = {
    "cast/": ("statement", "value", "language"),
    "statement/": ("text", "language"),
    "about-you/": ("country", "track", "sector"),
}


@pytest.mark.parametrize("action", list(FIELDS))
def test_no_input_to_an_action_gives_a_server_error(login, conversation, action):
    """The matrix's form fuzzing posts to the page (GET only now): the actions here."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = login("expert")
    values = st.one_of(
        st.text(max_size=600),
        st.sampled_from(["", "1", "-1", "0", "KG", "ru", "seasoned", "\x00", "99" * 40]),
        st.just(str(conversation.statements.first().code)),
    )

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(body=st.fixed_dictionaries(dict.fromkeys(FIELDS[action], values)))
    def post(body):
        for htmx in ({}, HTMX):
            response = client.post(url(conversation, action), body, **htmx)
            assert response.status_code < 500, (body, response.status_code)

    post()
