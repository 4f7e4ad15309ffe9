"""The SVG charts drawn on the server (kenesh.core.charts): proportional bars, empty data,
escaped labels, words for screen readers, nothing a CSP refuses, ids unique per page."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.utils import translation

from kenesh.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    return ET.fromstring(svg)  # also proves it is well-formed XML


def bar_widths(svg: str) -> list[float]:
    """The widths of the bars (the rects with an outline), in drawing order."""
    root = parse(svg)
    return [
        float(r.get("width"))
        for r in root.iter(f"{SVG}rect")
        if r.get("stroke") == charts.OUTLINE and r.find(f"{SVG}title") is not None
    ]


def test_bars_are_proportional_to_their_values_and_carry_them_as_text():
    svg = charts.bars(
        ["Papers", "Recommendations", "Taken up"], [("Funnel", [10, 40, 5])],
        chart_id="funnel", title="The funnel",
    )  # fmt: skip
    widths = bar_widths(svg)
    assert len(widths) == 3
    assert widths[1] / widths[0] == pytest.approx(4, rel=0.02)
    assert widths[0] / widths[2] == pytest.approx(2, rel=0.02)
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert {"10", "40", "5", "Papers", "Taken up"} <= set(texts)


def test_stacked_bars_add_up_and_show_their_totals():
    svg = charts.bars(
        ["Kazakhstan", "Tajikistan"], [("Woman", [6, 2]), ("Man", [3, 2])],
        chart_id="div", title="People by country", stacked=True,
    )  # fmt: skip
    kz_woman, kz_man, tj_woman, tj_man = bar_widths(svg)
    assert (kz_woman + kz_man) / (tj_woman + tj_man) == pytest.approx(9 / 4, rel=0.02)
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert "9" in texts and "4" in texts  # the totals
    # Two series: a legend, and a pattern besides the colour for the second one.
    assert "Woman" in texts and "Man" in texts
    assert 'fill="url(#div-p1)"' in svg and '<pattern id="div-p1"' in svg


def test_a_fixed_maximum_sets_the_scale():
    svg = charts.bars(["Research"], [("After", [2.5])], chart_id="g", title="t", maximum=5)
    ticks = [t.text for t in parse(svg).iter(f"{SVG}text") if t.get("font-size") == "11"]
    assert ticks == ["0", "1", "2", "3", "4", "5"]
    full = charts.bars(["Research"], [("After", [5])], chart_id="h", title="t", maximum=5)
    assert bar_widths(full)[0] == pytest.approx(2 * bar_widths(svg)[0], rel=0.01)


@pytest.mark.parametrize(
    ("categories", "series"),
    [([], []), (["Research", "Writing"], []), (["A", "B"], [("x", [None, None])])],
)
def test_no_data_draws_a_message_not_an_error(categories, series):
    svg = charts.bars(categories, series, chart_id="empty", title="Growth")
    assert bar_widths(svg) == []
    assert "No data yet." in svg and parse(svg).get("role") == "img"


def test_zero_and_hidden_values_draw_no_bar_but_say_so():
    svg = charts.bars(
        ["Men", "Women", "Other"], [("People", [12, 0, None])], chart_id="c", title="t"
    )
    assert len(bar_widths(svg)) == 1
    desc = parse(svg).find(f"{SVG}desc").text
    assert desc == "Men: 12; Women: 0; Other: not shown."


def test_long_and_cyrillic_labels_are_escaped_and_shortened():
    hostile = 'Кыргызстан <script>alert("x")</script> & "кавычки" ' + "очень " * 30
    svg = charts.bars([hostile], [("Мужчина", [3])], chart_id="ru", title="Люди <b>")
    assert "<script" not in svg and "<b>" not in svg
    root = parse(svg)
    label = next(t for t in root.iter(f"{SVG}text") if label_lines(t)[0].startswith("Кыргызстан"))
    lines = label_lines(label)  # two lines, the second cut after a whole word
    assert len(lines) == 2 and lines[1].endswith("…")
    assert hostile.startswith(" ".join(lines)[:-1] + " ")
    assert label.find(f"{SVG}title").text == hostile  # the whole name on hover
    assert hostile in root.find(f"{SVG}desc").text  # and for screen readers
    assert root.find(f"{SVG}title").text == "Люди <b>"


def label_lines(text) -> list[str]:
    """A category label's lines: its two <tspan>s, or its own text on one line."""
    spans = text.findall(f"{SVG}tspan")
    return [s.text or "" for s in spans] if spans else [text.text or ""]


def test_a_long_label_wraps_between_words_and_a_longer_one_is_cut_at_a_word():
    skills = [
        "Исследовательская работа",
        "Письмо",
        "Публичные выступления и работа со средствами массовой информации в регионе",
    ]
    root = parse(charts.bars(skills, [("После", [4, 3, 5])], chart_id="sk", title="Навыки"))
    labels = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    research, writing, speaking = labels
    # Two lines, nothing cut, so no tooltip; a short name stays on one line.
    assert label_lines(research) == ["Исследовательская", "работа"]
    assert research.find(f"{SVG}title") is None
    assert label_lines(writing) == ["Письмо"] and not writing.findall(f"{SVG}tspan")
    shown = label_lines(speaking)  # too long for two lines: cut after a whole word
    assert len(shown) == 2 and shown[1].endswith("…")
    assert skills[2].startswith(" ".join(shown)[:-1] + " ")
    assert speaking.find(f"{SVG}title").text == skills[2]
    assert charts.wrap("один два", 1000) == ["один два"]
    assert charts.shorten_at_word("alpha beta gamma", charts.text_width("alpha beta…")) == (
        "alpha beta…"
    )


def test_title_desc_and_the_table_are_announced():
    svg = charts.bars(
        ["Research", "Writing"], [("Before", [2, 3]), ("After", [4, 4.5])],
        chart_id="growth", title="Skills", table_id="growth-table", maximum=5,
    )  # fmt: skip
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "growth-title"
    assert root.get("aria-describedby") == "growth-desc"
    assert root.get("aria-details") == "growth-table"
    assert root.get("width") == "100%" and root.get("viewBox").startswith(f"0 0 {charts.WIDTH} ")
    assert root[0].tag == f"{SVG}title" and root[1].tag == f"{SVG}desc"
    assert root[1].text == "Research: Before 2, After 4; Writing: Before 3, After 4.5."


def test_numbers_are_written_as_the_language_writes_them():
    with translation.override("ru"):
        svg = charts.bars(["Исследование"], [("После", [3.67])], chart_id="g", title="t")
    assert "3,67" in svg and "3.67" not in svg


def test_nothing_a_content_security_policy_refuses():
    svg = charts.bars(["a", "b"], [("x", [1, 2]), ("y", [3, 4])], chart_id="c", title="t",
                      stacked=True) + charts.opinion_map(
        [{"x": 0, "y": 0, "g": 0}, {"x": 1, "y": 1, "g": None}], chart_id="m", title="t"
    )  # fmt: skip
    assert not re.search(
        r"<script|<style|\sstyle=|\son[a-z]+=|javascript:|https?://(?!www\.w3\.org/2000/svg)", svg
    )


def test_two_charts_on_a_page_share_no_id():
    first = charts.bars(["a"], [("x", [1]), ("y", [2]), ("z", [3])], chart_id="one", title="t")
    second = charts.bars(["a"], [("x", [1]), ("y", [2]), ("z", [3])], chart_id="two", title="t")
    third = charts.opinion_map([{"x": 0, "y": 0, "g": 0}], chart_id="three", title="t")
    ids = re.findall(r'\sid="([^"]+)"', first + second + third)
    assert len(ids) == len(set(ids)) > 6
    refs = re.findall(r'url\(#([^)]+)\)|aria-(?:labelledby|describedby)="([^"]+)"', first)
    for url, names in refs:
        for name in (url or names).split():
            assert name.startswith("one-")


def test_a_chart_id_must_be_a_plain_name():
    with pytest.raises(ValueError):
        charts.bars(["a"], [("x", [1])], chart_id='x" onload="alert(1)', title="t")


def points():
    left = [{"x": -2 + i * 0.01, "y": 0.1 * (i % 3), "g": 0} for i in range(120)]
    right = [{"x": 2 - i * 0.01, "y": -0.1 * (i % 4), "g": 1} for i in range(70)]
    return left + right + [{"x": 0, "y": 1, "g": None} for _ in range(10)]


def test_the_opinion_map_writes_each_group_letter_at_its_centre():
    svg = charts.opinion_map(points(), chart_id="map", title="Opinion groups", table_id="t")
    root = parse(svg)
    letters = {t.text: float(t.get("x")) for t in root.iter(f"{SVG}text") if t.text in ("A", "B")}
    assert set(letters) == {"A", "B"} and letters["A"] < 320 < letters["B"]
    groups = list(root.iter(f"{SVG}g"))
    # One <g> per kind of point on the map (then the legend's): unassigned, A, B.
    assert [len(list(g)) for g in groups[:3]] == [10, 120, 70]
    assert groups[1][0].tag != groups[2][0].tag  # A and B differ in shape, not only colour
    desc = root.find(f"{SVG}desc").text
    # Each group is a sentence of its own, so each starts with a capital in any language.
    assert desc.endswith(
        "Group A: 120 people. Group B: 70 people. 10 people are in no group shown (?)."
    )
    assert charts.map_counts(points()) == [
        ("Group A", 120), ("Group B", 70), ("? in no group shown", 10),
    ]  # fmt: skip
    assert len(svg) < 12_000  # 200 points stay small


def test_an_empty_map_says_so():
    svg = charts.opinion_map([], chart_id="map", title="Opinion groups")
    assert "No data yet." in svg and parse(svg).get("role") == "img"


def test_the_tag_links_the_figure_to_its_table():
    page = Template(
        '{% load charts %}{% bar_chart data "funnel-chart" "funnel-table" "The funnel" %}'
    ).render(Context({"data": {"labels": ["Papers", "Taken up"], "data": [3, 1]}}))
    assert '<figure class="chart" id="funnel-chart">' in page
    assert 'aria-details="funnel-table"' in page and 'href="#funnel-table"' in page
    assert "<figcaption>" in page
    map_page = Template(
        '{% load charts %}{% opinion_map points "opinion-map" "opinion-map-table" "Map" %}'
    ).render(Context({"points": points()}))
    assert 'id="opinion-map-table"' in map_page and "<td>Group B</td>" in map_page
