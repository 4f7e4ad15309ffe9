"""Staff add a paper's recommendations and complete the drafts made from common ground,
from pages linked where they work; bad input changes nothing and says why."""

import pytest

from kenesh.core.models import AuditEntry
from kenesh.influence import services
from kenesh.influence.models import DRAFT_ADDRESSEE, Recommendation
from tests.factories import ThemeFactory
from tests.influence.test_influence import recommend


@pytest.fixture
def draft(personas, published):
    """A draft recommendation made from a statement of a conversation's common ground."""
    from tests.deliberation.conftest import add_statements, water_conversation

    (statement,) = add_statements(water_conversation(), ["Share the river gauges' data daily."])
    return services.propose_from_statement(statement=statement, by=personas["staff"])


def a_theme():
    from kenesh.people.models import Theme

    return (Theme.objects.order_by("pk").first() or ThemeFactory()).pk


def complete(**extra):
    return {
        "theme": a_theme(),
        "text": "Publish river gauge data daily on a shared portal.",
        "addressee": "Hydrometeorological services",
        "level": "regional",
        "countries": ["KG", "TJ"],
        "priority": "high",
        "timeframe": "short",
        **extra,
    }


def test_staff_add_a_recommendation_to_a_paper_from_its_page(login, published):
    client = login("staff")
    paper_page = client.get(f"/papers/{published.code}/").content.decode()
    url = f"/influence/papers/{published.code}/"
    assert f'href="{url}"' in paper_page
    theme = ThemeFactory()
    response = client.post(url, complete(theme=theme.pk))
    assert response.status_code == 302 and response["Location"] == url
    recommendation = Recommendation.objects.get()
    assert recommendation.paper == published and recommendation.theme == theme
    assert recommendation.countries == ["KG", "TJ"]
    assert "Publish river gauge data daily" in client.get(url).content.decode()
    assert AuditEntry.objects.filter(action="influence.recommendation.added").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"addressee": ""}, "Say to whom the recommendation is addressed."),
        ({"text": "\u200b\u200b"}, "Write some visible text"),
        ({"addressee": "\u2063"}, "Write some visible text"),
        ({"level": "galactic"}, "Select a valid choice"),
    ],
)
def test_bad_recommendations_are_refused_with_a_reason(login, published, data, message):
    response = login("staff").post(f"/influence/papers/{published.code}/", complete(**data))
    assert response.status_code in {200, 400} and message in response.content.decode()
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("theme", ["x", "999999", "99999999999999999999999"])
def test_an_unknown_theme_is_a_bad_request(login, published, theme):
    response = login("staff").post(f"/influence/papers/{published.code}/", complete(theme=theme))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_staff_complete_a_draft_from_common_ground(login, draft):
    client = login("staff")
    trail = client.get(f"/influence/recommendations/{draft.code}/").content.decode()
    edit_url = f"/influence/recommendations/{draft.code}/edit/"
    assert edit_url in trail and "not complete yet" in trail
    form = client.get(edit_url)
    assert form.status_code == 200 and 'data-testid="draft"' in form.content.decode()
    assert f'value="{DRAFT_ADDRESSEE}"' not in form.content.decode()
    response = client.post(edit_url, complete())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.addressee == "Hydrometeorological services" and not draft.is_draft
    assert draft.statement is not None and draft.paper is None
    entry = AuditEntry.objects.get(action="influence.recommendation.completed")
    assert "addressee" in entry.data["fields"]
    assert "not complete yet" not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"addressee": ""}, "Say to whom the recommendation is addressed."),
        ({"addressee": DRAFT_ADDRESSEE}, "Say to whom the recommendation is addressed."),
        ({"text": "\u200b"}, "Write some visible text"),
    ],
)
def test_a_draft_is_not_completed_without_an_addressee(login, draft, data, message):
    before = Recommendation.objects.values().get(pk=draft.pk)
    response = login("staff").post(
        f"/influence/recommendations/{draft.code}/edit/", complete(**data)
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert Recommendation.objects.values().get(pk=draft.pk) == before


def test_staff_edit_a_paper_s_recommendation(login, personas, published):
    recommendation = recommend(published, personas)
    client = login("staff")
    listing = client.get(f"/influence/papers/{published.code}/").content.decode()
    edit_url = f"/influence/recommendations/{recommendation.code}/edit/"
    assert edit_url in listing
    response = client.post(edit_url, complete(addressee="Ministries of water"))
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.addressee == "Ministries of water"
    assert recommendation.paper == published
    assert AuditEntry.objects.filter(action="influence.recommendation.changed").exists()


@pytest.mark.parametrize("role", ["expert", "young_expert", "mentor", "observer"])
def test_only_staff_add_and_edit_recommendations(login, personas, published, draft, role):
    recommendation = recommend(published, personas)
    client = login(role)
    for url in (
        f"/influence/papers/{published.code}/",
        f"/influence/recommendations/{recommendation.code}/edit/",
        f"/influence/recommendations/{draft.code}/edit/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, complete(addressee="Changed")).status_code == 403
    assert not Recommendation.objects.filter(addressee="Changed").exists()
    paper_page = client.get(f"/papers/{published.code}/").content.decode()
    assert "/influence/papers/" not in paper_page
    trail = client.get(f"/influence/recommendations/{recommendation.code}/")
    assert "/edit/" not in trail.content.decode()


def test_unknown_recommendations_are_not_found(login):
    unknown = "00000000-0000-0000-0000-000000000000"
    client = login("staff")
    assert client.get(f"/influence/recommendations/{unknown}/edit/").status_code == 404
    assert client.post(f"/influence/recommendations/{unknown}/edit/", complete()).status_code == 404
    assert client.get(f"/influence/papers/{unknown}/").status_code == 404
