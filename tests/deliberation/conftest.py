import pytest

from kenesh.deliberation.models import Anonymity, Conversation, Statement, StatementStatus
from kenesh.people.transliteration import fold


def add_statements(conversation, texts, status=StatementStatus.ACCEPTED):
    start = conversation.statements.count()
    return [
        Statement.objects.create(
            conversation=conversation,
            number=start + i + 1,
            text=text,
            language="en",
            normalized=fold(text),
            status=status,
            is_seed=True,
        )
        for i, text in enumerate(texts)
    ]


def water_conversation():
    """A named conversation open to members, with twelve accepted statements."""
    conversation = Conversation.objects.create(
        title="How should the valley share water?",
        language="en",
        open_to_members=True,
        anonymity=Anonymity.NAMED,
    )
    add_statements(conversation, [f"Fictional statement number {i}" for i in range(1, 13)])
    return conversation


@pytest.fixture(autouse=True)
def _no_bootstrap(settings):
    """Maps drawn in these tests skip the stability bootstrap, which only the tests
    about stability pay for (they ask for it)."""
    settings.KENESH_OPINION_BOOTSTRAP = 0


@pytest.fixture
def conversation(personas):
    return water_conversation()


@pytest.fixture
def pseudonymous(personas):
    conversation = Conversation.objects.create(
        title="Border communities", language="en", anonymity=Anonymity.PSEUDONYMOUS
    )
    add_statements(conversation, [f"Border statement {i}" for i in range(1, 9)])
    return conversation
