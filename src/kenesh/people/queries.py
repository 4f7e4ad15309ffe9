"""Reads shaped for the people pages."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
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


def diversity(queryset, *, by: str, exact: bool) -> Diversity:
    """Counts of people by country x gender x track x sector, in one query.

    ``by`` picks the dimension crossed with country in the table and chart. When
    ``exact`` is false, small counts and the counts that would reveal them are hidden
    (see ``disclosure``) and the four-way detail, too fine to protect, is left out.
    """
    choices = DIMENSIONS[by]
    rows = (
        queryset.order_by()
        .values("country", "gender", "track", "sector")
        .annotate(n=Count("id", distinct=True))
    )
    counts: dict[tuple, int] = {}
    for row in rows:
        counts[(row["country"], row["gender"], row["track"], row["sector"])] = row["n"]
    position = {"country": 0, "gender": 1, "track": 2, "sector": 3}

    def total_where(**fixed):
        return sum(
            n
            for key, n in counts.items()
            if all(key[position[name]] == value for name, value in fixed.items())
        )

    # Show the dimension's values that occur; an all-zero column says nothing.
    columns = [c for c in choices.choices if total_where(**{by: c[0]})]
    countries = [c for c in Country.choices if total_where(country=c[0])]
    matrix = [
        [total_where(country=country, **{by: column}) for column, _l in columns]
        for country, _label in countries
    ]
    if exact:
        marks = disclosure.Protected(
            cells=[[None] * len(columns) for _ in countries],
            row_totals=[None] * len(countries),
            column_totals=[None] * len(columns),
            total=None,
        )
    else:
        marks = disclosure.protect(matrix, SMALL_CELL)

    table_rows = []
    for i, (value, label) in enumerate(countries):
        cells = [Cell(n, marks.cells[i][j]) for j, n in enumerate(matrix[i])]
        table_rows.append((value, label, cells, Cell(sum(matrix[i]), marks.row_totals[i])))
    column_totals = [
        Cell(sum(row[j] for row in matrix), marks.column_totals[j]) for j in range(len(columns))
    ]
    total = sum(counts.values())

    detail = []
    if exact:
        labels = [dict(Country.choices), dict(Gender.choices), dict(Track.choices),
                  dict(Sector.choices)]  # fmt: skip
        for key, n in sorted(counts.items()):
            detail.append((*(labels[i].get(v, v) for i, v in enumerate(key)), n))

    if exact:
        # Staff: one bar per country, stacked by the chosen dimension.
        chart = {
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
    else:
        # Others: the programme-wide breakdown, whose totals are large enough to show.
        chart = {
            "labels": [str(label) for _c, label in columns],
            "datasets": [
                {
                    "label": str(_("People")),
                    "data": [None if c.suppressed else c.count for c in column_totals],
                }
            ],
            "stacked": False,
        }
    return Diversity(
        total=total,
        countries=len(countries),
        crosstab=CrossTab(by, columns, table_rows, column_totals, Cell(total, marks.total)),
        detail=detail,
        chart=chart,
        protected=not exact,
    )
