"""The diversity summary: counts from the records, small cells hidden from non-staff."""

import pytest

from kenesh.people import queries
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
    detail = {(c, g, t, s): cell.count for c, g, t, s, cell in summary.detail}
    assert detail[("Afghanistan", "Man", "Seasoned expert", "Media")] == 2


def test_small_cells_are_suppressed_for_non_staff(network):
    summary = queries.diversity(Person.objects.all(), by="gender", exact=False)
    cells = {label: cells for _v, label, cells, _t in summary.crosstab.rows}
    assert all(str(c) in {"0", "<5"} or c.count >= 5 for row in cells.values() for c in row)
    assert "<5" in {str(c) for c in cells["Afghanistan"]}
    assert all(not cell.suppressed or cell.count < 5 for *_r, cell in summary.detail)
    for dataset in summary.chart["datasets"]:
        assert all(v is None or v >= 5 or v == 0 for v in dataset["data"])


def test_observer_sees_suppressed_counts_staff_see_exact(login, network):
    observer = login("observer").get("/people/diversity/", {"by": "track"}).content.decode()
    staff = login("staff").get("/people/diversity/", {"by": "track"}).content.decode()
    assert "&lt;5" in observer
    assert "&lt;5" not in staff


def test_diversity_filters_and_bad_values(login, network):
    client = login("observer")
    response = client.get("/people/diversity/", {"country": "KZ"})
    assert response.context["summary"].total == 6
    bad = client.get("/people/diversity/", {"country": "Atlantis", "by": "nonsense"})
    assert bad.status_code == 200
    assert 'data-testid="filter-errors"' in bad.content.decode()


def test_observer_cannot_search_names_through_counts(login, network):
    response = login("observer").get("/people/diversity/", {"q": "Testovyi Ekspert1"})
    assert response.context["summary"].total == 12  # the name search is not offered here
