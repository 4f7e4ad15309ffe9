"""Starting a paper offers only the convenings and people its author may know of, and
refuses anything else, whether hidden, unknown or made of invisible characters."""

import pytest

from kenesh.papers.models import PolicyPaper
from tests.convenings.factories import ConveningFactory, ParticipationFactory
from tests.factories import PersonFactory


@pytest.fixture
def world(personas):
    """A public RCWG meeting, a closed Track II round the young expert did not attend,
    one they did, a listed colleague and someone who never agreed to be listed."""
    return {
        "public": ConveningFactory(title="Open RCWG meeting (fictional)"),
        "closed": ConveningFactory(
            kind="track2", title="Closed Track II round (fictional)", confidentiality="closed"
        ),
        "attended": ParticipationFactory(
            convening=ConveningFactory(
                kind="track2", title="Closed round they attended", confidentiality="closed"
            ),
            person=personas["young_expert"].person,
        ).convening,
        "listed": PersonFactory(name="Видимый Коллега", name_latin="Vidimyi Kollega"),
        "unlisted": PersonFactory(
            name="Скрытый Эксперт", name_latin="Skrytyi Ekspert", directory_consent_at=None
        ),
    }


def new_paper(personas, **extra):
    return {
        "title": "A new fictional paper",
        "language": "en",
        "visibility": "programme",
        "lead": personas["young_expert"].person.pk,
        "body": "Draft.",
        **extra,
    }


def test_the_new_paper_form_offers_only_what_its_author_may_know(login, world):
    page = login("young_expert").get("/papers/new/").content.decode()
    assert world["public"].title in page and world["attended"].title in page
    assert world["closed"].title not in page
    assert world["listed"].name in page
    assert world["unlisted"].name not in page
    staff_page = login("staff").get("/papers/new/").content.decode()
    assert world["closed"].title in staff_page and world["unlisted"].name in staff_page


@pytest.mark.parametrize(
    ("field", "hidden"),
    [("convenings", "closed"), ("co_authors", "unlisted"), ("mentor", "unlisted")],
)
def test_naming_a_hidden_choice_is_refused(login, personas, world, field, hidden):
    world["unlisted"].can_mentor = True
    world["unlisted"].save()
    value = world[hidden].pk
    data = new_paper(personas, **{field: [value] if field != "mentor" else value})
    response = login("young_expert").post("/papers/new/", data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not PolicyPaper.objects.exists()


def test_the_choices_a_member_may_know_are_accepted(login, personas, world):
    data = new_paper(
        personas,
        convenings=[world["public"].pk, world["attended"].pk],
        co_authors=[world["listed"].pk],
    )
    assert login("young_expert").post("/papers/new/", data).status_code == 302
    paper = PolicyPaper.objects.get()
    assert set(paper.convenings.all()) == {world["public"], world["attended"]}


@pytest.mark.parametrize(
    "tampered",
    [
        {"lead": "not-a-number"},
        {"lead": "999999999"},
        {"lead": "99999999999999999999999999"},
        {"co_authors": ["x"]},
        {"convenings": ["999999999"]},
        {"themes": ["-1"]},
        {"co_authors": ["99999999999999999999999"]},
        {"convenings": ["-99999999999999999999999"]},
    ],
)
def test_unknown_ids_are_a_bad_request_not_an_error(login, personas, tampered):
    response = login("young_expert").post("/papers/new/", new_paper(personas, **tampered))
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not PolicyPaper.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "\u200b\u200b"), ("abstract", "\u2063 \u200b"), ("body", "\u200d\ufeff")],
)
def test_invisible_text_is_refused(login, personas, field, value):
    response = login("young_expert").post("/papers/new/", new_paper(personas, **{field: value}))
    assert response.status_code == 200
    assert "Write some visible text" in response.content.decode()
    assert not PolicyPaper.objects.exists()


def test_invisible_notes_and_reviews_are_refused(login, personas, paper):
    from tests.papers.conftest import advance

    client = login("young_expert")
    response = client.post(
        f"/papers/{paper.code}/edit/", {"body": "Text", "base": 1, "note": "\u200b"}
    )
    assert response.status_code == 200 and "Write some visible text" in response.content.decode()
    response = client.post(f"/papers/{paper.code}/move/", {"action": "submit", "note": "\u200b"})
    assert response.status_code == 400 and "Write some visible text" in response.content.decode()
    paper.refresh_from_db()
    assert paper.status == "draft" and paper.versions.count() == 1
    advance(paper, personas, "in_review")
    response = login("mentor").post(
        f"/papers/{paper.code}/review/",
        {"kind": "mentor", "verdict": "approve", "comments": "\u2060\u2060"},
    )
    assert response.status_code == 200 and "Write some visible text" in response.content.decode()
    assert paper.reviews.get(kind="mentor").submitted_at is None
