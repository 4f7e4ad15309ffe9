"""Reads shaped for the people pages."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from kenesh.people.models import Country, Gender, Person, Sector, Theme, Track

# Below this many people a count is shown to non-staff as "fewer than 5", so that a
# small group cannot be told apart person by person.
SMALL_CELL = 5


def roster(queryset):
    """People for a roster page: their organisation and themes, in two fixed queries."""
    return queryset.select_related("organization").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("name"))
    )


def profile(person_qs):
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
    suppressed: bool

    def __str__(self):
        return f"<{SMALL_CELL}" if self.suppressed else str(self.count)


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
    detail: list  # (country label, gender label, track label, sector label, Cell)
    chart: dict


def _cell(count: int, exact: bool) -> Cell:
    return Cell(count, suppressed=not exact and 0 < count < SMALL_CELL)


def diversity(queryset, *, by: str, exact: bool) -> Diversity:
    """Counts of people by country x gender x track x sector, in one query.

    ``by`` picks the dimension crossed with country in the table and chart. When
    ``exact`` is false, non-zero counts under ``SMALL_CELL`` are suppressed.
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

    def total_where(**fixed):
        keys = ("country", "gender", "track", "sector")
        return sum(
            n
            for key, n in counts.items()
            if all(key[keys.index(name)] == value for name, value in fixed.items())
        )

    # Show the dimension's values that occur; an all-zero column says nothing.
    columns = [c for c in choices.choices if total_where(**{by: c[0]})]
    countries = [c for c in Country.choices if total_where(country=c[0])]
    table_rows = []
    for value, label in countries:
        cells = [_cell(total_where(country=value, **{by: col}), exact) for col, _l in columns]
        table_rows.append((value, label, cells, _cell(total_where(country=value), exact)))
    column_totals = [_cell(total_where(**{by: col}), exact) for col, _l in columns]
    total = sum(counts.values())

    detail = []
    labels = {
        "country": dict(Country.choices),
        "gender": dict(Gender.choices),
        "track": dict(Track.choices),
        "sector": dict(Sector.choices),
    }
    for (country, gender, track, sector), n in sorted(counts.items()):
        detail.append(
            (
                labels["country"].get(country, country),
                labels["gender"].get(gender, gender),
                labels["track"].get(track, track),
                labels["sector"].get(sector, sector),
                _cell(n, exact),
            )
        )

    chart = {
        "labels": [str(label) for _v, label in countries],
        "datasets": [
            {
                "label": str(col_label),
                "data": [
                    None if cells[i].suppressed else cells[i].count
                    for _v, _l, cells, _t in table_rows
                ],
            }
            for i, (_c, col_label) in enumerate(columns)
        ],
    }
    return Diversity(
        total=total,
        countries=len(countries),
        crosstab=CrossTab(by, columns, table_rows, column_totals, _cell(total, exact)),
        detail=detail,
        chart=chart,
    )
