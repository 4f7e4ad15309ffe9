import pytest

from kenesh.papers import services
from kenesh.papers.models import AuthorRole
from kenesh.people.models import Person
from tests.factories import PersonFactory


@pytest.fixture
def paper(personas):
    """A draft led by the young expert, with a seasoned co-author and a mentor."""
    return services.create_paper(
        by=personas["staff"],
        authors=[
            (personas["young_expert"].person, AuthorRole.LEAD),
            (personas["expert"].person, AuthorRole.CO_AUTHOR),
        ],
        title="Sharing river data (fictional)",
        body="# Sharing river data\n\nFirst draft.",
        language="en",
        visibility="public",
    )


def reviewers(personas):
    """The mentor's and a member of staff's roster records: the usual two reviewers."""
    staff = Person.objects.filter(user=personas["staff"]).first() or PersonFactory(
        user=personas["staff"], name="Сотрудник Программы", name_latin="Sotrudnik Programmy"
    )
    return personas["mentor"].person, staff


def assign(paper, personas):
    mentor, peer = reviewers(personas)
    return services.assign_reviewers(paper=paper, mentor=mentor, peer=peer, by=personas["staff"])


def advance(paper, personas, to):
    """Take a paper through the workflow to ``to`` with the right people."""
    steps = {
        "submitted": [("submit", "young_expert")],
        "in_review": [("submit", "young_expert"), ("assign", None), ("start_review", "staff")],
        "revisions": [
            ("submit", "young_expert"),
            ("assign", None),
            ("start_review", "staff"),
            ("request_revisions", "staff"),
        ],
        "approved": [
            ("submit", "young_expert"),
            ("assign", None),
            ("start_review", "staff"),
            ("reviews", None),
            ("approve", "staff"),
        ],
        "published": [
            ("submit", "young_expert"),
            ("assign", None),
            ("start_review", "staff"),
            ("reviews", None),
            ("approve", "staff"),
            ("publish", "staff"),
        ],
    }[to]
    for action, who in steps:
        if action == "assign":
            assign(paper, personas)
        elif action == "reviews":
            for review in paper.reviews.all():
                services.submit_review(
                    review=review, verdict="approve", comments="Good.", by=review.reviewer
                )
        else:
            services.move(paper=paper, action=action, by=personas[who])
        paper.refresh_from_db()
    return paper
