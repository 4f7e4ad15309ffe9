"""Who sees and does what in deliberation, by role."""

import pytest

from kenesh.deliberation.models import Anonymity, Conversation
from tests.convenings.factories import ConveningFactory

PAGES = ["", "results/", "statements/", "links/", "export.polis.zip", "vote/"]

# role -> expected status for each page of an open-to-members conversation
OPEN = {
    None: [302, 302, 302, 302, 302, 302],
    "administrator": [200, 200, 200, 200, 200, 404],
    "staff": [200, 200, 200, 200, 200, 404],
    "mentor": [200, 200, 403, 403, 403, 200],
    "expert": [200, 200, 403, 403, 403, 200],
    "observer": [200, 200, 403, 403, 403, 404],
}


@pytest.mark.parametrize("role", list(OPEN))
def test_pages_by_role(role, login, conversation):
    client = login(role)
    got = [client.get(f"/deliberation/{conversation.code}/{page}").status_code for page in PAGES]
    assert got == OPEN[role]


def test_a_conversation_of_a_closed_convening_is_hidden(login, personas):
    closed = ConveningFactory(confidentiality="closed", kind="track2")
    conversation = Conversation.objects.create(
        title="Closed talk", convening=closed, anonymity=Anonymity.PSEUDONYMOUS
    )
    for role in ("mentor", "expert", "observer"):
        client = login(role)
        assert client.get(f"/deliberation/{conversation.code}/").status_code == 404
        assert client.get(f"/deliberation/{conversation.code}/results/").status_code == 404
        assert "Closed talk" not in client.get("/deliberation/").content.decode()
    assert login("staff").get(f"/deliberation/{conversation.code}/").status_code == 200


def test_invitation_only_conversations_are_for_their_participants(login, conversation, personas):
    from kenesh.deliberation.models import Participant

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
    bad = login("staff").post("/deliberation/new/", {"title": "", "anonymity": "secret"})
    assert bad.status_code == 200 and Conversation.objects.count() == 1
