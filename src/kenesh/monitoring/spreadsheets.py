"""Indicator values as CSV and XLSX.

Pure: no Django and no kenesh but the pure ``document`` dataclasses. Both files take the
same ``ReportDocument`` the report is drawn from, so a spreadsheet never shows more than
the report it belongs to: a hidden small cell is written as the caller's "hidden" label,
never as a number.

Formula safety: CSV text that would start a formula gets the platform's rule, which the
caller passes as ``neutralise`` (``kenesh.core.exports.neutralise``); without one, a copy
of the same rule here applies (a test pins the two together). In XLSX every text cell
is stored as a string with Excel's quote prefix, so nothing is ever a formula and the
reader still sees the text exactly as written.
"""

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from kenesh.monitoring.document import ReportDocument

# The same starts as kenesh.core.exports.FORMULA_STARTS (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: Any) -> Any:
    """Text that would start a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _value_columns(report: ReportDocument) -> list[str]:
    return [
        report.label(key)
        for key in (
            "ref",
            "indicator",
            "unit",
            "dimension",
            "category",
            "baseline",
            "target",
            "actual",
            "status",
            "note",
        )
    ]


def rows(report: ReportDocument) -> Iterator[list[Any]]:
    """The values as one long table: each indicator's total, then one row per category
    of each of its disaggregations (dimension and category filled, the value under
    "actual"). Numbers stay numbers; None is an empty cell; hidden is the label."""
    hidden = report.label("hidden")
    for row in report.indicators:
        actual = hidden if row.actual_hidden else row.actual
        yield [
            row.ref,
            row.name,
            row.unit,
            "",
            "",
            row.baseline,
            row.target,
            actual,
            row.status,
            row.note,
        ]
        for disaggregation in row.disaggregations:
            for cell in disaggregation.rows:
                value = hidden if cell.hidden else cell.value
                yield [
                    row.ref,
                    row.name,
                    row.unit,
                    disaggregation.dimension,
                    cell.label,
                    None,
                    None,
                    value,
                    "",
                    "",
                ]


def to_csv(
    report: ReportDocument,
    neutralise: Callable[[object], object] = neutralise,
    bom: bool = True,
) -> bytes:
    """The values as CSV in UTF-8 (with a byte-order mark by default, so Excel reads
    Cyrillic right), a header row first, every text cell made formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(v) for v in _value_columns(report)])
    for row in rows(report):
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def to_xlsx(report: ReportDocument) -> bytes:
    """The values as an XLSX workbook: a sheet of indicator values (one row per
    indicator), a sheet of disaggregations, and a sheet of targets and actuals per
    period when the report has any. Header rows are bold and frozen."""
    from openpyxl import Workbook

    workbook = Workbook()
    props = workbook.properties
    props.title = report.title
    props.language = report.language
    props.creator = report.programme
    props.created = props.modified = report.generated_at.replace(tzinfo=None)
    hidden = report.label("hidden")

    values = workbook.active
    values.title = _sheet_title(report.label("results"), "Values")
    _write(
        values,
        [report.label(k) for k in ("ref", "indicator", "unit", "baseline", "target", "actual")]
        + [report.label("status"), report.label("note")],
        [
            [
                row.ref,
                row.name,
                row.unit,
                row.baseline,
                row.target,
                hidden if row.actual_hidden else row.actual,
                row.status,
                row.note,
            ]
            for row in report.indicators
        ],
    )

    split = workbook.create_sheet(_sheet_title(report.label("disaggregations"), "Breakdowns"))
    _write(
        split,
        [report.label(k) for k in ("ref", "indicator", "dimension", "category", "value")],
        [
            [
                row.ref,
                row.name,
                d.dimension,
                cell.label,
                hidden if cell.hidden else cell.value,
            ]
            for row in report.indicators
            for d in row.disaggregations
            for cell in d.rows
        ],
    )

    if report.series:
        periods = workbook.create_sheet(_sheet_title(report.label("chart"), "Periods"))
        _write(
            periods,
            [report.label(k) for k in ("ref", "indicator", "chart_period", "target", "actual")],
            [
                [series.ref, series.name, point.period, point.target, point.actual]
                for series in report.series
                for point in series.points
            ],
        )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(sheet: Any, header: list[str], body: list[list[Any]]) -> None:  # an openpyxl sheet
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths = [len(str(h)) for h in header]
    for r, row in enumerate([header, *body], start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                # Set as a plain string: openpyxl would take "=..." for a formula.
                cell.value = value
                cell.data_type = "s"
                if value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
            else:
                cell.value = value  # numbers stay numbers; None stays empty
            if r == 1:
                cell.font = Font(bold=True)
            if value is not None:
                widths[c - 1] = max(widths[c - 1], len(str(value)))
    sheet.freeze_panes = "A2"
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)


# Excel forbids these in a sheet's name and allows at most 31 characters.
_NOT_IN_SHEET_TITLE = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _sheet_title(label: str, fallback: str) -> str:
    title = label.translate(_NOT_IN_SHEET_TITLE).strip().strip("'")[:31].strip()
    return title or fallback
