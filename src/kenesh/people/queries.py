"""Reads shaped for the people pages."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kenesh.people import disclosure
from kenesh.people.models import Country, Gender, Person, Sector, Theme, Track

# Below this many people a count is shown to non-staff as "fewer than 5", so that a
# small group cannot be told apart person by person.
SMALL_CELL = 5


def roster(queryset):
    """People for a roster page: their organisation and themes, in two fixed queries."""
    return queryset.select_related("organization").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("name"))
    )


def for_export(person_qs):
    """People for the CSV export, with everything a row shows, in three queries."""
    return person_qs.select_related("organization").prefetch_related("themes", "languages")


def possible_duplicates(person: Person):
    """Other people with the same name (in either script or word order) and country."""
    keys = {k for k in (person.name_key, person.latin_key) if k}
    if not keys:
        return Person.objects.none()
    return (
        Person.objects.filter(country=person.country)
        .filter(Q(name_key__in=keys) | Q(latin_key__in=keys))
        .exclude(pk=person.pk)
        .order_by("name_latin")
    )


def duplicate_warning(person: Person) -> str | None:
    """The message staff see on saving a person who may already be on the roster."""
    duplicates = list(possible_duplicates(person)[:5])
    if not duplicates:
        return None
    return _("Possible duplicate (same name and country): %(others)s. Check before merging.") % {
        "others": ", ".join(f"{p.name} ({p.name_latin})" for p in duplicates)
    }


DIMENSIONS = {"gender": Gender, "track": Track, "sector": Sector}


@dataclass(frozen=True)
class Cell:
    count: int
    hidden: str | None = None  # None, disclosure.PRIMARY or disclosure.SECONDARY

    @property
    def suppressed(self) -> bool:
        return self.hidden is not None

    @property
    def plural_count(self) -> int:
        """The number choosing the plural form of a word after the cell as shown: a hidden
        cell ("<5", "5+") reads like many, as 0 does in English and Russian."""
        return 0 if self.suppressed else self.count

    def __str__(self):
        if self.hidden == disclosure.PRIMARY:
            return f"<{SMALL_CELL}"
        if self.hidden == disclosure.SECONDARY:
            return f"{SMALL_CELL}+"
        return str(self.count)


@dataclass(frozen=True)
class CrossTab:
    dimension: str
    columns: list  # (value, label)
    rows: list  # (country value, label, [Cell per column], total Cell)
    column_totals: list
    total: Cell


@dataclass(frozen=True)
class Diversity:
    total: int
    countries: int
    crosstab: CrossTab
    detail: list  # (country label, gender label, track label, sector label, count); staff only
    chart: dict
    protected: bool


def diversity(queryset: QuerySet[Person], *, by: str, exact: bool) -> Diversity:
    """Counts of people by country x gender x track x sector, in one query.

    ``by`` picks the dimension crossed with country in the table and chart. When
    ``exact`` is false, small counts and the counts that would reveal them are hidden
    (see ``disclosure``) and the four-way detail, too fine to protect, is left out.
    """
    counts = _four_way_counts(queryset)
    # Show the dimension's values that occur; an all-zero column says nothing.
    columns = [c for c in DIMENSIONS[by].choices if _total_where(counts, **{by: c[0]})]
    countries = [c for c in Country.choices if _total_where(counts, country=c[0])]
    matrix = [
        [_total_where(counts, country=country, **{by: column}) for column, _l in columns]
        for country, _label in countries
    ]
    marks = _hidden_cells(matrix, len(columns), exact=exact)
    table_rows = []
    for i, (value, label) in enumerate(countries):
        cells = [Cell(n, marks.cells[i][j]) for j, n in enumerate(matrix[i])]
        table_rows.append((value, label, cells, Cell(sum(matrix[i]), marks.row_totals[i])))
    column_totals = [
        Cell(sum(row[j] for row in matrix), marks.column_totals[j]) for j in range(len(columns))
    ]
    total = sum(counts.values())
    if exact:
        chart = _chart_by_country(countries, columns, table_rows)
    else:
        chart = _chart_programme_wide(columns, column_totals)
    return Diversity(
        total=total,
        countries=len(countries),
        crosstab=CrossTab(by, columns, table_rows, column_totals, Cell(total, marks.total)),
        detail=_detail(counts) if exact else [],
        chart=chart,
        protected=not exact,
    )


_POSITION = {"country": 0, "gender": 1, "track": 2, "sector": 3}


def _four_way_counts(queryset: QuerySet[Person]) -> dict[tuple[str, str, str, str], int]:
    """People per (country, gender, track, sector) that occurs, in one query."""
    rows = (
        queryset.order_by()
        .values("country", "gender", "track", "sector")
        .annotate(n=Count("id", distinct=True))
    )
    counts: dict[tuple[str, str, str, str], int] = {}
    for row in rows:
        counts[(row["country"], row["gender"], row["track"], row["sector"])] = row["n"]
    return counts


def _total_where(counts: dict[tuple[str, str, str, str], int], **fixed: str) -> int:
    """How many people have the ``fixed`` values (country="KG", gender="f"...)."""
    return sum(
        n
        for key, n in counts.items()
        if all(key[_POSITION[name]] == value for name, value in fixed.items())
    )


def _hidden_cells(matrix: list[list[int]], n_columns: int, *, exact: bool) -> disclosure.Protected:
    """Which cells and totals of the country table to hide: none for staff (``exact``),
    else the small counts and those that would reveal them."""
    if not exact:
        return disclosure.protect(matrix, SMALL_CELL)
    return disclosure.Protected(
        cells=[[None] * n_columns for _ in matrix],
        row_totals=[None] * len(matrix),
        column_totals=[None] * n_columns,
        total=None,
    )


def _detail(counts: dict[tuple[str, str, str, str], int]) -> list[tuple[object, ...]]:
    """The four-way counts with their values' labels, for staff: (country, gender,
    track, sector, count)."""
    labels = [dict(Country.choices), dict(Gender.choices), dict(Track.choices),
              dict(Sector.choices)]  # fmt: skip
    return [
        (*(labels[i].get(v, v) for i, v in enumerate(key)), n) for key, n in sorted(counts.items())
    ]


def _chart_by_country(
    countries: Sequence[tuple[str, object]],
    columns: Sequence[tuple[str, object]],
    table_rows: list[tuple],
) -> dict:
    """Staff's chart: one bar per country, stacked by the chosen dimension."""
    return {
        "labels": [str(label) for _v, label in countries],
        "datasets": [
            {
                "label": str(col_label),
                "data": [row[2][j].count for row in table_rows],
            }
            for j, (_c, col_label) in enumerate(columns)
        ],
        "stacked": True,
    }


def _chart_programme_wide(columns: Sequence[tuple[str, object]], column_totals: list[Cell]) -> dict:
    """Others' chart: the programme-wide breakdown, whose totals are large enough to show."""
    return {
        "labels": [str(label) for _c, label in columns],
        "datasets": [
            {
                "label": str(_("People")),
                "data": [None if c.suppressed else c.count for c in column_totals],
            }
        ],
        "stacked": False,
    }
