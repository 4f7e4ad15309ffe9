"""Staff write recommendations without the back office: add them to a paper, edit them,
complete the drafts made from common ground (told what is missing), and choose them with
a searchable picker when recording presentations and outcomes. Bad input changes nothing
and says why; what a user may not see is neither offered nor accepted."""

import pytest

from kenesh.core.models import AuditEntry
from kenesh.core.testing.queries import count_queries
from kenesh.influence import services
from kenesh.influence.forms import OutcomeForm, PresentationForm
from kenesh.influence.models import DRAFT_ADDRESSEE, Outcome, Presentation, Recommendation
from tests.convenings.factories import ConveningFactory
from tests.factories import ThemeFactory
from tests.influence.test_influence import recommend

NON_STAFF = ["expert", "young_expert", "mentor", "observer"]


@pytest.fixture
def theme(db):
    return ThemeFactory(name="Water")


@pytest.fixture
def draft(personas, published):
    """A draft made from a statement of a conversation's common ground."""
    from tests.deliberation.conftest import add_statements, water_conversation

    (statement,) = add_statements(water_conversation(), ["Share the river gauges' data daily."])
    return services.propose_from_statement(statement=statement, by=personas["staff"])


@pytest.fixture
def briefing(db):
    return ConveningFactory(kind="briefing", audience="Water agencies")


def filled(default_theme, **extra):
    data = {
        "text": "Publish river gauge data daily on a shared portal.",
        "addressee": "Hydrometeorological services",
        "level": "regional",
        "countries": ["KG", "TJ"],
        "theme": default_theme.pk,
        "priority": "high",
        "timeframe": "short",
    }
    data.update(extra)
    return {name: value for name, value in data.items() if value is not None}


def snapshot():
    return list(Recommendation.objects.order_by("pk").values())


# --- by role -------------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_STAFF)
def test_only_staff_write_recommendations_or_use_the_picker(
    login, personas, published, draft, briefing, theme, role
):
    recommendation = recommend(published, personas)
    before = snapshot()
    client = login(role)
    for url in (
        f"/influence/papers/{published.code}/",
        f"/influence/recommendations/{recommendation.code}/edit/",
        f"/influence/recommendations/{draft.code}/edit/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, filled(theme, addressee="Changed")).status_code == 403
    picked = {"recommendations": [recommendation.pk], "response": "noted"}
    assert client.post(f"/influence/briefings/{briefing.code}/", picked).status_code == 403
    assert client.get("/influence/outcomes/new/").status_code == 403
    assert snapshot() == before and not Presentation.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, published, theme):
    response = client.post(f"/influence/papers/{published.code}/", filled(theme))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Recommendation.objects.exists()


# --- happy paths ---------------------------------------------------------------------


def test_staff_add_a_recommendation_with_every_field(login, published, theme):
    client = login("staff")
    url = f"/influence/papers/{published.code}/"
    response = client.post(url, filled(theme, level="national", countries=["UZ"]))
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert (recommendation.level, recommendation.countries) == ("national", ["UZ"])
    assert (recommendation.theme, recommendation.priority, recommendation.timeframe) == (
        theme,
        "high",
        "short",
    )
    listing = client.get(url).content.decode()
    assert "Water" in listing and "High" in listing
    trail = client.get(f"/influence/recommendations/{recommendation.code}/").content.decode()
    assert "Uzbekistan" in trail and "Water" in trail
    entry = AuditEntry.objects.get(action="influence.recommendation.added")
    assert entry.target_code == str(recommendation.code)


def test_an_international_recommendation_needs_no_country(login, published, theme):
    response = login("staff").post(
        f"/influence/papers/{published.code}/",
        filled(theme, level="international", countries=None),
    )
    assert response.status_code == 302
    assert Recommendation.objects.get().countries == []


def test_a_draft_paper_takes_recommendations_that_stay_hidden_with_it(
    login, personas, paper, theme
):
    client = login("staff")
    page = client.get(f"/influence/papers/{paper.code}/").content.decode()
    assert 'data-testid="unpublished"' in page
    assert client.post(f"/influence/papers/{paper.code}/", filled(theme)).status_code == 302
    overview = login("observer").get("/influence/").content.decode()
    assert "Publish river gauge data daily" not in overview


def test_staff_edit_a_recommendation_from_the_influence_view(login, personas, published, theme):
    recommendation = recommend(published, personas)
    client = login("staff")
    edit_url = f"/influence/recommendations/{recommendation.code}/edit/"
    assert edit_url in client.get("/influence/").content.decode()
    response = client.post(edit_url, filled(theme, priority="low", countries=["KZ"]))
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.priority, recommendation.countries) == ("low", ["KZ"])
    entry = AuditEntry.objects.get(action="influence.recommendation.changed")
    assert {"priority", "countries", "theme"} <= set(entry.data["fields"])


def test_staff_complete_a_common_ground_draft_from_the_influence_view(login, draft, theme):
    client = login("staff")
    edit_url = f"/influence/recommendations/{draft.code}/edit/"
    overview = client.get("/influence/").content.decode()
    assert f'href="{edit_url}" data-testid="complete"' in overview
    page = client.get(edit_url).content.decode()
    # The page says up front what the draft still lacks.
    assert 'data-testid="missing"' in page
    assert "Addressed to" in page.split('data-testid="missing"')[1].split("</p>")[0]
    assert "Complete the recommendation" in page
    response = client.post(edit_url, filled(theme))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.is_draft and draft.theme == theme and draft.countries == ["KG", "TJ"]
    assert draft.statement is not None and draft.paper is None
    entry = AuditEntry.objects.get(action="influence.recommendation.completed")
    assert {"addressee", "theme", "countries"} <= set(entry.data["fields"])
    follow = client.get(response["Location"]).content.decode()
    assert "The draft is now a complete recommendation." in follow


def test_staff_record_several_presentations_with_the_picker(login, personas, published, briefing):
    first = recommend(published, personas, text="Open the gauges.")
    second = recommend(published, personas, text="Share the forecasts.")
    client = login("staff")
    url = f"/influence/briefings/{briefing.code}/"
    response = client.post(
        url, {"recommendations": [first.pk, second.pk], "response": "welcomed", "notes": ""}
    )
    assert response.status_code == 302
    assert set(Presentation.objects.values_list("recommendation", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert AuditEntry.objects.filter(action="influence.recommendation.presented").count() == 2
    page = client.get(url).content.decode()
    assert "2 presentations were recorded." in page
    # What was presented there already is not offered again.
    assert f'value="{first.pk}"' not in page


def test_staff_record_an_outcome_with_the_picker(login, personas, published):
    recommendation = recommend(published, personas)
    response = login("staff").post(
        "/influence/outcomes/new/",
        {
            "change": "A council was set up.",
            "social_actor": "Two districts",
            "when": "2024-05-01",
            "platform": "Local government",
            "significance": "Calms incidents.",
            "contribution": "Briefings.",
            "substantiation": "claimed",
            "recommendations": [recommendation.pk],
        },
    )
    assert response.status_code == 302
    assert list(Outcome.objects.get().recommendations.all()) == [recommendation]


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "status"),
    [
        ({"text": ""}, "Write the recommendation.", 200),
        ({"text": "\u200b"}, "Write some visible text", 200),
        ({"addressee": ""}, "Say to whom the recommendation is addressed.", 200),
        ({"addressee": DRAFT_ADDRESSEE}, "Say to whom the recommendation is addressed.", 200),
        ({"theme": ""}, "Choose the theme.", 200),
        ({"countries": None}, "Name the countries it concerns", 200),
        ({"countries": ["KG", "ZZ"]}, "Select a valid choice", 400),
        ({"level": "galactic"}, "Select a valid choice", 400),
        ({"priority": "urgent"}, "Select a valid choice", 400),
        ({"timeframe": "never"}, "Select a valid choice", 400),
        ({"theme": "99999999999999999999"}, "Select a valid choice", 400),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    login, personas, published, theme, data, message, status
):
    recommendation = recommend(published, personas)
    before = snapshot()
    client = login("staff")
    for url in (
        f"/influence/papers/{published.code}/",
        f"/influence/recommendations/{recommendation.code}/edit/",
    ):
        response = client.post(url, filled(theme, **data))
        assert response.status_code == status, url
        assert message in response.content.decode(), url
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action__startswith="influence.recommendation.c").exists()


@pytest.mark.parametrize(
    ("data", "missing"),
    [
        ({"addressee": ""}, ["Addressed to"]),
        ({"theme": ""}, ["Theme"]),
        ({"countries": None}, ["Countries"]),
        ({"addressee": "", "theme": "", "countries": None}, ["Addressed to", "Countries", "Theme"]),
    ],
)
def test_a_draft_is_not_completed_with_fields_missing(login, draft, theme, data, missing):
    before = snapshot()
    response = login("staff").post(
        f"/influence/recommendations/{draft.code}/edit/", filled(theme, **data)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "To complete the draft, fill in: " + ", ".join(missing) + "." in page
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="influence.recommendation.completed").exists()


def test_the_service_completes_no_draft_with_fields_missing(personas, draft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.update_recommendation(
            recommendation=draft, by=personas["staff"], addressee="Water agencies"
        )
    assert set(refused.value.message_dict) == {"countries", "theme"}
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_draft_cannot_be_picked_nor_is_it_hinted_at(login, personas, published, draft, briefing):
    """A draft is refused exactly as an id no database holds: same status, same words."""
    recommend(published, personas)
    client = login("staff")
    url = f"/influence/briefings/{briefing.code}/"
    assert f'value="{draft.pk}"' not in client.get(url).content.decode()
    answers = []
    for value in (draft.pk, 987654):
        response = client.post(url, {"recommendations": [value], "response": "noted"})
        text = response.content.decode().replace(str(value), "ID")
        answers.append((response.status_code, "Select a valid choice" in text))
    assert answers[0] == answers[1] == (400, True)
    assert not Presentation.objects.exists()


def test_picking_nothing_says_so(login, personas, published, briefing):
    recommend(published, personas)
    response = login("staff").post(f"/influence/briefings/{briefing.code}/", {"response": "noted"})
    assert response.status_code == 200
    assert "Choose at least one recommendation." in response.content.decode()
    assert not Presentation.objects.exists()


@pytest.mark.parametrize("role", ["expert", "observer"])
def test_the_picker_offers_only_what_the_viewer_may_see(personas, published, role):
    """The forms narrow the choices through ``visible_to`` whoever fills them in."""
    from kenesh.papers import services as paper_services

    unpublished = paper_services.create_paper(
        by=personas["staff"],
        authors=[],
        title="Unpublished paper",
        body="Text",
        language="en",
        visibility="public",
    )
    hidden = recommend(unpublished, personas, text="Still hidden with its paper.")
    visible = recommend(published, personas, text="Published with its paper.")
    for form in (
        OutcomeForm(user=personas[role]),
        PresentationForm(user=personas[role], briefing=ConveningFactory(kind="briefing")),
    ):
        offered = set(form.fields["recommendations"].queryset)
        assert hidden not in offered and visible in offered
    staff_form = OutcomeForm(user=personas["staff"])
    assert {hidden, visible} <= set(staff_form.fields["recommendations"].queryset)


def test_unknown_codes_are_not_found(login, theme):
    unknown = "00000000-0000-0000-0000-000000000000"
    client = login("staff")
    for url in (f"/influence/recommendations/{unknown}/edit/", f"/influence/papers/{unknown}/"):
        assert client.get(url).status_code == 404
        assert client.post(url, filled(theme)).status_code == 404
    assert not Recommendation.objects.exists()


# --- the widget ----------------------------------------------------------------------


def test_the_picker_is_checkboxes_with_hooks_for_its_script(login, personas, published, briefing):
    first = recommend(published, personas, text="Open the gauges.")
    for url in (f"/influence/briefings/{briefing.code}/", "/influence/outcomes/new/"):
        page = login("staff").get(url).content.decode()
        assert "<select multiple" not in page and 'name="recommendations" multiple' not in page
        assert f'type="checkbox" name="recommendations" value="{first.pk}"' in page
        assert "Open the gauges. — Fictional paper" in page
        assert "data-picker>" in page and "data-picker-options" in page
        # The filter waits hidden for the script; its count is announced politely.
        assert '<div class="picker-tools" data-picker-tools hidden>' in page
        assert 'role="status" aria-live="polite"' in page
        assert "data-picker-filter" in page and 'aria-controls="id_recommendations"' in page
        assert 'data-template="Chosen: {chosen}. Shown: {shown} of {total}."' in page
        assert 'role="group" aria-label="Recommendations' in page
        assert "/static/kenesh/picker.js" in page and "/static/kenesh/picker.css" in page


def test_the_picker_says_when_there_is_nothing_to_choose(login, briefing):
    page = login("staff").get(f"/influence/briefings/{briefing.code}/").content.decode()
    assert "There is nothing to choose from." in page


def test_the_picker_widget_renders_alone():
    from django import forms

    from kenesh.core.widgets import SearchablePicker

    class Form(forms.Form):
        things = forms.MultipleChoiceField(
            choices=[("a", "Apple"), ("b", "Banana")],
            widget=SearchablePicker(group_label="Fruit"),
        )

    html = str(Form(initial={"things": ["b"]})["things"])
    assert html.count('type="checkbox"') == 2 and "checked" in html
    assert 'aria-label="Fruit"' in html and "data-picker-option" in html


@pytest.mark.parametrize("page", ["briefing", "outcome"])
def test_the_picker_page_costs_the_same_over_few_and_many(login, personas, published, page):
    briefing = ConveningFactory(kind="briefing")
    url = (
        f"/influence/briefings/{briefing.code}/"
        if page == "briefing"
        else "/influence/outcomes/new/"
    )
    client = login("staff")

    def add(n):
        for i in range(n):
            recommend(published, personas, text=f"Recommendation {i}.")

    add(3)
    client.get(url)  # what a process reads once and caches is not the page's cost
    few = count_queries(lambda: client.get(url))
    add(27)
    many = count_queries(lambda: client.get(url))
    assert few[0] == many[0], f"-- few:\n{few[1]}\n-- many:\n{many[1]}"
    assert many[0] <= 12, many[1]


def test_the_influence_view_leads_staff_to_the_editors(login, personas, published):
    recommendation = recommend(published, personas)
    edit_url = f"/influence/recommendations/{recommendation.code}/edit/"
    paper_url = f"/influence/papers/{published.code}/"
    staff_view = login("staff").get("/influence/").content.decode()
    assert edit_url in staff_view and paper_url in staff_view
    expert_view = login("expert").get("/influence/").content.decode()
    assert "Create a joint water data platform." in expert_view
    assert edit_url not in expert_view and paper_url not in expert_view
