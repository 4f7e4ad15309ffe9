"""The diversity summary: counts from the records, small cells hidden from non-staff."""

import itertools
import random

import pytest

from kenesh.people import disclosure, queries
from kenesh.people.models import Person
from tests.factories import PersonFactory


@pytest.fixture
def network(personas):
    for _ in range(6):
        PersonFactory(country="KZ", gender="female", track="seasoned", sector="academia")
    for _ in range(2):
        PersonFactory(country="AF", gender="male", track="seasoned", sector="media")
    PersonFactory(country="TJ", gender="female", track="emergent", sector="civil_society")


def test_counts_cross_country_and_dimension(network):
    summary = queries.diversity(Person.objects.all(), by="gender", exact=True)
    assert summary.total == Person.objects.count() == 12
    rows = {label: [c.count for c in cells] for _v, label, cells, _t in summary.crosstab.rows}
    columns = [value for value, _label in summary.crosstab.columns]
    kz = dict(zip(columns, rows["Kazakhstan"], strict=True))
    assert kz["female"] == 6
    detail = {row[:4]: row[4] for row in summary.detail}
    assert detail[("Afghanistan", "Man", "Seasoned expert", "Media")] == 2


def test_non_staff_get_protected_tables_without_detail(network):
    summary = queries.diversity(Person.objects.all(), by="gender", exact=False)
    assert summary.detail == []
    cells = {label: cells for _v, label, cells, _t in summary.crosstab.rows}
    assert [str(c) for c in cells["Afghanistan"]] == ["0", "<5"]
    for dataset in summary.chart["datasets"]:
        assert all(v is None or v >= 5 or v == 0 for v in dataset["data"])


def unknowns_per_equation(matrix, marks):
    rows, columns = len(matrix), len(matrix[0])
    for i in range(rows):
        yield [marks.cells[i][j] for j in range(columns)] + [marks.row_totals[i]]
    for j in range(columns):
        yield [marks.cells[i][j] for i in range(rows)] + [marks.column_totals[j]]
    yield [*marks.row_totals, marks.total]
    yield [*marks.column_totals, marks.total]


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_count_can_be_worked_out_from_one_equation(seed):
    rng = random.Random(seed)
    matrix = [[rng.choice([0, 1, 2, 3, 4, 5, 7, 9, 14]) for _ in range(4)] for _ in range(5)]
    marks = disclosure.protect(matrix, 5)
    for i, j in itertools.product(range(5), range(4)):
        if 0 < matrix[i][j] < 5:
            assert marks.cells[i][j] == disclosure.PRIMARY
        if matrix[i][j] == 0:
            assert marks.cells[i][j] is None
    for equation in unknowns_per_equation(matrix, marks):
        assert sum(1 for mark in equation if mark) != 1, (matrix, marks)


def test_a_row_with_one_small_cell_hides_a_second_one():
    marks = disclosure.protect([[3, 9], [6, 7]], 5)
    assert marks.cells[0] == [disclosure.PRIMARY, disclosure.SECONDARY]
    # ...and the column the second one sits in is then balanced by a third.
    assert disclosure.SECONDARY in {marks.cells[1][0], marks.cells[1][1], marks.column_totals[0]}


def test_observer_sees_protected_counts_staff_see_exact(login, network):
    observer = login("observer").get("/people/diversity/", {"by": "track"}).content.decode()
    staff = login("staff").get("/people/diversity/", {"by": "track"}).content.decode()
    assert "&lt;5" in observer and 'data-testid="protection-note"' in observer
    assert "&lt;5" not in staff


def test_staff_filter_the_summary_and_get_told_about_bad_values(login, network):
    client = login("staff")
    assert client.get("/people/diversity/", {"country": "KZ"}).context["summary"].total == 6
    bad = client.get("/people/diversity/", {"country": "Atlantis", "by": "nonsense"})
    assert bad.status_code == 200
    page = bad.content.decode()
    assert 'data-testid="filter-errors"' in page and 'data-testid="by-error"' in page


def test_observer_filters_are_ignored_so_tables_cannot_be_subtracted(login, network):
    client = login("observer")
    response = client.get("/people/diversity/", {"country": "KZ", "q": "Testovyi Ekspert1"})
    assert response.context["summary"].total == 12
    assert 'name="country"' not in response.content.decode()
