"""The roster: search in either script, filters, paging, bad input, export."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kenesh.core.models import AuditEntry
from kenesh.people.models import Person
from tests.factories import PersonFactory, ThemeFactory


@pytest.fixture
def roster(personas):
    water = ThemeFactory(slug="water", name="Water", name_ru="Вода")
    PersonFactory(name="Жылдыз Асанова", name_latin="Jyldyz Asanova", country="KG", themes=[water])
    PersonFactory(name="Dilnoza Karimova", name_latin="Dilnoza Karimova", country="UZ")
    PersonFactory(
        name="Фарход Раҳимов", name_latin="Farhod Rahimov", country="TJ", gender="male",
        track="emergent", sector="media",
    )  # fmt: skip
    return water


def names_on(response):
    return {p.name_latin for p in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Жылдыз", {"Jyldyz Asanova"}),
        ("jyldyz", {"Jyldyz Asanova"}),
        ("асанова", {"Jyldyz Asanova"}),
        ("Дилноза", {"Dilnoza Karimova"}),  # Cyrillic finds a name written in Latin
        ("Раҳимов", {"Farhod Rahimov"}),
        ("rahimov farhod", {"Farhod Rahimov"}),  # any word order
        ("ASANOVA", {"Jyldyz Asanova"}),
    ],
)
def test_search_finds_names_in_cyrillic_or_latin(login, roster, query, expected):
    response = login("staff").get("/people/", {"q": query})
    assert names_on(response) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "TJ"}, {"Farhod Rahimov"}),
        ({"track": "emergent"}, {"Farhod Rahimov", "Molodoi Ekspert"}),
        ({"gender": "male"}, {"Farhod Rahimov"}),
        ({"sector": "media"}, {"Farhod Rahimov"}),
        ({"theme": "water"}, {"Jyldyz Asanova"}),
        ({"country": "KG", "theme": "water"}, {"Jyldyz Asanova"}),
    ],
)
def test_filters(login, roster, params, expected):
    assert names_on(login("staff").get("/people/", params)) == expected


def test_language_filter(login, roster):
    from kenesh.people.models import Language

    person = Person.objects.get(name_latin="Dilnoza Karimova")
    person.languages.set([Language.objects.get(code="uz")])
    assert names_on(login("staff").get("/people/", {"language": "uz"})) == {"Dilnoza Karimova"}


@pytest.mark.parametrize(
    "params",
    [
        {"country": "Atlantis"},
        {"track": "veteran"},
        {"theme": "no-such-theme"},
        {"language": "klingon"},
        {"q": "x" * 101},
        {"q": "nul\x00byte"},
    ],
)
def test_bad_filter_values_get_a_message_not_a_500(login, roster, params):
    response = login("staff").get("/people/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert not response.context["page"].object_list


def test_bad_filter_message_is_in_russian(login, roster):
    client = login("staff")
    client.cookies["django_language"] = "ru"
    page = client.get("/people/", {"country": "Atlantis"}).content.decode()
    assert "Выберите корректный вариант" in page


@pytest.mark.parametrize("query", ["%", "_", "'; DROP TABLE people_person; --", "\\", "[a-z]*"])
def test_malformed_search_strings_are_plain_text(login, roster, query):
    response = login("staff").get("/people/", {"q": query})
    assert response.status_code == 200
    assert names_on(response) == set()
    assert Person.objects.count() == 6


def test_paging_keeps_filters(login, personas, settings):
    settings.KENESH_ROSTER_PAGE_SIZE = 2
    for i in range(5):
        PersonFactory(country="TJ", name=f"Tajik {i}", name_latin=f"Tajik {i}")
    client = login("staff")
    first = client.get("/people/", {"country": "TJ"})
    assert first.context["page"].paginator.count == 5
    assert "country=TJ&amp;page=2" in first.content.decode()
    third = client.get("/people/", {"country": "TJ", "page": "3"})
    assert names_on(third) == {"Tajik 4"}
    assert client.get("/people/", {"page": "not-a-number"}).status_code == 200
    assert client.get("/people/", {"page": "999"}).status_code == 200


def test_htmx_request_gets_only_the_results(login, roster):
    response = login("staff").get("/people/", {"country": "TJ"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Farhod Rahimov" in body
    assert "<html" not in body


def roster_queries(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/people/", params)
    assert response.status_code == 200
    return captured


def test_roster_query_count_does_not_grow_with_people(login, personas):
    client = login("staff")
    themes = [ThemeFactory(), ThemeFactory()]
    for _ in range(3):
        PersonFactory(themes=themes)
    roster_queries(client)  # unmeasured: what is read once and cached
    few = roster_queries(client)
    for _ in range(27):
        PersonFactory(themes=themes)
    many = roster_queries(client)
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
    filtered = roster_queries(client, country="KG", theme=themes[0].slug, q="Testovyi")
    assert len(filtered) <= len(few) + 1, "\n".join(q["sql"] for q in filtered.captured_queries)


def test_staff_export_the_filtered_roster_as_csv(login, roster):
    response = login("staff").get("/people/export.csv", {"country": "KG"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert "Email" in header
    assert {row[2] for row in body} >= {"Jyldyz Asanova"}
    assert all(row[5] == "Kyrgyzstan" for row in body)
    entry = AuditEntry.objects.get(action="people.roster.exported")
    assert entry.data["rows"] == len(body)
    assert entry.data["filters"] == {"country": "KG"}


def test_export_cannot_carry_a_spreadsheet_formula(login, personas):
    """A name or an organisation that starts like a formula stays plain text."""
    PersonFactory(name='=HYPERLINK("http://evil.example","x")', name_latin="+cmd|' /C calc'!A0")
    response = login("staff").get("/people/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "'+cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_export_with_bad_filters_exports_nothing(login, roster):
    response = login("staff").get("/people/export.csv", {"country": "Atlantis"})
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="people.roster.exported").exists()


def test_export_query_count_does_not_grow_with_people(login, personas):
    client = login("staff")
    themes = [ThemeFactory()]
    for _ in range(3):
        PersonFactory(themes=themes)
    with CaptureQueriesContext(connection) as few:
        client.get("/people/export.csv")
    for _ in range(27):
        PersonFactory(themes=themes)
    with CaptureQueriesContext(connection) as many:
        client.get("/people/export.csv")
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
