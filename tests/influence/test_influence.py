"""Recommendations' statuses come from evidence; the funnel counts from the records."""

import datetime

import pytest

from kenesh.core.testing.queries import count_queries
from kenesh.influence import services
from kenesh.influence.models import Outcome, Progress, Recommendation
from tests.convenings.factories import ConveningFactory


def recommend(paper, personas, text="Create a joint water data platform."):
    return services.add_recommendation(
        paper=paper,
        by=personas["staff"],
        text=text,
        addressee="Water agencies",
        level="regional",
        countries=["KG", "TJ"],
        priority="high",
        timeframe="short",
    )


def progress(recommendation):
    return Recommendation.objects.with_progress().get(pk=recommendation.pk).progress


def outcome(personas, recommendations, **fields):
    data = {
        "change": "A council was set up.",
        "social_actor": "Two districts",
        "when": datetime.date(2024, 5, 1),
        "platform": "Local government",
        "significance": "Calms incidents.",
        "contribution": "Briefings.",
    }
    data.update(fields)
    return services.record_outcome(recommendations=recommendations, by=personas["staff"], **data)


def test_status_follows_the_evidence(personas, published):
    recommendation = recommend(published, personas)
    assert progress(recommendation) == Progress.PROPOSED
    briefing = ConveningFactory(kind="briefing", audience="Water agencies")
    services.record_presentation(
        recommendation=recommendation,
        briefing=briefing,
        response="welcomed",
        notes="",
        by=personas["staff"],
    )
    assert progress(recommendation) == Progress.PROMOTED
    outcome(personas, [recommendation])
    assert progress(recommendation) == Progress.TAKEN_UP
    outcome(personas, [recommendation], implements=True, change="It was done.")
    assert progress(recommendation) == Progress.IMPLEMENTED


def test_presentations_happen_at_briefings_only(personas, published):
    from django.core.exceptions import ValidationError

    recommendation = recommend(published, personas)
    meeting = ConveningFactory(kind="rcwg")
    with pytest.raises(ValidationError, match="presented at briefings"):
        services.record_presentation(
            recommendation=recommendation,
            briefing=meeting,
            response="noted",
            notes="",
            by=personas["staff"],
        )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"substantiation": "verified", "substantiated_by": "Someone"},
            "evidence",
            "without evidence",
        ),
        ({"substantiation": "substantiated"}, "substantiated_by", "Say who"),
    ],
)
def test_outcome_rules(login, personas, published, fields, field, message):
    recommendation = recommend(published, personas)
    data = {
        "change": "A council.",
        "social_actor": "Districts",
        "when": "2024-05-01",
        "platform": "Local",
        "significance": "S.",
        "contribution": "C.",
        "recommendations": [recommendation.pk],
        "substantiation": "claimed",
        **fields,
    }
    response = login("staff").post("/influence/outcomes/new/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Outcome.objects.exists()


def test_a_verified_outcome_with_evidence_is_kept(login, personas, published):
    recommendation = recommend(published, personas)
    response = login("staff").post(
        "/influence/outcomes/new/",
        {
            "change": "Endorsed at the summit.",
            "social_actor": "Heads of state",
            "when": "2024-09-14",
            "platform": "Consultative Meeting of the Heads of State of Central Asia",
            "significance": "S.",
            "contribution": "C.",
            "evidence": "Communiqué, point 7.",
            "substantiation": "verified",
            "substantiated_by": "An independent reviewer",
            "recommendations": [recommendation.pk],
        },
    )
    assert response.status_code == 302
    assert progress(recommendation) == Progress.TAKEN_UP


def test_the_trail_shows_paper_briefing_and_outcome(login, personas, published):
    recommendation = recommend(published, personas)
    briefing = ConveningFactory(kind="briefing", audience="Ministry", title="A briefing")
    services.record_presentation(
        recommendation=recommendation,
        briefing=briefing,
        response="welcomed",
        notes="",
        by=personas["staff"],
    )
    outcome(personas, [recommendation], change="The ministry adopted it.")
    page = (
        login("expert").get(f"/influence/recommendations/{recommendation.code}/").content.decode()
    )
    assert "Fictional paper" in page and "A briefing" in page and "The ministry adopted it." in page


def test_closed_briefings_stay_off_the_trail_for_outsiders(login, personas, published):
    recommendation = recommend(published, personas)
    closed = ConveningFactory(
        kind="briefing",
        audience="Border services",
        title="Closed briefing",
        confidentiality="closed",
    )
    services.record_presentation(
        recommendation=recommendation,
        briefing=closed,
        response="noted",
        notes="",
        by=personas["staff"],
    )
    url = f"/influence/recommendations/{recommendation.code}/"
    assert "Closed briefing" not in login("expert").get(url).content.decode()
    assert "Closed briefing" in login("staff").get(url).content.decode()


def test_unpublished_papers_recommendations_are_hidden(login, personas, paper):
    recommendation = recommend(paper, personas)
    url = f"/influence/recommendations/{recommendation.code}/"
    assert login("observer").get(url).status_code == 404
    assert login("mentor").get(url).status_code == 404
    assert login("young_expert").get(url).status_code == 200  # an author


def test_influence_page_query_count_does_not_grow(login, personas, published):
    client = login("staff")
    briefing = ConveningFactory(kind="briefing", audience="A")

    def add(n):
        for i in range(n):
            r = recommend(published, personas, text=f"Recommendation {i}.")
            services.record_presentation(
                recommendation=r,
                briefing=briefing,
                response="noted",
                notes="",
                by=personas["staff"],
            )

    add(3)
    client.get("/influence/")  # warms what the platform caches per process
    few = count_queries(lambda: client.get("/influence/"))
    add(27)
    many = count_queries(lambda: client.get("/influence/"))
    assert few[0] == many[0], f"-- few:\n{few[1]}\n-- many:\n{many[1]}"


@pytest.mark.parametrize(("role", "status"), [("staff", 200), ("expert", 403), ("observer", 403)])
def test_only_staff_record_influence(login, personas, published, role, status):
    client = login(role)
    assert client.get("/influence/outcomes/new/").status_code == status
    assert client.get(f"/influence/papers/{published.code}/").status_code == status


def test_a_briefing_page_lists_the_recommendations_presented_there(login, personas, published):
    recommendation = recommend(published, personas, text="Open the hydrological data.")
    briefing = ConveningFactory(kind="briefing", audience="Water agencies")
    services.record_presentation(
        recommendation=recommendation,
        briefing=briefing,
        response="welcomed",
        notes="",
        by=personas["staff"],
    )
    page = login("expert").get(f"/convenings/{briefing.code}/").content.decode()
    assert 'data-testid="presented"' in page and "Open the hydrological data." in page


def test_a_recommendation_without_a_theme_counts_under_no_theme(personas, published):
    """Not a dash in the list of themes: a theme's name in the reader's language."""
    from django.utils import translation

    from kenesh.influence import queries

    recommend(published, personas)
    with translation.override("en"):
        themes = [theme for theme, _counts in queries.funnel(personas["staff"])["by_theme"]]
    assert themes == ["No theme"]


def test_a_recommendation_naming_no_country_counts_under_no_country(personas, published):
    from django.utils import translation

    from kenesh.influence import queries

    recommendation = recommend(published, personas)
    Recommendation.objects.filter(pk=recommendation.pk).update(countries=[])
    with translation.override("ru"):
        countries = [str(c) for c, _counts in queries.funnel(personas["staff"])["by_country"]]
    assert countries == ["Страна не указана"]
