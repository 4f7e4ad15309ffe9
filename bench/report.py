"""Monitoring at demo scale: indicators, report submission, report page, PDF and DOCX.

Builds the demo at ``--scale`` (100 gives 5,500 people, 2,000 convenings, 1,400 papers;
one phase III with 15 indicators and two periods) in a fresh database, then times, with
their query counts:
- every indicator of the phase with its disaggregations, for each reporting period
  (``queries.values_for``; median of ``--repeat`` runs);
- submitting the final report (freezing every value), in a transaction rolled back after;
- the final report's page as staff (if the monitoring pages are wired);
- the final report's PDF and DOCX (if ``kenesh.monitoring.outputs`` is there), document
  built and rendered, timed once each.
The last line sets the indicators and the PDF against the issue's targets, 1 s (all
periods together) and 10 s.

    python bench/report.py [--scale 100] [--repeat 3] [--database-url URL]
"""

import argparse
import os
import statistics
import sys
import time

from _setup import client_for, demo_database

INDICATORS_TARGET = 1.0
PDF_TARGET = 10.0


def timed(function, *args, **kwargs):
    """(result, seconds, queries) of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = function(*args, **kwargs)
        seconds = time.perf_counter() - started
    return result, seconds, len(captured)


def row(label: str, seconds: float, queries: int, extra: str = "") -> None:
    print(f"{label:<40} {seconds:6.3f} s  {queries:3} queries{extra}")


def time_indicators(phase, periods, repeat: int) -> float:
    """Every indicator for each period; print each period and the slowest indicators.
    Return the median total over all periods."""
    from kenesh.monitoring import queries

    indicator_list = list(queries.indicators_of(phase))
    totals = []
    for run in range(repeat):
        total = 0.0
        for period in periods:
            _values, seconds, count = timed(queries.values_for, phase, period, indicator_list)
            total += seconds
            if run == repeat - 1:
                print(
                    f"indicators, {period.name:<36} {seconds:6.3f} s  {count:3} queries  "
                    f"({len(indicator_list)} indicators)"
                )
        totals.append(total)
    # Where the time goes: each indicator alone over the longest period.
    longest = max(periods, key=lambda p: p.ends_on - p.starts_on)
    each = []
    for indicator in indicator_list:
        _value, seconds, count = timed(queries.value_of, indicator, longest)
        each.append((seconds, count, indicator))
    each.sort(key=lambda row: row[0], reverse=True)
    for seconds, count, indicator in each[:5]:
        label = indicator.query_key or "entered"
        print(f"  slowest: {indicator.ref:<6} {label:<28} {seconds:6.3f} s  {count:2} queries")
    median = statistics.median(totals)
    print(f"indicators, all periods together: median {median:.3f} s (n={repeat})")
    return median


def time_submit(report) -> None:
    from django.db import transaction

    from kenesh.access.models import User
    from kenesh.monitoring import services

    staff = User.objects.get(username="staff")
    with transaction.atomic():
        _report, seconds, count = timed(services.submit_report, report=report, by=staff)
        frozen = report.values.count()
        transaction.set_rollback(True)
    row(f"submit_report (freezes {frozen} values)", seconds, count)


def time_page(report) -> None:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("monitoring:report", kwargs={"code": report.code})
    except NoReverseMatch:
        print("report page: skipped (monitoring:report is not wired)")
        return
    client = client_for("staff")
    client.get(url)  # warm-up
    response, seconds, count = timed(client.get, url)
    if response.status_code != 200:
        print(f"report page: {response.status_code} at {url}")
        return
    row("report page as staff", seconds, count)


def time_files(report) -> float | None:
    """PDF and DOCX of the report; the PDF's seconds (document and render), or None."""
    try:
        from kenesh.monitoring import outputs
    except ImportError as error:
        print(f"PDF and DOCX: skipped (kenesh.monitoring.outputs not there: {error})")
        return None
    needed = ("report_document", "report_pdf", "report_docx")
    missing = [name for name in needed if not hasattr(outputs, name)]
    if missing:
        print(f"PDF and DOCX: skipped (kenesh.monitoring.outputs lacks {', '.join(missing)})")
        return None
    import logging

    from kenesh.access.models import User

    # WeasyPrint warns once per repeated SVG anchor; keep the figures readable.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    staff = User.objects.get(username="staff")
    document, doc_s, doc_q = timed(outputs.report_document, report, viewer=staff, language="en")
    row("report document (plain data, charts)", doc_s, doc_q)
    pdf, pdf_s, pdf_q = timed(outputs.report_pdf, report, document)
    row("PDF render (WeasyPrint)", pdf_s, pdf_q, f"  {len(pdf):,} bytes")
    docx, docx_s, docx_q = timed(outputs.report_docx, document)
    row("DOCX render", docx_s, docx_q, f"  {len(docx):,} bytes")
    print(f"PDF in all {doc_s + pdf_s:.2f} s; DOCX in all {doc_s + docx_s:.2f} s")
    return doc_s + pdf_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(demo_database(args.scale, args.database_url))

    from kenesh.convenings.models import Convening, Participation
    from kenesh.monitoring.models import Indicator, Phase, Report, ReportStatus
    from kenesh.papers.models import PolicyPaper

    phase = Phase.objects.get()
    periods = list(phase.periods.order_by("starts_on", "ends_on"))
    print(
        f"{Convening.objects.count()} convenings, {Participation.objects.count()} "
        f"participations, {PolicyPaper.objects.count()} papers; phase with "
        f"{Indicator.objects.filter(node__phase=phase).count()} indicators, "
        f"{len(periods)} periods"
    )
    indicators = time_indicators(phase, periods, args.repeat)
    draft = Report.objects.filter(phase=phase, status=ReportStatus.DRAFT).latest("period__ends_on")
    time_submit(draft)
    time_page(draft)
    pdf = time_files(draft)
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    line = (
        f"indicators {indicators:.2f} s against the {INDICATORS_TARGET:g} s target "
        f"({indicators / INDICATORS_TARGET:.2f}x)"
    )
    if pdf is None:
        line += "; PDF not measured (no outputs module)"
    else:
        line += f"; PDF {pdf:.1f} s against {PDF_TARGET:g} s ({pdf / PDF_TARGET:.2f}x)"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
