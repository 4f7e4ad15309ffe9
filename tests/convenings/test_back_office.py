"""The back office's convening list: every link of its filters leads to a list."""

import html
import re

import pytest

from tests.convenings.factories import ConveningFactory


def filter_links(page: str) -> list[str]:
    nav = page[page.index('id="changelist-filter"') :]
    return [html.unescape(href) for href in re.findall(r'href="(\?[^"]*)"', nav)]


@pytest.mark.parametrize(
    "start",
    [
        "?starts_on__year=2024",
        "?starts_on__year=2024&kind__exact=rcwg",
        "?starts_on__year=2024&starts_on__month=5&kind__exact=rcwg",
        "?starts_on__year=2024&starts_on__month=5&starts_on__day=21&confidentiality__exact=public",
        "?_facets=True&starts_on__year=2024&kind__exact=rcwg",
    ],
)
def test_staff_filter_by_year_then_clear_or_pick_all(login, personas, start):
    ConveningFactory(kind="rcwg")
    ConveningFactory(kind="track2", confidentiality="closed")
    client = login("administrator")
    base = "/admin/convenings/convening/"
    page = client.get(base + start)
    assert page.status_code == 200
    links = filter_links(page.content.decode())
    assert links
    for link in links:
        response = client.get(base + link)
        assert response.status_code == 200, link  # not a redirect to "?e=1"
        assert "Database error" not in response.content.decode(), link


def test_clearing_the_filters_keeps_the_chosen_year(login, personas):
    ConveningFactory(kind="rcwg")
    page = login("administrator").get(
        "/admin/convenings/convening/?starts_on__year=2024&kind__exact=rcwg"
    )
    match = re.search(r'href="(\?[^"]*)">&#10006;', page.content.decode())
    assert html.unescape(match.group(1)) == "?starts_on__year=2024"
