"""Accessibility in the markup (issue 14): what a screen reader or a keyboard relies on.

- every id a field's aria-describedby names (help text, errors) is on the page;
- every table that scrolls sideways is a named region the keyboard can reach;
- the main menu's toggle on phones is a real button in the tab order;
- no select sends its form on change (WCAG 3.2.2): a button does;
- text in another language than the page's says so with ``lang`` (WCAG 3.1.2).
"""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from kenesh.deliberation import queries as deliberation_queries
from kenesh.deliberation.models import Translation
from kenesh.deliberation.opinion.result import MapResult
from kenesh.mentoring.models import DEFAULT_CRITERIA, Call
from kenesh.papers import services as paper_services
from kenesh.papers.models import AuthorRole
from tests.deliberation.conftest import add_statements, water_conversation

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "kenesh"
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls")


class Page(HTMLParser):
    """The elements of a page: their tag and attributes, in order."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    @property
    def ids(self) -> set[str]:
        return {attrs["id"] for _tag, attrs in self.elements if "id" in attrs}

    def missing_references(self) -> list[str]:
        ids = self.ids
        return [
            f"{tag} {name}={attrs[name]!r}: no #{ref}"
            for tag, attrs in self.elements
            for name in REFERENCES
            if name in attrs
            for ref in attrs[name].split()
            if ref not in ids
        ]

    def referenced(self, name: str) -> list[str]:
        return [ref for _t, attrs in self.elements for ref in attrs.get(name, "").split()]

    def find(self, tag: str, **wanted) -> list[dict]:
        return [
            attrs
            for t, attrs in self.elements
            if t == tag and all(attrs.get(k.replace("_", "-")) == v for k, v in wanted.items())
        ]


def page(client, url, data=None) -> Page:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Page(response.content.decode())


# 1. Help texts and errors ------------------------------------------------------------


def test_every_help_text_and_error_a_field_points_to_is_on_the_page(login):
    staff, expert = login("staff"), login("expert")
    pages = [
        page(expert, reverse("notifications:settings")),
        page(staff, reverse("deliberation:conversation-create")),
        # Posted with nothing filled in ("or None" forms need some key to be bound).
        page(staff, reverse("deliberation:conversation-create"), {"title": ""}),
        page(staff, reverse("papers:paper-create"), {"title": ""}),
        page(staff, reverse("people:person-create"), {"name": ""}),
    ]
    for shown in pages:
        assert shown.missing_references() == []
    described = [ref for shown in pages for ref in shown.referenced("aria-describedby")]
    # The forms above do have help texts and, posted empty, errors: the check bit.
    assert any(ref.endswith("_helptext") for ref in described)
    assert any(ref.endswith("_error") for ref in described)


# 2. Tables that scroll ---------------------------------------------------------------

WRAPPER = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\btable-wrap\b[^>]*>")


def test_every_scrolling_table_is_a_named_region_the_keyboard_reaches():
    wrappers = [(path, tag) for path in TEMPLATES for tag in WRAPPER.findall(path.read_text())]
    assert len(wrappers) > 30
    for path, tag in wrappers:
        where = f"{path.relative_to(PACKAGE)}: {tag}"
        assert 'tabindex="0"' in tag and 'role="region"' in tag, where
        assert re.search(r'aria-label(ledby)?="[^"]+"', tag), where


def test_a_table_region_is_named_by_its_caption_and_shows_its_focus(login, personas):
    shown = page(login("staff"), reverse("access:my-sessions"))
    regions = shown.find("div", role="region", tabindex="0")
    assert regions and all(r.get("aria-labelledby") for r in regions)
    assert shown.missing_references() == []
    css = (PACKAGE / "core" / "static" / "kenesh" / "kenesh.css").read_text()
    assert re.search(r"(^|\n):focus-visible\s*\{[^}]*outline:\s*3px solid #000", css)


# 3. The focus ring -------------------------------------------------------------------


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def full(colour: str) -> str:
    return colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])


def contrast(a: str, b: str) -> float:
    a, b = full(a), full(b)
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_ring_stands_out_3_to_1_on_every_background():
    css = (PACKAGE / "core" / "static" / "kenesh" / "kenesh.css").read_text()
    variables = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6}|#[0-9a-f]{3})\b", css))
    ring = re.search(
        r"(?:^|\n):focus-visible\s*\{[^}]*outline:\s*\d+px solid (#[0-9a-f]{3,6});"
        r"[^}]*box-shadow:\s*0 0 0 \d+px (#[0-9a-f]{3,6})",
        css,
    )
    header = re.search(
        r"\.topbar :focus-visible\s*\{[^}]*outline-color:\s*(#[0-9a-f]{3,6});"
        r"[^}]*box-shadow:\s*0 0 0 \d+px (#[0-9a-f]{3,6})",
        css,
    )
    assert ring and header

    outer, inner = full(ring.group(1)), full(ring.group(2))
    for background in (variables["bg"], variables["card"], "#eef2f6", variables["accent"]):
        assert max(contrast(outer, background), contrast(inner, background)) >= 3, background
    outer, inner = full(header.group(1)), full(header.group(2))
    assert contrast(outer, variables["brand"]) >= 3
    # The two rings of either pair differ enough that one always stands out.
    assert contrast(full(ring.group(1)), full(ring.group(2))) >= 9


# 4. The menu on phones ---------------------------------------------------------------


def test_the_menu_toggle_is_a_button_in_the_tab_order(login):
    html = login("expert").get("/").content.decode()
    shown = Page(html)
    (toggle,) = shown.find("button", type="button", aria_controls="mainnav")
    assert toggle["aria-expanded"] == "false"
    assert "tabindex" not in toggle and "aria-hidden" not in toggle
    assert shown.find("nav", id="mainnav")
    # Without JavaScript the button stays hidden and the menu open; nav.js shows it.
    assert "hidden" in toggle
    assert re.search(r'<script src="/static/kenesh/nav[^"]*\.js"', html)
    assert not shown.find("input", type="checkbox", id="nav-toggle")
    css = (PACKAGE / "core" / "static" / "kenesh" / "kenesh.css").read_text()
    assert ".nav-toggle:checked" not in css and ".nav-toggle-label" not in css


# 5. Selects do not send their form ---------------------------------------------------


def test_no_select_sends_its_form_when_it_changes():
    for path in TEMPLATES:
        text = path.read_text()
        assert "data-autosubmit" not in text, path
        assert not re.search(r"<select[^>]*\bonchange=", text), path
    for script in (PACKAGE / "core" / "static" / "kenesh").glob("*.js"):
        assert not re.search(r"requestSubmit|\.form\.submit\(", script.read_text()), script


def test_break_down_by_has_a_show_button(login):
    html = login("expert").get(reverse("convenings:overview")).content.decode()
    form = re.search(r'<form method="get" class="filters">.*?id="id_by".*?</form>', html, re.S)
    assert form, "the breakdown form"
    assert re.search(r'<button type="submit">Show</button>', form.group(0))
    assert "<noscript>" not in form.group(0)


# 7. Text in another language ---------------------------------------------------------


def test_a_russian_paper_title_on_an_english_page_says_it_is_russian(login, personas):
    paper = paper_services.create_paper(
        by=personas["staff"],
        authors=[(personas["young_expert"].person, AuthorRole.LEAD)],
        title="Водные ресурсы долины (вымысел)",
        body="Черновик.",
        language="ru",
        visibility="public",
    )
    staff = login("staff")
    listing = page(staff, reverse("papers:paper-list"))
    assert listing.find("a", href=reverse("papers:paper-detail", kwargs={"code": paper.code}),
                        lang="ru")  # fmt: skip
    detail = page(staff, reverse("papers:paper-detail", kwargs={"code": paper.code}))
    assert detail.find("h1", lang="ru")


def test_a_call_shown_in_its_other_language_says_which(login, personas):
    call = Call.objects.create(
        title="",
        title_ru="Набор молодых экспертов (вымысел)",
        description="An English description (fictional).",
        criteria=DEFAULT_CRITERIA,
        opens_on=datetime.date(2020, 1, 1),
        closes_on=datetime.date(2099, 1, 1),
        cohort_size=2,
    )
    shown = page(login("staff"), reverse("mentoring:call", kwargs={"code": call.code}))
    assert shown.find("h1", lang="ru")
    assert shown.find("p", **{"class": "lead", "lang": "en"})
    with translation.override("ru"):
        assert (call.shown_title_language, call.shown_description_language) == ("ru", "en")
    call.title = "A call (fictional)"
    assert call.shown_title_language == "en"


def test_statements_carry_the_language_they_are_shown_in(login, personas):
    conversation = water_conversation()
    (russian,) = add_statements(conversation, ["Воду делят по очереди (вымысел)"])
    russian.language = "ru"
    russian.save()
    shown = page(
        login("expert"),
        reverse("deliberation:conversation-detail", kwargs={"code": conversation.code}),
    )
    assert shown.find("li", value=str(russian.number), lang="ru")
    assert shown.find("li", value="1", lang="en")
    # On the results: the language of the text shown, a translation where there is one.
    Translation.objects.create(statement=russian, language="en", text="Water by turns")
    n = str(russian.number)
    pick = {"statement": russian.number, "direction": "agree", "share": 0.9, "significant": True}
    result = {
        "group_sizes": {"0": 10},
        "representative": {"0": [pick]},
        "group_agreement": {"0": {n: [9, 1, 0, 0.9, 0.6, 1.0], "1": [8, 2, 0, 0.8, 0.5, 0.9]}},
        "group_stability": {},
        "group_consensus": {n: 0.9, "1": 0.8},
        "consensus": [russian.number, 1],
        "bridging": {n: 0.5},
        "by_attribute": {},
        "common_ground": {},
        "coordinates": {},
        "groups": {},
    }
    result = MapResult.from_json(result)
    with translation.override("en"):
        shown_en = deliberation_queries.results_view(conversation, result, exact=True)
    with translation.override("ru"):
        shown_ru = deliberation_queries.results_view(conversation, result, exact=True)
    assert [(r["text"], r["lang"]) for r in shown_en["consensus"]] == [
        ("Water by turns", "en"),
        ("Fictional statement number 1", "en"),
    ]
    assert [r["lang"] for r in shown_ru["consensus"]] == ["ru", "en"]
    assert shown_ru["groups"][0]["rows"][0]["lang"] == "ru"
    assert shown_en["bridging"][0]["lang"] == "en"


def test_cyrillic_names_and_the_language_switch_carry_lang(login, personas):
    staff = login("staff")
    roster = page(staff, reverse("people:roster"))
    mentor = personas["mentor"].person
    url = reverse("people:person-detail", kwargs={"code": mentor.code})
    assert roster.find("a", href=url, lang="ru")
    assert page(staff, url).find("h1", lang="ru")
    assert roster.find("button", value="ru", lang="ru")
    staff.post(reverse("set_language"), {"language": "ru", "next": "/"})
    # On a Russian page, a Russian name needs no mark of its own.
    assert not page(staff, url).find("h1", lang="ru")


@pytest.mark.parametrize("text", ["Nastavnik Testov", "", None])
def test_latin_or_no_text_gets_no_lang(text):
    from kenesh.core.templatetags.text_language import lang_of

    with translation.override("en"):
        assert lang_of(text) == ""
