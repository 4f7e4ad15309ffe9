import pytest

from tests.papers.conftest import advance


@pytest.fixture
def paper(personas):
    """A public draft led by the young expert."""
    from kenesh.papers import services as paper_services
    from kenesh.papers.models import AuthorRole

    return paper_services.create_paper(
        by=personas["staff"],
        authors=[(personas["young_expert"].person, AuthorRole.LEAD)],
        title="Fictional paper",
        body="Text",
        language="en",
        visibility="public",
    )


@pytest.fixture
def published(personas, paper):
    return advance(paper, personas, "published")
