"""Monitoring's read pages as each role sees them: staff everything, donors what the
reports marked for them froze (and never a cell under five), members and outsiders
nothing."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kenesh.core.testing.queries import count_queries
from kenesh.influence.models import Outcome
from kenesh.mentoring import models as mentoring
from kenesh.monitoring import pages, services
from kenesh.monitoring.models import Stance
from tests.factories import PersonFactory
from tests.monitoring.conftest import convene
from tests.monitoring.factories import EnteredIndicatorFactory, IndicatorFactory, TargetFactory

STAFF = ["administrator", "staff"]
MEMBERS = ["mentor", "expert", "young_expert"]

# Experts from Kazakhstan, and men, number 3: a small cell donors must never see.
SMALL = 3


@pytest.fixture
def world(framework, personas):
    staff = personas["staff"]
    convene(7, country="KG", gender="female")
    convene(SMALL, country="KZ", gender="male")
    TargetFactory(indicator=framework["computed"], period=framework["interim"], value=20)
    TargetFactory(indicator=framework["computed"], period=framework["quarter"], value=8)
    TargetFactory(indicator=framework["entered"], period=framework["interim"], value=12)
    phase = framework["phase"]

    def report(title, **fields):
        return services.create_report(
            phase=phase, period=framework["interim"], title=title, by=staff, **fields
        )

    donor = services.submit_report(
        report=report(
            "Donor report H1", for_donor=True, shared_dimensions=["country", "gender"],
            context="## Context\n\nThe region in **2023**.<script>alert(1)</script>",
        ),
        by=staff,
    )  # fmt: skip
    internal = services.submit_report(report=report("Internal report H1"), by=staff)
    draft = report("Draft report H1", for_donor=True)
    statement = services.create_change_statement(
        phase=phase,
        by=staff,
        if_text="experts from every country meet regularly",
        then_text="they write joint policy papers",
        because_text="trust grows across borders",
    )
    assumption = services.create_assumption(
        statement=statement, by=staff, text="Governments read the papers"
    )
    speaker = PersonFactory(
        name="Говорящая Вымышленная",
        name_latin="Govoryashchaya Vymyshlennaya",
        quote_consent_at=timezone.now(),
    )
    testimonial = mentoring.Testimonial.objects.create(
        person=speaker, quote="The group changed how I work.", attribution="name",
        consent_at=timezone.make_aware(datetime.datetime(2023, 4, 2, 12)),
    )  # fmt: skip
    services.add_assumption_evidence(
        assumption=assumption, stance=Stance.SUPPORTS, by=staff, testimonial=testimonial
    )
    services.add_assumption_evidence(
        assumption=assumption, stance=Stance.CHALLENGES, by=staff, link="https://example.org/x"
    )
    harvested = Outcome.objects.create(
        change="A ministry adopted the water-sharing protocol.", social_actor="A ministry",
        when=datetime.date(2023, 5, 10), platform="Cabinet", significance="Big.",
        contribution="Briefings.", evidence="Decree 12 (fictional)",
    )  # fmt: skip
    return {
        **framework,
        "donor": donor,
        "internal": internal,
        "draft": draft,
        "speaker": speaker,
        "harvested": harvested,
    }


def client_for(personas, name):
    client = Client()
    if name != "outsider":
        client.force_login(personas[name])
    return client


def urls(world):
    return {
        "home": reverse("monitoring:home"),
        "phase": reverse("monitoring:phase", kwargs={"code": world["phase"].code}),
        "indicator": reverse("monitoring:indicator", kwargs={"code": world["computed"].code}),
        "report-list": reverse("monitoring:report-list"),
        "donor": reverse("monitoring:report", kwargs={"code": world["donor"].code}),
        "internal": reverse("monitoring:report", kwargs={"code": world["internal"].code}),
        "draft": reverse("monitoring:report", kwargs={"code": world["draft"].code}),
    }


@pytest.mark.parametrize("name", STAFF)
def test_staff_open_every_page(world, personas, name):
    client = client_for(personas, name)
    for url in urls(world).values():
        response = client.get(url)
        assert response.status_code == 200, url


def test_donor_opens_what_reports_for_them_show(world, personas):
    client = client_for(personas, "observer")
    got = {key: client.get(url).status_code for key, url in urls(world).items()}
    assert got == {
        "home": 200,
        "phase": 200,
        "indicator": 200,
        "report-list": 200,
        "donor": 200,
        "internal": 404,
        "draft": 404,
    }


@pytest.mark.parametrize("name", MEMBERS)
def test_members_see_nothing_of_monitoring(world, personas, name):
    client = client_for(personas, name)
    for url in urls(world).values():
        assert client.get(url).status_code == 403, url


def test_outsiders_are_sent_to_sign_in(world, personas):
    client = client_for(personas, "outsider")
    for url in urls(world).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_pages_take_no_post(world, personas):
    client = client_for(personas, "staff")
    for url in urls(world).values():
        assert client.post(url, {}).status_code == 405, url


def visible_numbers(html: str) -> set[str]:
    """The numbers a reader sees in table cells and chart labels."""
    cells = re.findall(r"<td[^>]*>\s*([0-9][0-9.,]*)\s*</td>", html)
    labels = re.findall(r"<text[^>]*>\s*([0-9][0-9.,]*)\s*</text>", html)
    return set(cells) | set(labels)


def test_a_donor_never_sees_a_cell_under_five(world, personas):
    client = client_for(personas, "observer")
    period = world["interim"].code
    pages_seen = [
        reverse("monitoring:home") + f"?period={period}",
        urls(world)["indicator"],
        urls(world)["donor"],
    ]
    for url in pages_seen:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert str(SMALL) not in set(re.findall(r"<td[^>]*>\s*(\d+)\s*</td>", html)), url
        assert "Kazakhstan" not in html or 'data-testid="hidden-cell"' in html, url
        assert 'data-testid="hidden-cell"' in html, url
        assert "10" in visible_numbers(html), url  # the total of 10 experts is shown


def test_staff_see_the_small_cell(world, personas):
    client = client_for(personas, "staff")
    html = client.get(reverse("monitoring:home") + f"?period={world['interim'].code}").content
    html = html.decode()
    assert re.search(r"<td[^>]*>\s*3\s*</td>", html)
    assert 'data-testid="hidden-cell"' not in html


def test_dashboard_shows_chart_beside_table_without_inline_style(world, personas):
    html = client_for(personas, "staff").get(reverse("monitoring:home")).content.decode()
    assert html.count('class="chart-svg"') == 2  # one per indicator
    assert "<style" not in html.split("</head>")[1]
    assert ' style="' not in html
    assert "<script" not in html.split("</head>")[1].split("<footer")[0]
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "two elements share an id"
    assert html.count("<caption") >= 2


def test_report_page_shows_narrative_sanitised_stories_and_outcomes(world, personas):
    html = client_for(personas, "staff").get(urls(world)["donor"]).content.decode()
    assert "<strong>2023</strong>" in html
    assert "<script>alert" not in html
    assert "The group changed how I work." in html
    assert "Govoryashchaya Vymyshlennaya" in html
    assert "A ministry adopted the water-sharing protocol." in html
    assert "Decree 12 (fictional)" in html
    assert 'data-testid="drift"' not in html


def test_a_withdrawn_speaker_is_not_named_to_a_donor(world, personas):
    world["speaker"].withdrawn_at = timezone.now()
    world["speaker"].save(update_fields=["withdrawn_at"])
    html = client_for(personas, "observer").get(urls(world)["donor"]).content.decode()
    assert "The group changed how I work." in html
    assert "Govoryashchaya" not in html
    assert "an expert from" in html


def test_a_name_without_consent_to_quotes_is_not_printed(world, personas):
    world["speaker"].quote_consent_at = None
    world["speaker"].save(update_fields=["quote_consent_at"])
    html = client_for(personas, "staff").get(urls(world)["donor"]).content.decode()
    assert "The group changed how I work." in html
    assert "Govoryashchaya" not in html
    assert "a young expert from" in html


def test_report_notes_where_today_differs_from_what_was_submitted(world, personas):
    convene(6, country="TJ", gender="female")
    html = client_for(personas, "staff").get(urls(world)["donor"]).content.decode()
    assert 'data-testid="drift"' in html
    assert re.search(r"<td[^>]*>\s*10\s*</td><td[^>]*>\s*16\s*</td>", html)


def test_draft_report_shows_todays_values(world, personas):
    convene(6, country="TJ", gender="female")
    html = client_for(personas, "staff").get(urls(world)["draft"]).content.decode()
    assert 'data-testid="draft-note"' in html
    assert re.search(r"<td[^>]*>\s*16\s*</td>", html)


def test_phase_page_draws_the_theory_of_change_and_the_framework(world, personas):
    html = client_for(personas, "staff").get(urls(world)["phase"]).content.decode()
    for text in ("experts from every country meet regularly", "trust grows across borders",
                 "Governments read the papers", "https://example.org/x"):  # fmt: skip
        assert text in html
    assert reverse("mentoring:home") in html  # staff may open the testimonials
    assert reverse("monitoring:indicator", kwargs={"code": world["entered"].code}) in html


def test_donor_phase_page_links_only_what_they_may_open(world, personas):
    html = client_for(personas, "observer").get(urls(world)["phase"]).content.decode()
    assert reverse("mentoring:home") not in html
    assert "The group changed how I work." in html


def test_indicator_sheet(world, personas):
    html = client_for(personas, "staff").get(urls(world)["indicator"]).content.decode()
    assert "experts-convened" in html
    assert 'data-testid="reference-sheet"' in html
    assert 'class="chart-svg"' in html


def test_donor_sees_only_reports_for_them_in_the_list(world, personas):
    html = client_for(personas, "observer").get(urls(world)["report-list"]).content.decode()
    assert "Donor report H1" in html
    assert "Internal report H1" not in html
    assert "Draft report H1" not in html


@pytest.mark.parametrize(
    "query",
    [
        {"phase": "not-a-code"},
        {"phase": str(uuid.uuid4())},
    ],
)
def test_unknown_phase_is_not_found(world, personas, query):
    response = client_for(personas, "staff").get(reverse("monitoring:home"), query)
    assert response.status_code == 404


@pytest.mark.parametrize("period", ["nonsense", str(uuid.uuid4()), "", "' OR 1=1"])
def test_bad_period_gives_a_clear_message(world, personas, period):
    response = client_for(personas, "staff").get(reverse("monitoring:home"), {"period": period})
    assert response.status_code in (200, 400)
    if period:
        assert "not one of this phase" in response.content.decode()


def test_a_donor_cannot_ask_for_a_phase_not_shared(world, personas):
    from tests.monitoring.factories import PhaseFactory

    other = PhaseFactory()
    response = client_for(personas, "observer").get(
        reverse("monitoring:home"), {"phase": str(other.code)}
    )
    assert response.status_code == 404


def test_dashboard_in_russian(world, personas):
    client = client_for(personas, "staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get(reverse("monitoring:home"), {"period": str(world["interim"].code)})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="ru"' in html
    assert "Страна" in html  # the country breakdown, computed, then labelled in Russian


def test_report_page_in_russian(world, personas):
    client = client_for(personas, "observer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    convene(6, country="TJ", gender="female")  # today differs: the drift is computed too
    response = client.get(urls(world)["donor"])
    assert response.status_code == 200
    assert "Страна" in response.content.decode()


def test_empty_dashboard(db, personas):
    response = client_for(personas, "staff").get(reverse("monitoring:home"))
    assert response.status_code == 200
    assert "There is no phase" in response.content.decode()


def test_current_phase_is_the_one_running_today(world, personas):
    from tests.monitoring.factories import PhaseFactory

    today = datetime.date(2026, 3, 1)
    running = PhaseFactory(starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2026, 12, 31))
    PhaseFactory(starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 12, 31))
    assert pages.current_phase(personas["staff"], today) == running


def _grow(world, count, start=0):
    """``count`` more indicators (entered, and computed over one registered query) with
    targets, and ``count`` more people convened."""
    for number in range(start, start + count):
        entered = EnteredIndicatorFactory(node=world["outcome"], ref=f"8.{number}")
        computed = IndicatorFactory(node=world["outcome"], ref=f"9.{number}")
        for indicator in (entered, computed):
            TargetFactory(indicator=indicator, period=world["interim"], value=number)
    convene(count, country="UZ")


def test_staff_dashboard_queries_do_not_grow(world, personas):
    client = client_for(personas, "staff")
    url = reverse("monitoring:home") + f"?period={world['interim'].code}"
    _grow(world, 1)  # 3 indicators of each kind

    def page():
        assert client.get(url).status_code == 200

    page()
    few, _sql = count_queries(page)
    _grow(world, 27, start=2)  # 30 of each kind
    many, sql = count_queries(page)
    assert few == many, sql


def test_donor_dashboard_queries_do_not_grow(world, personas):
    client = client_for(personas, "observer")
    url = reverse("monitoring:home") + f"?period={world['interim'].code}"

    def page():
        assert client.get(url).status_code == 200

    page()
    few, _sql = count_queries(page)
    _grow(world, 27)
    report = services.create_report(
        phase=world["phase"], period=world["quarter"], title="Q1 for the donor",
        by=personas["staff"], for_donor=True, shared_dimensions=["country"],
    )  # fmt: skip
    services.submit_report(report=report, by=personas["staff"])
    many, sql = count_queries(page)
    assert few == many, sql


def test_report_page_queries_do_not_grow(world, personas):
    client = client_for(personas, "observer")
    url = urls(world)["donor"]

    def page():
        assert client.get(url).status_code == 200

    page()
    few, _sql = count_queries(page)
    convene(30, country="UZ")
    many, sql = count_queries(page)
    assert few == many, sql


def test_an_indicator_bound_to_a_query_no_longer_known_shows_no_value_not_an_error(world, personas):
    """A later release may drop a registered query: the pages and files go on, the
    indicator without a value (the form refuses unknown keys; this is stored data)."""
    from kenesh.monitoring.models import Indicator

    Indicator.objects.filter(pk=world["computed"].pk).update(query_key="dropped-in-a-release")
    client = client_for(personas, "staff")
    for url in urls(world).values():
        assert client.get(url).status_code == 200, url
    export = reverse("monitoring:export", kwargs={"code": world["phase"].code, "fmt": "csv"})
    assert client.get(export).status_code == 200


def test_the_page_and_its_files_tell_the_same_stories_under_the_same_consent(world, personas):
    """One rule chooses the stories and their attribution for the report page and for its
    PDF and Word files: a name without consent to quotes is in neither."""
    from kenesh.monitoring import outputs

    world["speaker"].quote_consent_at = None
    world["speaker"].save(update_fields=["quote_consent_at"])
    document = outputs.report_document(world["donor"], viewer=personas["staff"], language="en")
    assert [story.quote for story in document.stories] == ["The group changed how I work."]
    assert all("Govoryashchaya" not in story.attribution for story in document.stories)
    page = client_for(personas, "staff").get(urls(world)["donor"]).content.decode()
    assert all(story.quote in page for story in document.stories)


def test_a_typed_value_s_breakdown_reads_in_words_not_keys(world, personas):
    """A value entered by hand stores only keys ("country": {"KG": 6}); pages show the
    dimension's and the categories' names in the reader's language."""
    entry = services.enter_value(
        indicator=world["entered"], period=world["interim"], value=9,
        breakdowns={"country": {"KG": 6, "TJ": 3}}, evidence_link="https://example.org/e",
        by=personas["staff"],
    )  # fmt: skip
    services.approve_entered_value(entry=entry, by=personas["administrator"])
    url = reverse("monitoring:indicator", kwargs={"code": world["entered"].code})
    client = client_for(personas, "staff")
    page = client.get(url).content.decode()
    assert "Kyrgyzstan" in page and "Tajikistan" in page
    assert "«country»" not in page and ">KG<" not in page
    client.cookies["django_language"] = "ru"
    assert "Кыргызстан" in client.get(url).content.decode()


def test_the_indicator_sheet_names_its_disaggregations_by_their_labels(world, personas):
    """Not "country gender" (the keys) but the dimensions' names, in the reader's language."""
    url = reverse("monitoring:indicator", kwargs={"code": world["computed"].code})
    client = client_for(personas, "staff")
    page = client.get(url).content.decode()
    assert '<span class="tag">Country</span>' in page and '<span class="tag">country' not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get(url).content.decode()
    assert '<span class="tag">Страна</span>' in page


def test_the_chart_describes_its_values_as_the_language_writes_numbers(world, personas):
    entry = services.enter_value(
        indicator=world["entered"], period=world["interim"], value=Decimal("2.5"),
        breakdowns={}, evidence_link="https://example.org/e", by=personas["staff"],
    )  # fmt: skip
    services.approve_entered_value(entry=entry, by=personas["administrator"])
    url = reverse("monitoring:indicator", kwargs={"code": world["entered"].code})
    client = client_for(personas, "staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get(url).content.decode()
    desc = re.search(r'<desc id="[^"]*kenesh-chart-desc">(.*?)</desc>', page, re.S)
    assert desc and "2,5" in desc.group(1) and "2.5" not in desc.group(1), page
