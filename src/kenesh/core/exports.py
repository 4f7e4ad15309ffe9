"""Writing spreadsheets that cannot run formulas on the reader's machine."""

import csv
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite  # a file, or an HttpResponse

# A cell starting with one of these is taken as a formula by Excel, LibreOffice or
# Google Sheets (OWASP: CSV injection); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet should show it: text that would start a formula gets a
    leading apostrophe; numbers and other values pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo ``neutralise`` for a file the platform wrote (its own importers use this)."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeWriter:
    """``csv.writer`` whose every text cell is neutralised."""

    def __init__(self, stream: "SupportsWrite[str]", **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(stream: "SupportsWrite[str]", **kwargs: Any) -> SafeWriter:
    """A CSV writer for every export of the platform."""
    return SafeWriter(stream, **kwargs)
