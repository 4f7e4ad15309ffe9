"""The platform's navigation. Each app registers its entries in its AppConfig.ready().

Core knows no app; it shows an entry to a user who holds the entry's permission.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: str
    description: str = ""
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_entries: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if entry.url_name not in {e.url_name for e in _entries}:
        _entries.append(entry)
        _entries.sort(key=lambda e: e.order)


def entries_for(user) -> list[NavEntry]:
    return [entry for entry in _entries if user.has_perm(entry.permission)]
