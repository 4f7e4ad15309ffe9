"""Readers outside a published paper (the donor, a member not involved) read its published
text; its superseded drafts, reviews and history stay with the people who made it."""

import pytest

from kenesh.access.models import User
from kenesh.core.testing.personas import PASSWORD
from kenesh.papers import services
from tests.papers.conftest import advance


@pytest.fixture
def published(login, personas, paper):
    """Published after one revision: version 1 is a superseded draft, version 2 the text."""
    client = login("young_expert")
    client.post(
        f"/papers/{paper.code}/edit/",
        {"body": "# Sharing river data\n\nThe published argument.", "base": 1, "note": "Final"},
    )
    advance(paper, personas, "in_review")
    for review in paper.reviews.all():
        services.submit_review(
            review=review,
            verdict="approve",
            comments="A private remark by the reviewer.",
            by=review.reviewer,
        )
    services.move(paper=paper, action="approve", by=personas["staff"])
    services.move(paper=paper, action="publish", by=personas["staff"], note="Out it goes.")
    paper.refresh_from_db()
    return paper


@pytest.fixture
def bystander(personas):
    """A member of the programme who neither wrote nor reviewed the paper."""
    User.objects.create_user(username="bystander", password=PASSWORD, role="expert")
    return "bystander"


def reader(login, client_factory, who):
    if who == "bystander":
        client = client_factory()
        assert client.login(username="bystander", password=PASSWORD)
        return client
    return login(who)


@pytest.mark.parametrize("who", ["observer", "bystander"])
def test_outside_readers_see_the_published_text_only(login, client, published, bystander, who):
    from django.test import Client

    reader_client = reader(login, Client, who)
    page = reader_client.get(f"/papers/{published.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The published argument." in text
    assert 'data-testid="published-on"' in text
    for private in ("First draft.", "A private remark by the reviewer.", "Out it goes.", "Final"):
        assert private not in text, private
    assert "/diff/" not in text and "Versions" not in text and "History" not in text


@pytest.mark.parametrize("who", ["observer", "bystander"])
@pytest.mark.parametrize("query", ["", "?a=1&b=2", "?a=2&b=2", "?a=1&b=1"])
def test_outside_readers_get_no_diff_and_no_draft(login, published, bystander, who, query):
    from django.test import Client

    response = reader(login, Client, who).get(f"/papers/{published.code}/diff/{query}")
    assert response.status_code == 404
    assert "First draft." not in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "young_expert", "expert", "mentor"])
def test_authors_reviewers_and_staff_keep_the_paper_s_workings(login, published, who):
    client = login(who)
    page = client.get(f"/papers/{published.code}/").content.decode()
    assert "A private remark by the reviewer." in page and "Out it goes." in page
    diff = client.get(f"/papers/{published.code}/diff/?a=1&b=2")
    assert diff.status_code == 200 and "First draft." in diff.content.decode()


@pytest.mark.parametrize("query", ["?a=9&b=2", "?a=x&b=2", "?a=1", "?b="])
def test_a_diff_of_versions_that_do_not_exist_is_not_found(login, published, query):
    assert login("staff").get(f"/papers/{published.code}/diff/{query}").status_code == 404
