"""Every page that draws a chart draws it on the server as an SVG image linked to the
table carrying its numbers, and loads no chart library."""

import datetime
import re

from django.utils import translation

from kenesh.deliberation import services as deliberation
from kenesh.mentoring.models import Assessment, Mentorship
from tests.convenings.conftest import meetings  # noqa: F401 (a fixture)
from tests.deliberation import test_results
from tests.deliberation.conftest import _no_bootstrap, conversation  # noqa: F401 (fixtures)
from tests.mentoring.conftest import call  # noqa: F401 (a fixture)


def assert_chart(page: str, chart_id: str, table_id: str) -> str:
    """The figure ``chart_id`` holds an ``<svg role="img">`` naming the table
    ``table_id``, its caption links to that table, and the table is on the page."""
    assert "chart.umd" not in page and "kenesh/charts.js" not in page
    assert "<canvas" not in page and "json_script" not in page
    figure = re.search(rf'<figure class="chart" id="{chart_id}">(.*?)</figure>', page, re.S)
    assert figure, f"no figure {chart_id}"
    svg = figure.group(1)
    assert re.search(rf'<svg [^>]*role="img"[^>]*aria-details="{table_id}"', svg)
    assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
    assert f'<a href="#{table_id}">' in svg  # in the figcaption
    assert re.search(rf'<table [^>]*id="{table_id}"', page), f"no table {table_id}"
    assert " style=" not in svg and "<style" not in svg and "<script" not in svg
    return svg


def test_diversity_chart(login):
    exact = login("staff").get("/people/diversity/").content.decode()
    svg = assert_chart(exact, "diversity-chart", "diversity-table")
    assert "People by country" in svg
    protected = login("observer").get("/people/diversity/").content.decode()  # small counts hidden
    svg = assert_chart(protected, "diversity-chart", "diversity-table")
    assert "People in the programme by the chosen breakdown" in svg


def test_convening_pages_chart_who_took_part(login, meetings):  # noqa: F811
    staff = login("staff")
    assert_chart(
        staff.get("/convenings/programme/").content.decode(), "diversity-chart", "diversity-table"
    )
    detail = staff.get(f"/convenings/{meetings['public'].code}/").content.decode()
    assert_chart(detail, "diversity-chart", "diversity-table")


def test_influence_funnel_chart(login):
    page = login("staff").get("/influence/").content.decode()
    svg = assert_chart(page, "funnel-chart", "funnel-table")
    assert "Papers: 0" in svg  # the data in words
    assert 'data-testid="funnel-table"' in page


def test_opinion_map_chart(login, conversation):  # noqa: F811
    test_results.fill(conversation)
    deliberation.run_analysis(conversation=conversation)
    with translation.override("en"):
        page = login("expert").get(f"/deliberation/{conversation.code}/results/").content.decode()
    svg = assert_chart(page, "opinion-map", "opinion-map-table")
    # The group letters are written on the map, not only shown in colour.
    letters = re.findall(r'font-size="24" font-weight="bold">([A-Z?])</text>', svg)
    assert sorted(letters) == ["A", "B"]
    table = re.search(r'<table id="opinion-map-table".*?</table>', page, re.S).group(0)
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', table)]
    assert sum(counts) == 24  # everyone who voted is on the map


def test_growth_charts(login, personas, call):  # noqa: F811
    mentorship = Mentorship.objects.create(
        mentor=personas["mentor"].person, mentee=personas["young_expert"].person,
        started_on=datetime.date(2023, 1, 1), call=call,
    )  # fmt: skip
    scores = {"research": 2, "writing": 3, "argument": 2, "recommendations": 1,
              "speaking": 4, "facilitation": 3}  # fmt: skip
    Assessment.objects.create(mentorship=mentorship, stage="pre", assessor="mentor", scores=scores)
    staff = login("staff")
    cohort = staff.get(f"/mentoring/calls/{call.code}/growth/").content.decode()
    svg = assert_chart(cohort, "growth-chart", "growth-table")
    assert "Research: 2" in svg
    pair = staff.get(f"/mentoring/mentorships/{mentorship.code}/").content.decode()
    assert_chart(pair, "growth-chart", "growth-table")
