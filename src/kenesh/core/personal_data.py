"""Everything held on one person, gathered from every app without people importing them.

Records flow one way (people knows nothing of papers), yet a person's export must hold
their authorships and their erasure must delete their CV. Each app registers, in its
``ready()``, a provider: ``export(person) -> list[Section]`` gives what it holds on the
person, and ``erase(person, by) -> None`` (optional) pseudonymises or deletes it. The
people app's ``subject`` module runs them all, inside one transaction for erasure.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone


@dataclass(frozen=True)
class Section:
    """One kind of record held on the person: a title, the columns and the rows.

    ``fields`` pairs each row key (stable, in English, used in the JSON export) with its
    label (translated, used on the readable page).
    """

    key: str
    title: object
    fields: tuple[tuple[str, object], ...]
    rows: list[dict] = field(default_factory=list)

    def as_json(self) -> list[dict]:
        return [{key: plain(row.get(key)) for key, _label in self.fields} for row in self.rows]

    def single(self) -> list[tuple]:
        """The first row as (label, readable value) pairs, for a section of one row."""
        row = self.rows[0] if self.rows else {}
        return [(label, readable(row.get(key))) for key, label in self.fields]

    def table(self) -> list[list]:
        """The rows as lists of readable values, in the order of ``fields``."""
        return [[readable(row.get(key)) for key, _label in self.fields] for row in self.rows]


@dataclass(frozen=True)
class Provider:
    app: str
    title: object
    export: Callable
    erase: Callable | None = None
    order: int = 100


_providers: dict[str, Provider] = {}


def register(
    app: str, *, title, export: Callable, erase: Callable | None = None, order: int = 100
) -> None:
    """Add ``app``'s provider (once; a second registration replaces the first). Providers
    are shown, and their erasers run, by ``order``."""
    _providers[app] = Provider(app, title, export, erase, order)


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda provider: provider.order)


def plain(value):
    """``value`` as JSON can hold it: dates in ISO form, lists kept, the rest as text."""
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def readable(value) -> str:
    """``value`` as a reader sees it on the page."""
    from django.utils.translation import gettext

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(readable(item) for item in value) or "—"
    return str(value)
