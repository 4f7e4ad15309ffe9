"""Who sees and does what in deliberation, by role."""

import pytest
from django.urls import URLPattern, get_resolver

from kenesh.deliberation.models import Anonymity, Conversation, Participant, Vote
from kenesh.deliberation.rules import can_see_conversation
from tests.convenings.factories import ConveningFactory, ParticipationFactory
from tests.factories import PersonFactory

ROLES = [None, "administrator", "staff", "mentor", "expert", "young_expert", "observer"]


def url(name, conversation):
    """Each deliberation URL, for the open-to-members conversation (GET)."""
    code = conversation.code
    return {
        "conversation-list": "/deliberation/",
        "conversation-create": "/deliberation/new/",
        "polis-import": "/deliberation/import/",
        "join": "/deliberation/join/not-a-token/",
        "conversation-detail": f"/deliberation/{code}/",
        "statements": f"/deliberation/{code}/statements/",
        "links": f"/deliberation/{code}/links/",
        "vote": f"/deliberation/{code}/vote/",
        "vote-cast": f"/deliberation/{code}/vote/cast/",
        "vote-statement": f"/deliberation/{code}/vote/statement/",
        "vote-attributes": f"/deliberation/{code}/vote/about-you/",
        "results": f"/deliberation/{code}/results/",
        "analyze": f"/deliberation/{code}/results/analyze/",
        "analysis-progress": f"/deliberation/{code}/results/progress/",
        "export": f"/deliberation/{code}/export.polis.zip",
    }[name]


# URL name -> status by role: anonymous, administrator, staff, mentor, expert, young expert,
# observer. Staff without a roster record have no vote to cast (403: they see the
# conversation); observers never vote.
MATRIX = {
    "conversation-list": [302, 200, 200, 200, 200, 200, 200],
    "conversation-create": [302, 200, 200, 403, 403, 403, 403],
    "polis-import": [302, 200, 200, 403, 403, 403, 403],
    "join": [404, 404, 404, 404, 404, 404, 404],
    "conversation-detail": [302, 200, 200, 200, 200, 200, 200],
    "statements": [302, 200, 200, 403, 403, 403, 403],
    "links": [302, 200, 200, 403, 403, 403, 403],
    "vote": [302, 403, 403, 200, 200, 200, 403],
    # The page's three actions take POST only (tests/deliberation/test_vote_actions.py).
    "vote-cast": [405] * 7,
    "vote-statement": [405] * 7,
    "vote-attributes": [405] * 7,
    "results": [302, 200, 200, 200, 200, 200, 200],
    "analyze": [302, 405, 405, 403, 403, 403, 403],
    "analysis-progress": [302, 200, 200, 200, 200, 200, 200],
    "export": [302, 200, 200, 403, 403, 403, 403],
}


def deliberation_url_names():
    (resolver,) = [
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "deliberation"
    ]
    return {p.name for p in resolver.url_patterns if isinstance(p, URLPattern)}


def test_every_deliberation_url_has_a_row_in_the_matrix():
    assert deliberation_url_names() == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(role, login, conversation):
    client = login(role)
    got = {name: client.get(url(name, conversation)).status_code for name in MATRIX}
    assert got == {name: row[ROLES.index(role)] for name, row in MATRIX.items()}


@pytest.fixture
def closed_talk(personas):
    """A named conversation of a closed (Track II) convening, open to its members."""
    closed = ConveningFactory(confidentiality="closed", kind="track2")
    conversation = Conversation.objects.create(
        title="Closed talk",
        convening=closed,
        anonymity=Anonymity.NAMED,
        open_to_members=True,
    )
    from tests.deliberation.conftest import add_statements

    add_statements(conversation, ["A closed statement"])
    return conversation


def test_members_with_the_address_of_a_closed_convenings_conversation_get_404(login, closed_talk):
    statement = closed_talk.statements.get()
    code = closed_talk.code
    for role in ("mentor", "expert", "young_expert", "observer"):
        client = login(role)
        for page in ("", "vote/", "results/", "results/progress/"):
            assert client.get(f"/deliberation/{code}/{page}").status_code == 404, (role, page)
        posted = client.post(
            f"/deliberation/{code}/vote/cast/",
            {"statement": str(statement.code), "value": "1", "language": "en"},
        )
        assert posted.status_code == 404
        assert (
            client.post(
                f"/deliberation/{code}/vote/statement/",
                {"submit": "1", "text": "Let me in", "language": "en"},
            ).status_code
            == 404
        )
        assert "Closed talk" not in client.get("/deliberation/").content.decode()
    assert not Participant.objects.filter(conversation=closed_talk).exists()
    assert not Vote.objects.exists()
    assert login("staff").get(f"/deliberation/{code}/").status_code == 200


def test_the_closed_convenings_invited_participants_take_part(login, closed_talk, personas):
    ParticipationFactory(
        convening=closed_talk.convening, person=personas["expert"].person, invitation="invited"
    )
    ParticipationFactory(
        convening=closed_talk.convening, person=personas["mentor"].person, invitation="declined"
    )
    expert = login("expert")
    assert expert.get(f"/deliberation/{closed_talk.code}/").status_code == 200
    assert "Closed talk" in expert.get("/deliberation/").content.decode()
    statement = closed_talk.statements.get()
    expert.post(
        f"/deliberation/{closed_talk.code}/vote/cast/",
        {"statement": str(statement.code), "value": "1", "language": "en"},
    )
    assert Vote.objects.get().participant.person == personas["expert"].person
    # Having declined, the mentor is not one of the people in the room.
    assert login("mentor").get(f"/deliberation/{closed_talk.code}/vote/").status_code == 404


def test_an_invitation_link_opens_a_closed_convenings_pseudonymous_conversation(client, personas):
    from kenesh.deliberation import services

    closed = ConveningFactory(confidentiality="closed", kind="track2")
    conversation = Conversation.objects.create(
        title="Border talk", convening=closed, anonymity=Anonymity.PSEUDONYMOUS
    )
    (link,) = services.create_invitation_links(
        conversation=conversation, count=1, by=personas["staff"]
    )
    assert client.get(f"/deliberation/{conversation.code}/vote/").status_code == 302  # sign in
    client.get(f"/deliberation/join/{link.token}/")
    assert client.get(f"/deliberation/{conversation.code}/vote/").status_code == 200
    assert client.get(f"/deliberation/{conversation.code}/results/").status_code == 200


def test_the_queryset_and_the_rule_agree_on_who_sees_what(personas, closed_talk, conversation):
    pseudonymous = Conversation.objects.create(title="P", anonymity=Anonymity.PSEUDONYMOUS)
    invitation_only = Conversation.objects.create(title="I", anonymity=Anonymity.NAMED)
    Participant.objects.create(conversation=invitation_only, person=personas["mentor"].person)
    ParticipationFactory(convening=closed_talk.convening, person=personas["expert"].person)
    for user in personas.values():
        visible = set(Conversation.objects.visible_to(user))
        for each in (closed_talk, conversation, pseudonymous, invitation_only):
            assert (each in visible) == can_see_conversation.test(user, each), (user, each)


@pytest.mark.parametrize(
    ("role", "with_profile", "votes"),
    [
        ("administrator", False, False),
        ("administrator", True, True),
        ("staff", False, False),
        ("staff", True, True),
        ("mentor", True, True),
        ("expert", True, True),
        ("young_expert", True, True),
        ("observer", False, False),
    ],
)
def test_the_vote_button_is_offered_to_exactly_those_who_may_vote(
    login, conversation, personas, role, with_profile, votes
):
    if with_profile and not hasattr(personas[role], "person"):
        PersonFactory(user=personas[role])
    client = login(role)
    detail = client.get(f"/deliberation/{conversation.code}/").content.decode()
    assert ('data-testid="take-part"' in detail) is votes
    page = client.get(f"/deliberation/{conversation.code}/vote/")
    assert page.status_code == (200 if votes else 403)
    if votes:
        statement = page.context["statement"]
        client.post(
            f"/deliberation/{conversation.code}/vote/cast/",
            {"statement": str(statement.code), "value": "1", "language": "en"},
        )
        assert Vote.objects.get().participant.person.user == personas[role]


def test_invitation_only_conversations_are_for_their_participants(login, conversation, personas):
    conversation.open_to_members = False
    conversation.save()
    assert login("expert").get(f"/deliberation/{conversation.code}/").status_code == 404
    Participant.objects.create(conversation=conversation, person=personas["expert"].person)
    assert login("expert").get(f"/deliberation/{conversation.code}/").status_code == 200
    assert login("expert").get(f"/deliberation/{conversation.code}/vote/").status_code == 200
    assert login("mentor").get(f"/deliberation/{conversation.code}/vote/").status_code == 404


def test_only_staff_open_and_import(login, personas):
    for role, status in (("staff", 200), ("expert", 403), ("observer", 403)):
        client = login(role)
        assert client.get("/deliberation/new/").status_code == status
        assert client.get("/deliberation/import/").status_code == status


def test_staff_open_a_conversation(login, personas):
    response = login("staff").post(
        "/deliberation/new/",
        {"title": "New question", "language": "ru", "anonymity": "named", "is_open": "on"},
    )
    assert response.status_code == 302
    assert Conversation.objects.filter(title="New question").exists()
    bad = login("staff").post("/deliberation/new/", {"title": "", "anonymity": "named"})
    assert bad.status_code == 200 and Conversation.objects.count() == 1
    # A value no select on the form offered is a forged request: 400, nothing opened.
    forged = login("staff").post("/deliberation/new/", {"title": "Q", "anonymity": "secret"})
    assert forged.status_code == 400 and Conversation.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "\u200b\u2060 \u200b"}, "invisible characters"),
        ({"description": "\u3164\u200b"}, "invisible characters"),
        ({"anonymity": "pseudonymous", "open_to_members": "on"}, "invitation links only"),
        ({"convening": "999999"}, "Select a valid choice"),
    ],
)
def test_a_conversation_that_cannot_be_is_explained_and_not_opened(
    login, personas, fields, message
):
    data = {"title": "A question", "language": "en", "anonymity": "named", **fields}
    response = login("staff").post("/deliberation/new/", data)
    # A convening the form never offered is a forged choice (400); the rest are mistakes.
    assert response.status_code == (400 if "convening" in fields else 200)
    assert message in response.content.decode()
    assert not Conversation.objects.exists()


def test_the_conversation_form_offers_only_convenings_its_user_may_know(personas):
    from kenesh.deliberation.forms import ConversationForm

    closed = ConveningFactory(confidentiality="closed", kind="track2")
    public = ConveningFactory()
    assert set(ConversationForm(user=personas["expert"]).fields["convening"].queryset) == {public}
    assert set(ConversationForm(user=personas["staff"]).fields["convening"].queryset) == {
        public,
        closed,
    }
