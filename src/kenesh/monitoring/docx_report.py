"""A programme report as a Word document (DOCX), for donors who edit in Word.

Pure: no Django and no kenesh but the pure ``document`` and ``charts`` modules. Headings
use Word's own "Title" and "Heading 1-3" styles, so the navigation pane and a table of
contents work; the results table repeats its header row on every page; each chart is a
PNG picture whose alt text (``docPr/@descr``) gives its data in words. A hidden small cell
is printed as the caller's "hidden" label, never as a number.
"""

import io
from typing import TYPE_CHECKING

from kenesh.monitoring import charts
from kenesh.monitoring.document import (
    ChartSeries,
    Disaggregation,
    IndicatorRow,
    ReportDocument,
    format_number,
)

if TYPE_CHECKING:  # python-docx is imported where it is used
    from docx.document import Document
    from docx.shared import Length
    from docx.table import Table

CHART_WIDTH_CM = 16


def render(report: ReportDocument) -> bytes:
    """The report as DOCX bytes."""
    from docx import Document

    doc = Document()
    _properties(doc, report)
    _title_page(doc, report)
    for section in report.sections:
        doc.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
    _results(doc, report)
    if report.stories:
        doc.add_heading(report.label("stories"), level=1)
        for story in report.stories:
            doc.add_paragraph(story.quote, style="Quote")
            if story.attribution:
                doc.add_paragraph("\u2014 " + story.attribution)
    if report.outcomes:
        doc.add_heading(report.label("outcomes"), level=1)
        for outcome in report.outcomes:
            doc.add_heading(outcome.title, level=2)
            if outcome.description:
                doc.add_paragraph(outcome.description)
            if outcome.evidence:
                doc.add_paragraph(report.label("evidence") + ":")
                for line in outcome.evidence:
                    doc.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _properties(doc: "Document", report: ReportDocument) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = doc.core_properties
    props.title = report.title
    props.subject = f"{report.programme} {report.phase} {report.period_label}".strip()
    props.language = report.language
    props.author = report.programme
    props.last_modified_by = report.programme
    props.comments = ""
    props.created = props.modified = report.generated_at.replace(tzinfo=None)
    props.revision = 1
    # Spelling and hyphenation follow the report's language, not the template's en-US.
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), report.language)


def _title_page(doc: "Document", report: ReportDocument) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph(report.title, style="Title")
    lines = [
        (report.label("programme"), report.programme),
        (report.label("phase"), report.phase),
        (
            report.label("period"),
            f"{report.period_label} ({report.start.isoformat()} \u2013 {report.end.isoformat()})",
        ),
        (report.label("audience"), report.audience),
        (report.label("generated"), report.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
    ]
    for name, value in lines:
        if value:
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"{name}: ").bold = True
            paragraph.add_run(value)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _results(doc: "Document", report: ReportDocument) -> None:
    from docx.shared import Cm

    doc.add_heading(report.label("results"), level=1)
    if not report.indicators:
        doc.add_paragraph(report.label("no_indicators"))
    else:
        header = [
            report.label(k) for k in ("ref", "indicator", "baseline", "target", "actual", "status")
        ]
        table = _table(doc, header)
        for row in report.indicators:
            name = f"{row.name} ({row.unit})" if row.unit else row.name
            _add_row(
                table,
                [
                    row.ref,
                    name,
                    format_number(row.baseline, report.label("no_value")),
                    format_number(row.target, report.label("no_value")),
                    _actual(row, report),
                    row.status,
                ],
            )
    charted = {series.ref: series for series in report.series}
    for row in report.indicators:
        series = charted.pop(row.ref, None)
        if not (series or row.disaggregations or row.note):
            continue
        doc.add_heading(f"{row.ref} {row.name}".strip(), level=2)
        if row.note:
            doc.add_paragraph(row.note)
        if series is not None:
            _chart(doc, series, report, Cm(CHART_WIDTH_CM))
        for disaggregation in row.disaggregations:
            _disaggregation(doc, disaggregation, report)
    for series in charted.values():  # charts of indicators not in the table
        doc.add_heading(f"{series.ref} {series.name}".strip(), level=2)
        _chart(doc, series, report, Cm(CHART_WIDTH_CM))


def _actual(row: IndicatorRow, report: ReportDocument) -> str:
    if row.actual_hidden:
        return report.label("hidden")
    return format_number(row.actual, report.label("no_value"))


def _disaggregation(
    doc: "Document", disaggregation: Disaggregation, report: ReportDocument
) -> None:
    doc.add_heading(disaggregation.dimension, level=3)
    table = _table(doc, [report.label("category"), report.label("value")])
    for row in disaggregation.rows:
        shown = (
            report.label("hidden")
            if row.hidden
            else format_number(row.value, report.label("no_value"))
        )
        _add_row(table, [row.label, shown])


def _chart(doc: "Document", series: ChartSeries, report: ReportDocument, width: "Length") -> None:
    picture = doc.add_picture(io.BytesIO(charts.png(series, report.labels)), width=width)
    doc_pr = picture._inline.docPr
    doc_pr.set("descr", charts.description(series, report.labels))
    doc_pr.set("title", charts.title(series, report.labels))


def _table(doc: "Document", header: list[str]) -> "Table":
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table: Table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    cells = table.rows[0].cells
    for cell, text in zip(cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # Repeat the header row at the top of every page the table runs onto.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    return table


def _add_row(table: "Table", values: list[str]) -> None:
    for cell, text in zip(table.add_row().cells, values, strict=True):
        cell.text = text
