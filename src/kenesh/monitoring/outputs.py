"""Adapters from monitoring's models to the pure output modules: a report as a
``document.ReportDocument`` (then PDF, DOCX), a phase as an ``iati.Activity``, and a
phase's indicator values as CSV and XLSX.

Every value passes ``rules.shown_for`` (or ``arithmetic.shown_to``) before it reaches a
document, so a donor's file holds only the disaggregations staff shared and never a cell
under five people; a hidden cell reaches the renderers as ``None`` with its flag set.
A withdrawn person is never named in a file, whoever asks for it: a file leaves the
platform, and the platform can no longer hide a name once it has.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kenesh.access.predicates import is_staff
from kenesh.core.exports import neutralise
from kenesh.core.numbers import number_formatter
from kenesh.monitoring import charts, docx_report, iati, queries, spreadsheets
from kenesh.monitoring.arithmetic import Audience, Measure, Shown, shown_to
from kenesh.monitoring.document import (
    ChartPoint,
    ChartSeries,
    Disaggregation,
    DisaggregationRow,
    IndicatorRow,
    OutcomeItem,
    ReportDocument,
    Section,
    Story,
)
from kenesh.monitoring.models import (
    IATI_MEASURE,
    NARRATIVE,
    Indicator,
    IndicatorMeasure,
    Level,
    Period,
    Phase,
    Report,
    ReportStatus,
    ReportValue,
    Target,
)
from kenesh.monitoring.rules import audience_for, shown_for

PROGRAMME = "Kenesh"
IATI_SETTING = "monitoring.iati_reporting_org"
DEFAULT_REPORTING_ORG = {"ref": "XM-KENESH", "type": "21", "name": "Kenesh Secretariat"}
RESULT_TYPE = {
    Level.GOAL: iati.ResultType.IMPACT,
    Level.OUTCOME: iati.ResultType.OUTCOME,
    Level.OUTPUT: iati.ResultType.OUTPUT,
}


def labels() -> dict[str, str]:
    """The fixed words of every renderer, in the active language."""
    return {
        "programme": _("Programme"),
        "phase": _("Phase"),
        "period": _("Reporting period"),
        "audience": _("Prepared for"),
        "generated": _("Generated"),
        "results": _("Results against indicators"),
        "disaggregations": _("Disaggregations"),
        "ref": pgettext("indicator reference", "Ref."),
        "indicator": _("Indicator"),
        "unit": _("Unit"),
        "baseline": _("Baseline"),
        "target": _("Target"),
        "actual": _("Actual"),
        "status": _("Status"),
        "note": _("Note"),
        "dimension": _("Dimension"),
        "category": _("Category"),
        "value": _("Value"),
        "hidden": _("Hidden: fewer than 5"),
        "no_value": "-",
        "chart": _("Targets and actuals"),
        "chart_period": _("Period"),
        "stories": _("Stories of change"),
        "outcomes": _("Outcomes"),
        "evidence": _("Evidence"),
        "no_indicators": _("No indicator values for this period."),
    }


def _section_headings() -> dict[str, str]:
    return {
        "context": _("Context"),
        "progress": _("Progress"),
        "challenges": _("Challenges and adaptations"),
        "next_steps": _("Next steps"),
    }


def _audience_label(audience: Audience, phase: Phase) -> str:
    if audience is Audience.STAFF:
        return pgettext("report audience", "Programme staff")
    if audience is Audience.DONOR:
        return _("The donor: %(donor)s") % {"donor": phase.donor}
    return _("The public")


def _number(value):
    return queries._number(value)


def _status(actual, target) -> str:
    if actual is None or target is None:
        return ""
    return _("Met") if actual >= target else _("Not met")


# --- what a viewer may see of a value ---------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One indicator's value in one period, as the viewer may see it."""

    indicator_id: int
    ref: str
    name: str
    unit: str
    baseline: object
    target: object
    shown: Shown | None


def _shown(viewer, report: Report | None, measure: Measure | None) -> Shown | None:
    if measure is None:
        return None
    if report is not None:
        return shown_for(viewer, report, measure)
    return shown_to(measure, audience_for(viewer))


def _lines_of_report(report: Report, viewer) -> list[Line]:
    """A submitted report's frozen values; a draft's values computed today."""
    if report.status == ReportStatus.SUBMITTED:
        return [
            Line(
                row.indicator_id,
                row.indicator_ref,
                row.indicator_name,
                row.unit,
                _number(row.baseline),
                _number(row.target),
                _shown(viewer, report, queries.measure_of(row)),
            )
            for row in queries.report_values(report)
        ]
    return _live_lines(report.phase, report.period, viewer, report)


def _live_lines(phase: Phase, period: Period, viewer, report: Report | None) -> list[Line]:
    indicator_list = list(queries.indicators_of(phase))
    values = queries.values_for(phase, period, indicator_list)
    targets = {
        t.indicator_id: t.value
        for t in Target.objects.filter(period=period, indicator__in=indicator_list)
    }
    return [
        Line(
            i.pk,
            i.ref,
            i.name,
            i.unit,
            _number(i.baseline_value),
            _number(targets.get(i.pk)),
            _shown(viewer, report, values[i.pk]),
        )
        for i in indicator_list
    ]


def _indicator_row(line: Line, note: str = "") -> IndicatorRow:
    shown = line.shown
    actual = None if shown is None else shown.total
    hidden = bool(shown is not None and shown.total_hidden)
    return IndicatorRow(
        ref=line.ref,
        name=line.name,
        unit=line.unit,
        baseline=line.baseline,
        target=line.target,
        actual=actual,
        status="" if hidden else _status(actual, line.target),
        note=note,
        actual_hidden=hidden,
        disaggregations=()
        if shown is None
        else tuple(
            Disaggregation(
                str(b.label),
                tuple(DisaggregationRow(str(c.label), c.value, bool(c.hidden)) for c in b.cells),
            )
            for b in shown.breakdowns
            if b.cells
        ),
    )


# --- the report -----------------------------------------------------------------------


def _series(report: Report, viewer, lines: list[Line]) -> list[ChartSeries]:
    """Targets and actuals over the phase's periods of the report's kind, up to the
    report's own: earlier periods show what their latest submitted report froze."""
    periods = list(
        Period.objects.filter(
            phase=report.phase, kind=report.period.kind, ends_on__lte=report.period.ends_on
        ).order_by("starts_on")
    )
    if report.period not in periods:
        periods.append(report.period)
    ids = [line.indicator_id for line in lines]
    targets = {
        (t.indicator_id, t.period_id): _number(t.value)
        for t in Target.objects.filter(period__in=periods, indicator__in=ids)
    }
    earlier = {}
    submitted = (
        Report.objects.visible_to(viewer)
        .filter(period__in=periods, status=ReportStatus.SUBMITTED)
        .exclude(pk=report.pk)
        .order_by("period_id", "submitted_at")
    )
    by_period = {r.period_id: r for r in submitted}  # the latest of each period wins
    for row in ReportValue.objects.filter(
        report__in=list(by_period.values()), indicator__in=ids
    ).select_related("report"):
        shown = shown_for(viewer, row.report, queries.measure_of(row))
        earlier[(row.indicator_id, row.report.period_id)] = shown.total
    series = []
    for line in lines:
        points = []
        for period in periods:
            if period.pk == report.period_id:
                actual = None if line.shown is None else line.shown.total
            else:
                actual = earlier.get((line.indicator_id, period.pk))
            points.append(
                ChartPoint(period.name, targets.get((line.indicator_id, period.pk)), actual)
            )
        if any(p.target is not None or p.actual is not None for p in points):
            series.append(ChartSeries(line.ref, line.name, line.unit, points))
    return series


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip())


def _stories(report: Report) -> list[Story]:
    """The period's stories of change (``queries.stories_of``, as on the report page). No
    viewer: a file is read outside the platform, so a withdrawn person is never named."""
    return [Story(t.quote, queries.attribution(t, None)) for t in queries.stories_of(report.period)]


def _outcomes(report: Report, viewer) -> list[OutcomeItem]:
    """Outcomes of the period that were substantiated or verified, with their evidence."""
    from kenesh.influence.models import Outcome, Substantiation

    period = report.period
    found = (
        Outcome.objects.visible_to(viewer)
        .filter(
            when__range=(period.starts_on, period.ends_on),
            substantiation__in=[Substantiation.SUBSTANTIATED, Substantiation.VERIFIED],
        )
        .order_by("when", "pk")
    )
    items = []
    for outcome in found:
        title = _("%(actor)s, %(when)s: %(change)s") % {
            "actor": outcome.social_actor,
            "when": outcome.when.isoformat(),
            "change": outcome.change,
        }
        description = " ".join(
            part
            for part in (
                outcome.significance,
                _("Contribution: %(text)s") % {"text": outcome.contribution},
                _("Substantiation: %(level)s") % {"level": outcome.get_substantiation_display()},
            )
            if part
        )
        evidence = tuple(line.strip() for line in outcome.evidence.splitlines() if line.strip())
        items.append(OutcomeItem(title, description, evidence))
    return items


def report_document(report: Report, *, viewer, language: str) -> ReportDocument:
    """``report`` as ``viewer`` may read it, every label in ``language``: the values a
    submitted report froze (today's for a draft), small cells and unshared
    disaggregations hidden per the viewer's audience, stories and outcomes of the period."""
    with translation.override(language):
        lines = _lines_of_report(report, viewer)
        headings = _section_headings()
        sections = [
            Section(headings[name], _paragraphs(getattr(report, name)))
            for name in NARRATIVE
            if (getattr(report, name) or "").strip()
        ]
        return ReportDocument(
            title=report.title,
            programme=PROGRAMME,
            phase=report.phase.name,
            period_label=report.period.name,
            start=report.period.starts_on,
            end=report.period.ends_on,
            language=language,
            generated_at=timezone.localtime(),
            audience=_audience_label(audience_for(viewer), report.phase),
            sections=sections,
            indicators=[_indicator_row(line) for line in lines],
            series=_series(report, viewer, lines),
            stories=_stories(report),
            outcomes=_outcomes(report, viewer),
            labels=labels(),
        )


# --- PDF and DOCX ----------------------------------------------------------------------


def _local_only_fetcher():
    """A WeasyPrint fetcher that opens data: URIs only: the print page needs no file from
    anywhere, and a link in a narrative must never make the server call a host."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=1)


def print_html(report: Report, document: ReportDocument) -> str:
    """The print page WeasyPrint lays out: the document, the narrative as sanitised HTML,
    and each chart as inline SVG beside its table."""
    with translation.override(document.language):
        headings = _section_headings()
        sections = [
            # Markdown rendered with raw HTML off, then cleaned by nh3 (section_html).
            (headings[name], mark_safe(report.section_html(name)))  # nosec B308 B703
            for name in NARRATIVE
            if (getattr(report, name) or "").strip()
        ]
        number = number_formatter()
        drawn = [charts.svg(series, document.labels, number) for series in document.series]
        chart_list = [
            # Drawn by matplotlib; every text in it is escaped (charts.py).
            (series, mark_safe(charts.inline(svg, f"c{n}-")))  # nosec B308 B703
            for n, (series, svg) in enumerate(zip(document.series, drawn, strict=True))
        ]
        return render_to_string(
            "monitoring/report_print.html",
            {"doc": document, "sections": sections, "charts": chart_list, "report": report},
        )


def report_pdf(report: Report, document: ReportDocument) -> bytes:
    """The report as a PDF, laid out by WeasyPrint as the papers app does its print PDF."""
    from weasyprint import HTML

    return HTML(
        string=print_html(report, document), base_url=None, url_fetcher=_local_only_fetcher()
    ).write_pdf()


def report_docx(document: ReportDocument) -> bytes:
    return docx_report.render(document)


# --- a phase's values: CSV, XLSX --------------------------------------------------------


def _phase_periods(phase: Phase, viewer) -> list[tuple[Period, Report | None, list[Line]]]:
    """Each period of the phase with the lines the viewer may see: what the period's
    latest submitted report (visible to the viewer) froze; for staff, today's values
    where no report was submitted. A donor sees only periods with a report for them."""
    reports = {}
    for r in (
        Report.objects.visible_to(viewer)
        .filter(phase=phase, status=ReportStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
    ):
        reports[r.period_id] = r
    found = []
    for period in Period.objects.filter(phase=phase).order_by("starts_on", "ends_on"):
        report = reports.get(period.pk)
        if report is not None:
            found.append((period, report, _lines_of_report(report, viewer)))
        elif is_staff(viewer):
            found.append((period, None, _live_lines(phase, period, viewer, None)))
    return found


def phase_document(phase: Phase, *, viewer, language: str) -> ReportDocument:
    """A phase's indicator values, one row per indicator and period, as a document for
    ``spreadsheets``: the "note" column names the period."""
    with translation.override(language):
        words = labels()
        words["note"] = _("Reporting period")
        rows = []
        series = {}
        for period, _report, lines in _phase_periods(phase, viewer):
            for line in lines:
                if line.shown is None and line.target is None:
                    continue
                rows.append(_indicator_row(line, note=period.name))
                points = series.setdefault((line.ref, line.name, line.unit), [])
                points.append(ChartPoint(period.name, line.target, line.shown and line.shown.total))
        return ReportDocument(
            title=_("Indicator values: %(phase)s") % {"phase": phase.name},
            programme=PROGRAMME,
            phase=phase.name,
            period_label="",
            start=phase.starts_on,
            end=phase.ends_on,
            language=language,
            generated_at=timezone.localtime(),
            audience=_audience_label(audience_for(viewer), phase),
            indicators=rows,
            series=[ChartSeries(r, n, u, p) for (r, n, u), p in series.items()],
            labels=words,
        )


def values_csv(phase: Phase, *, viewer, language: str) -> bytes:
    return spreadsheets.to_csv(phase_document(phase, viewer=viewer, language=language), neutralise)


def values_xlsx(phase: Phase, *, viewer, language: str) -> bytes:
    return spreadsheets.to_xlsx(phase_document(phase, viewer=viewer, language=language))


# --- IATI -------------------------------------------------------------------------------


def reporting_org() -> iati.ReportingOrg:
    """The publisher: ``KENESH_IATI_REPORTING_ORG`` in settings, else the platform setting
    ``monitoring.iati_reporting_org`` (``{"ref", "type", "name"}``), else a placeholder."""
    from kenesh.core.models import PlatformSetting

    value = getattr(settings, "KENESH_IATI_REPORTING_ORG", None)
    if not value:
        stored = PlatformSetting.objects.filter(key=IATI_SETTING).first()
        value = stored.value if stored is not None else None
    if not isinstance(value, dict) or not value.get("ref"):
        value = DEFAULT_REPORTING_ORG
    name = value.get("name") or DEFAULT_REPORTING_ORG["name"]
    return iati.ReportingOrg(
        str(value["ref"]),
        str(value.get("type") or DEFAULT_REPORTING_ORG["type"]),
        name if isinstance(name, dict) else {"en": str(name)},
    )


def _dimensions_of(shown: Shown | None) -> list[iati.Value]:
    if shown is None:
        return []
    return [
        iati.Value(c.value, (iati.Dimension(b.dimension, str(c.key)),), hidden=bool(c.hidden))
        for b in shown.breakdowns
        for c in b.cells
        if not c.hidden and c.value is not None
    ]


def _activity_status(phase: Phase, today: datetime.date) -> str:
    if today < phase.starts_on:
        return iati.ActivityStatus.PIPELINE
    if today > phase.ends_on:
        return iati.ActivityStatus.FINALISATION
    return iati.ActivityStatus.IMPLEMENTATION


def phase_activity(phase: Phase, *, viewer, language: str | None = None) -> iati.Activity:
    """The phase as an IATI activity: one result per node of its framework (goal impact,
    outcomes, outputs), each indicator with its baseline and, per period, its target and
    the actual the viewer may see (shared disaggregations only, small cells left out)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    lang = language.split("-")[0]
    org = reporting_org()
    periods = _phase_periods(phase, viewer)
    by_indicator: dict[int, list[tuple[Period, Line]]] = {}
    for period, _report, lines in periods:
        for line in lines:
            by_indicator.setdefault(line.indicator_id, []).append((period, line))
    results = []
    nodes = phase.results.prefetch_related("indicators").order_by("order", "ref", "id")
    for node in nodes:
        indicator_list = [
            _iati_indicator(indicator, by_indicator.get(indicator.pk, []), phase, lang)
            for indicator in sorted(node.indicators.all(), key=lambda i: (i.order, i.ref, i.pk))
        ]
        results.append(
            iati.Result(
                RESULT_TYPE.get(node.level, iati.ResultType.OUTPUT),
                {lang: f"{node.ref} {node.title}"},
                indicator_list,
            )
        )
    identifier = phase.iati_identifier or str(phase.code)
    if not identifier.startswith(org.ref + "-"):
        identifier = f"{org.ref}-{identifier}"
    today = timezone.localdate()
    return iati.Activity(
        identifier=identifier,
        reporting_org=org,
        title={lang: phase.name},
        description={lang: phase.description or phase.name},
        participating_orgs=(
            iati.ParticipatingOrg(iati.OrgRole.FUNDING, {lang: phase.donor}),
            iati.ParticipatingOrg(iati.OrgRole.IMPLEMENTING, org.name, org.type, org.ref),
        ),
        status=_activity_status(phase, today),
        planned_start=phase.starts_on,
        actual_start=phase.starts_on if phase.starts_on <= today else None,
        planned_end=phase.ends_on,
        actual_end=phase.ends_on if phase.ends_on < today else None,
        recipient_countries=[iati.RecipientCountry(c) for c in iati.PROGRAMME_COUNTRIES],
        recipient_regions=[iati.RecipientRegion(iati.CENTRAL_ASIA)],
        sectors=[iati.Sector(iati.PEACEBUILDING)],
        results=results,
        language=lang,
        currency=phase.currency,
        last_updated=timezone.now(),
    )


def _iati_indicator(
    indicator: Indicator, lines: list[tuple[Period, Line]], phase: Phase, lang: str
) -> iati.Indicator:
    """One indicator as IATI has it: its baseline and, for each period with either, its
    target and the actual the viewer may see (a qualitative one has neither)."""
    qualitative = indicator.measure == IndicatorMeasure.QUALITATIVE
    baselines = []
    if indicator.baseline_value is not None and not qualitative:
        day = indicator.baseline_on or phase.starts_on
        baselines.append(
            iati.Baseline(day.year, indicator.baseline_value, iso_date=indicator.baseline_on)
        )
    iati_periods = []
    for period, line in lines:
        targets, actuals = [], []
        if line.target is not None and not qualitative:
            targets.append(iati.Value(line.target))
        shown = line.shown
        if shown is not None and not qualitative:
            if shown.total is not None and not shown.total_hidden:
                actuals.append(iati.Value(shown.total))
            actuals.extend(_dimensions_of(shown))
        if targets or actuals:
            iati_periods.append(iati.Period(period.starts_on, period.ends_on, targets, actuals))
    return iati.Indicator(
        {lang: f"{indicator.ref} {indicator.name}"},
        measure=IATI_MEASURE.get(indicator.measure, iati.Measure.UNIT),
        description={lang: indicator.definition} if indicator.definition else {},
        baselines=baselines,
        periods=iati_periods,
    )


def phase_iati(phase: Phase, *, viewer, language: str | None = None) -> bytes:
    return iati.to_xml([phase_activity(phase, viewer=viewer, language=language)], timezone.now())
