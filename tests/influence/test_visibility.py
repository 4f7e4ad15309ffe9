"""What a reader may not know of is neither listed nor counted on the influence pages:
outcomes follow the recommendations they took up, statuses the evidence the reader sees."""

import datetime

import pytest
from django.test import Client

from kenesh.access.models import User
from kenesh.core.testing.personas import PASSWORD
from kenesh.core.testing.queries import assert_same_query_count
from kenesh.influence import queries, services
from kenesh.influence.models import Outcome, Presentation, Progress
from kenesh.papers import services as paper_services
from kenesh.papers.models import AuthorRole
from tests.convenings.factories import ConveningFactory
from tests.factories import PersonFactory
from tests.influence.test_influence import outcome, recommend


@pytest.fixture
def hidden(personas):
    """A draft paper of the young expert's, with a recommendation taken up by an outcome
    that concerns nothing else: nobody but its author and staff may know of it."""
    draft = paper_services.create_paper(
        by=personas["staff"],
        authors=[(personas["young_expert"].person, AuthorRole.LEAD)],
        title="Unpublished fictional paper",
        body="Text",
        language="en",
    )
    recommendation = recommend(draft, personas, text="A recommendation still in the drafting.")
    return outcome(personas, [recommendation], change="A secret change in a ministry.")


@pytest.mark.parametrize("who", ["observer", "expert", "mentor"])
def test_outcomes_of_recommendations_a_reader_may_not_see_are_not_shown(
    login, personas, published, hidden, who
):
    visible = outcome(personas, [recommend(published, personas)], change="A public change.")
    client = login(who)
    overview = client.get("/influence/").content.decode()
    assert "A public change." in overview and "A secret change in a ministry." not in overview
    assert 'data-testid="outcome-count">(1)' in overview
    listing = client.get("/influence/outcomes/").content.decode()
    assert "A public change." in listing and "A secret change in a ministry." not in listing
    assert set(Outcome.objects.visible_to(personas[who])) == {visible}
    staff = login("staff").get("/influence/outcomes/").content.decode()
    assert "A secret change in a ministry." in staff and "2 outcomes" in staff


def test_an_outcome_shows_only_the_recommendations_the_reader_may_see(
    login, personas, published, hidden
):
    shared = outcome(
        personas,
        [recommend(published, personas, text="Open the gauges."), *hidden.recommendations.all()],
        change="A change both recommendations asked for.",
    )
    page = login("expert").get("/influence/outcomes/").content.decode()
    assert shared.change in page and "Open the gauges." in page
    assert "A recommendation still in the drafting." not in page
    author = login("young_expert").get("/influence/outcomes/").content.decode()
    assert "A recommendation still in the drafting." in author


def test_the_author_sees_outcomes_of_their_own_drafts(login, hidden):
    assert (
        "A secret change in a ministry."
        in login("young_expert").get("/influence/").content.decode()
    )


def test_presentations_at_closed_briefings_promote_nothing_for_outsiders(
    login, personas, published
):
    recommendation = recommend(published, personas)
    closed = ConveningFactory(kind="briefing", audience="Border services", confidentiality="closed")
    services.record_presentation(
        recommendation=recommendation,
        briefing=closed,
        response="noted",
        notes="",
        by=personas["staff"],
    )
    reached = dict(queries.funnel(personas["expert"])["reached"])
    assert reached[Progress.PROMOTED.label] == 0
    assert dict(queries.funnel(personas["staff"])["reached"])[Progress.PROMOTED.label] == 1
    trail = login("expert").get(f"/influence/recommendations/{recommendation.code}/")
    assert "progress-promoted" not in trail.content.decode()
    overview = login("expert").get("/influence/?progress=promoted").content.decode()
    assert recommendation.text not in overview
    assert (
        recommendation.text in login("staff").get("/influence/?progress=promoted").content.decode()
    )


def test_briefing_pages_list_only_recommendations_the_reader_may_see(login, personas, hidden):
    briefing = ConveningFactory(kind="briefing", audience="Water agencies")
    Presentation.objects.create(
        recommendation=hidden.recommendations.get(), briefing=briefing, response="noted"
    )
    assert list(queries.presented_at(briefing, personas["expert"])) == []
    assert len(queries.presented_at(briefing, personas["staff"])) == 1
    # The briefing's own page, in convenings, shows the same: the draft's
    # recommendation for staff and its author, for no other member.
    url = f"/convenings/{briefing.code}/"
    for who, shown in [("staff", True), ("young_expert", True), ("expert", False)]:
        page = login(who).get(url).content.decode()
        assert ("A recommendation still in the drafting." in page) is shown, who


def member_with(n, personas, username):
    """A member who authored ``n`` draft papers, each with a recommendation taken up."""
    user = User.objects.create_user(username=username, password=PASSWORD, role="expert")
    person = PersonFactory(user=user)
    briefing = ConveningFactory(kind="briefing", audience="Ministries")
    for i in range(n):
        paper = paper_services.create_paper(
            by=personas["staff"],
            authors=[(person, AuthorRole.LEAD)],
            title=f"Paper {username} {i}",
            body="Text",
            language="en",
        )
        recommendation = recommend(paper, personas, text=f"Recommendation {username} {i}.")
        services.record_presentation(
            recommendation=recommendation,
            briefing=briefing,
            response="noted",
            notes="",
            by=personas["staff"],
        )
        outcome(
            personas,
            [recommendation],
            change=f"Change {username} {i}.",
            when=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
        )
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    client.get("/influence/")  # warms what the platform caches per process
    return client


@pytest.mark.parametrize("url", ["/influence/", "/influence/outcomes/", "/papers/"])
def test_influence_lists_cost_the_same_for_3_and_30_records(personas, url):
    few, many = member_with(3, personas, "few"), member_with(30, personas, "many")
    assert_same_query_count(lambda: few.get(url), lambda: many.get(url))
    page = many.get(url).content.decode()
    assert "Change few" not in page and "Recommendation few" not in page


def test_the_outcomes_list_is_paged(login, personas):
    member_with(30, personas, "prolific")
    client = login("staff")
    first = client.get("/influence/outcomes/").content.decode()
    assert first.count('data-testid="outcome"') == 25 and 'rel="next"' in first
    second = client.get("/influence/outcomes/?page=2").content.decode()
    assert second.count('data-testid="outcome"') == 5
    overview = client.get("/influence/").content.decode()
    assert overview.count('data-testid="outcome"') == 5 and "All 30 outcomes" in overview


@pytest.mark.parametrize(
    "data",
    [
        {"recommendations": ["abc"]},
        {"recommendations": ["999999"]},
        {"recommendations": ["99999999999999999999999"]},
    ],
)
def test_unknown_recommendations_in_an_outcome_are_a_bad_request(login, data):
    base = {
        "change": "A council.",
        "social_actor": "Districts",
        "when": "2024-05-01",
        "platform": "Local",
        "significance": "S.",
        "contribution": "C.",
        "substantiation": "claimed",
    }
    response = login("staff").post("/influence/outcomes/new/", {**base, **data})
    assert response.status_code == 400 and "valid" in response.content.decode()
    assert not Outcome.objects.exists()


def test_invisible_outcome_text_is_refused(login, personas, published):
    recommendation = recommend(published, personas)
    response = login("staff").post(
        "/influence/outcomes/new/",
        {
            "change": "\u200b\u200b",
            "social_actor": "Districts",
            "when": "2024-05-01",
            "platform": "\u2063",
            "significance": "S.",
            "contribution": "C.",
            "substantiation": "claimed",
            "recommendations": [recommendation.pk],
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count("Write some visible text") == 2
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("value", ["abc", "999999", ""])
def test_unknown_recommendations_at_a_briefing_are_refused(login, personas, published, value):
    briefing = ConveningFactory(kind="briefing", audience="Water agencies")
    response = login("staff").post(
        f"/influence/briefings/{briefing.code}/", {"recommendations": value, "response": "noted"}
    )
    assert response.status_code == 400  # a checkbox never sends an empty or unknown id
    assert not Presentation.objects.exists()
