"""Reads shaped for monitoring's read pages: the dashboard, an indicator's sheet and a
report page. Each returns plain data with small cells already hidden for the viewer.

Who sees what (issue 11, item 4):
- Staff see every phase, indicator and period with today's values, exactly.
- Donors (observers) see the dashboard only through the submitted reports marked for
  them: the periods those reports cover, the values they froze, the disaggregations staff
  chose to share, and never a cell of 1 to 4 people (``rules.shown_for``).
- Members see nothing of monitoring (the permissions refuse them before any read).
"""

from dataclasses import dataclass, field, replace
from itertools import groupby

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kenesh.access.models import User
from kenesh.access.predicates import is_staff
from kenesh.core.numbers import number_formatter
from kenesh.core.typography import quoted
from kenesh.influence.models import Outcome, Recommendation
from kenesh.monitoring import charts, indicators, queries
from kenesh.monitoring.arithmetic import Shown, shown_to
from kenesh.monitoring.document import ChartPoint, ChartSeries
from kenesh.monitoring.models import (
    NARRATIVE,
    Indicator,
    Period,
    Phase,
    Report,
    ReportValue,
    Target,
)
from kenesh.monitoring.rules import audience_for, shown_for
from kenesh.people.display import shown_name

# --- charts -------------------------------------------------------------------------------


def inline_svg(document: bytes, prefix: str) -> str:
    """A chart from ``charts.svg`` ready to sit inside a page (``charts.inline``)."""
    # Drawn by matplotlib, every text in it escaped (charts.py); the permission matrix's
    # markup proof puts script into every indicator name and finds none raw here.
    return mark_safe(charts.inline(document, prefix))  # nosec B308 B703


def chart_labels() -> dict[str, str]:
    return {
        "target": _("Target"),
        "actual": _("Actual"),
        "chart": _("Targets and actuals"),
        "no_value": "-",
    }


# --- the grid of targets and values ------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One period of one indicator: its target and its value as the viewer may see it."""

    period: Period
    target: float | int | None
    shown: Shown | None  # None: no value for this period

    @property
    def actual(self):
        return None if self.shown is None else self.shown.total

    @property
    def hidden(self) -> bool:
        return self.shown is not None and self.shown.total_hidden is not None


@dataclass
class Line:
    """An indicator with its points over the periods, its chart and the breakdowns of
    the selected period."""

    indicator: Indicator
    ref: str
    name: str
    unit: str
    points: list[Point]
    selected: Shown | None = None
    baseline: object = None
    svg: str = ""

    @property
    def code(self):
        return self.indicator.code


@dataclass
class Group:
    node: object
    lines: list[Line] = field(default_factory=list)


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def draw(line: Line, prefix: str) -> str:
    """The line's chart, or "" when it has neither a target nor a value to draw (its
    table still says so)."""
    if all(p.target is None and p.actual is None for p in line.points):
        return ""
    series = ChartSeries(
        line.ref,
        line.name,
        line.unit,
        [ChartPoint(p.period.name, p.target, p.actual) for p in line.points],
    )
    return inline_svg(charts.svg(series, chart_labels(), number_formatter()), prefix)


def _live_values(phase, periods, indicator_list) -> dict[tuple[int, int], object]:
    """Today's value of every indicator in every period, by (indicator id, period id).
    Computed indicators that share a query and disaggregations are computed once per
    period, so the cost follows the registry, not the number of indicators."""
    representatives, members = [], {}
    for indicator in indicator_list:
        if indicator.is_computed:
            key = (indicator.query_key, tuple(indicator.disaggregations))
            if key not in members:
                members[key] = []
                representatives.append(indicator)
            members[key].append(indicator)
        else:
            representatives.append(indicator)
    values = {}
    for period in periods:
        found = queries.values_for(phase, period, representatives)
        for indicator in representatives:
            measure = found[indicator.pk]
            if indicator.is_computed:
                key = (indicator.query_key, tuple(indicator.disaggregations))
                for member in members[key]:
                    values[member.pk, period.pk] = measure
            else:
                values[indicator.pk, period.pk] = measure
    return values


def _targets(indicator_list) -> dict[tuple[int, int], object]:
    return {
        (t.indicator_id, t.period_id): _number(t.value)
        for t in Target.objects.filter(indicator__in=[i.pk for i in indicator_list])
    }


def _dimension_labels(indicator) -> dict:
    """The registry's (lazy, translatable) label of each dimension of a computed
    indicator: a submitted value froze its labels in the platform's language."""
    if not indicator.is_computed:
        return {}
    try:
        return {d.key: d.label for d in indicators.get_indicator(indicator.query_key).dimensions}
    except indicators.UnknownIndicator:
        return {}


def disaggregation_labels(indicator) -> list[str]:
    """The indicator's disaggregations by their labels in the reader's language (a key no
    registered query knows, typed for an indicator entered by hand, as it was typed)."""
    labels = {**indicators.dimension_labels(), **_dimension_labels(indicator)}
    return [str(labels.get(key, key)) for key in indicator.disaggregations]


def frozen_shown(user, report, row) -> Shown:
    """A submitted value as ``user`` may see it, its dimensions named in their language."""
    shown = shown_for(user, report, queries.measure_of(row))
    labels = _dimension_labels(row.indicator)
    return replace(
        shown,
        breakdowns=tuple(
            replace(b, label=labels.get(b.dimension, b.label)) for b in shown.breakdowns
        ),
    )


def _grouped(lines: list[Line]) -> list[Group]:
    return [
        Group(node, list(items)) for node, items in groupby(lines, key=lambda x: x.indicator.node)
    ]


def current_phase(user, today=None):
    """The phase whose dates include today, else the latest one ``user`` may see."""
    today = today or timezone.localdate()
    phases = Phase.objects.visible_to(user)
    running = phases.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on")
    return running.first() or phases.order_by("-starts_on", "name").first()


def donor_reports(user, phase):
    """The latest submitted report ``user`` may read for each period of ``phase``."""
    reports = (
        Report.objects.visible_to(user)
        .filter(phase=phase, status="submitted")
        .select_related("period")
        .order_by("period__starts_on", "period__ends_on", "-submitted_at", "-pk")
    )
    latest = {}
    for report in reports:
        latest.setdefault(report.period_id, report)
    return list(latest.values())


def periods_for(user, phase) -> list[Period]:
    """The periods of ``phase`` the dashboard shows ``user``: every one to staff, those
    of the reports shared with them to donors."""
    if is_staff(user):
        return list(Period.objects.filter(phase=phase).order_by("starts_on", "ends_on"))
    return [report.period for report in donor_reports(user, phase)]


@dataclass
class Board:
    phase: Phase
    periods: list[Period]
    groups: list[Group]
    selected: Period | None
    live: bool
    reports: list[Report] = field(default_factory=list)


def board(user, phase, selected: Period | None = None, *, only=None) -> Board:
    """Every indicator of ``phase`` (or only ``only``) against its targets over the
    phase's periods, as ``user`` may see them."""
    if is_staff(user):
        periods = list(Period.objects.filter(phase=phase).order_by("starts_on", "ends_on"))
        indicator_list = list(queries.indicators_of(phase))
        if only is not None:
            indicator_list = [i for i in indicator_list if i.pk == only.pk]
        values = _live_values(phase, periods, indicator_list)
        targets = _targets(indicator_list)
        audience = audience_for(user)
        lines = []
        for indicator in indicator_list:
            points = []
            for period in periods:
                measure = values.get((indicator.pk, period.pk))
                shown = None if measure is None else shown_to(measure, audience)
                points.append(Point(period, targets.get((indicator.pk, period.pk)), shown))
            line = Line(
                indicator, indicator.ref, indicator.name, indicator.unit, points,
                baseline=_number(indicator.baseline_value),
            )  # fmt: skip
            if selected is not None:
                line.selected = next(p.shown for p in points if p.period.pk == selected.pk)
            lines.append(line)
        return Board(phase, periods, _grouped(lines), selected, live=True)
    # Donors: only what submitted reports marked for them froze.
    reports = donor_reports(user, phase)
    periods = [r.period for r in reports]
    rows = ReportValue.objects.filter(report__in=[r.pk for r in reports]).select_related(
        "indicator__node"
    )
    if only is not None:
        rows = rows.filter(indicator=only)
    by_report = {r.pk: r for r in reports}
    cells, sheets = {}, {}
    for row in rows.order_by(
        "indicator__node__order", "indicator__node__ref", "indicator__order", "indicator__ref"
    ):
        report = by_report[row.report_id]
        cells[row.indicator_id, report.period_id] = (
            _number(row.target),
            frozen_shown(user, report, row),
        )
        sheets.setdefault(row.indicator_id, (row.indicator, row))
    lines = []
    for indicator, row in sheets.values():
        points = [
            Point(period, *cells.get((indicator.pk, period.pk), (None, None))) for period in periods
        ]
        line = Line(
            indicator, row.indicator_ref, row.indicator_name, row.unit, points,
            baseline=_number(row.baseline),
        )  # fmt: skip
        if selected is not None:
            line.selected = next((p.shown for p in points if p.period.pk == selected.pk), None)
        lines.append(line)
    return Board(phase, periods, _grouped(lines), selected, live=False, reports=reports)


def with_charts(groups: list[Group]) -> None:
    number = 0
    for group in groups:
        for line in group.lines:
            number += 1
            line.svg = draw(line, f"c{number}-")


# --- the theory of change ------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    stance: str
    stance_label: str
    text: str
    note: str
    url: str  # "" when the viewer may not open the record's page


def _outcome_pages(user, outcome_ids) -> dict[int, str]:
    """A page for each outcome the viewer may see: the trail of a recommendation it took
    up (influence has no page per outcome)."""
    from django.urls import reverse

    visible = set(
        Outcome.objects.visible_to(user).filter(pk__in=outcome_ids).values_list("pk", flat=True)
    )
    links = Outcome.recommendations.through.objects.filter(
        outcome_id__in=visible,
        recommendation__in=Recommendation.objects.visible_to(user).values("pk"),
    ).values_list("outcome_id", "recommendation__code")
    pages = {}
    for outcome_id, code in links:
        pages.setdefault(outcome_id, reverse("influence:recommendation", kwargs={"code": code}))
    return pages


def theory_of_change(user, phase):
    """The phase's statements, each with its assumptions and their evidence, linked to
    the records' pages only where ``user`` may open them."""
    from django.urls import reverse

    statements = list(
        phase.statements.order_by("order", "id").prefetch_related(
            "assumptions__evidence__outcome",
            "assumptions__evidence__assessment__mentorship__mentee",
            "assumptions__evidence__testimonial__person",
        )
    )
    outcome_ids = [
        e.outcome_id
        for s in statements
        for a in s.assumptions.all()
        for e in a.evidence.all()
        if e.outcome_id
    ]
    outcome_pages = _outcome_pages(user, outcome_ids)
    staff = is_staff(user)
    shaped = []
    for statement in statements:
        assumptions = []
        for assumption in statement.assumptions.all():
            items = []
            for evidence in assumption.evidence.all():
                text, url = _evidence(evidence, user, staff, outcome_pages, reverse)
                items.append(
                    EvidenceItem(
                        evidence.stance, evidence.get_stance_display(), text, evidence.note, url
                    )
                )
            assumptions.append((assumption, items))
        shaped.append((statement, assumptions))
    return shaped


def _evidence(evidence, user, staff, outcome_pages, reverse) -> tuple[str, str]:
    source = evidence.source
    if source == "outcome":
        outcome = evidence.outcome
        url = outcome_pages.get(outcome.pk, "")
        if not url and not staff:
            return _("An outcome (not open to you)"), ""
        return _("Outcome: %(change)s") % {"change": outcome.change[:160]}, url
    if source == "assessment":
        assessment = evidence.assessment
        if not staff:
            return _("An assessment of a mentored young expert"), ""
        mentorship = assessment.mentorship
        return (
            _("Assessment of %(person)s (%(stage)s)")
            % {
                "person": shown_name(mentorship.mentee, user),
                "stage": assessment.get_stage_display(),
            },
            reverse("mentoring:mentorship", kwargs={"code": mentorship.code}),
        )
    if source == "testimonial":
        testimonial = evidence.testimonial
        text = f"{quoted(testimonial.quote[:200])} — {queries.attribution(testimonial, user)}"
        url = reverse("mentoring:home") if user.has_perm("mentoring.manage") else ""
        return text, url
    return evidence.link, evidence.link


def framework(user, phase):
    """The results framework as a tree of {node, indicators, children}, goal first, with
    the indicators ``user`` may know of; two queries."""
    nodes = list(phase.results.order_by("order", "ref", "id"))
    indicators = {}
    shown = Indicator.objects.visible_to(user).filter(node__phase=phase)
    for indicator in shown.order_by("order", "ref", "id"):
        indicators.setdefault(indicator.node_id, []).append(indicator)
    children = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def branch(node):
        return {
            "node": node,
            "indicators": indicators.get(node.pk, []),
            "children": [branch(child) for child in children.get(node.pk, [])],
        }

    return [branch(node) for node in children.get(None, [])]


# --- a report's page --------------------------------------------------------------------------


def stories(user, period):
    """The period's stories of change, with their consented attribution (the rule of
    ``queries.stories_of``, shared with the files)."""
    return [(t.quote, queries.attribution(t, user)) for t in queries.stories_of(period)]


def outcomes(user, period):
    """Outcomes ``user`` may see that happened within the period, with their evidence."""
    found = list(
        Outcome.objects.visible_to(user)
        .filter(when__gte=period.starts_on, when__lte=period.ends_on)
        .order_by("when", "pk")
    )
    pages = _outcome_pages(user, [o.pk for o in found]) if found else {}
    return [(o, pages.get(o.pk, "")) for o in found]


@dataclass(frozen=True)
class Drift:
    ref: str
    name: str
    submitted: object
    today: object
    today_hidden: bool


def report_page(user, report: Report) -> dict:
    """Everything a report's page shows, as ``user`` may see it."""
    period = report.period
    lines = _submitted_lines(user, report) if report.is_submitted else _draft_lines(user, report)
    for line in lines:
        line.selected = line.points[0].shown
    _earlier(user, report, lines)
    drifts = _drifts(user, report) if report.is_submitted else []
    groups = _grouped(lines)
    with_charts(groups)
    return {
        "sections": [
            (report._meta.get_field(name).verbose_name, report.section_html(name))
            for name in NARRATIVE
        ],
        "groups": groups,
        "stories": stories(user, period),
        "outcomes": outcomes(user, period),
        "drifts": drifts,
    }


def _submitted_lines(user: User, report: Report) -> list[Line]:
    """A submitted report's indicators with the values frozen at submission, as
    ``user`` may see them."""
    period = report.period
    rows = list(queries.report_values(report))
    return [
        Line(
            row.indicator,
            row.indicator_ref,
            row.indicator_name,
            row.unit,
            [
                Point(
                    period,
                    _number(row.target),
                    frozen_shown(user, report, row),
                )
            ],
            baseline=_number(row.baseline),
        )
        for row in rows
    ]


def _draft_lines(user: User, report: Report) -> list[Line]:
    """A draft report's indicators with their values computed from the records now, as
    ``user`` may see them."""
    period = report.period
    indicator_list = list(queries.indicators_of(report.phase))
    values = _live_values(report.phase, [period], indicator_list)
    targets = _targets(indicator_list)
    lines = []
    for indicator in indicator_list:
        measure = values.get((indicator.pk, period.pk))
        shown = None if measure is None else shown_for(user, report, measure)
        lines.append(
            Line(
                indicator,
                indicator.ref,
                indicator.name,
                indicator.unit,
                [Point(period, targets.get((indicator.pk, period.pk)), shown)],
                baseline=_number(indicator.baseline_value),
            )
        )
    return lines


def _drifts(user: User, report: Report) -> list[Drift]:
    """The submitted report's figures that the records now put otherwise: each with its
    value then and now, as ``user`` may see them."""
    drifts = []
    for difference in queries.differences(report):
        today = None if difference.today is None else shown_for(user, report, difference.today)
        drifts.append(
            Drift(
                difference.submitted.indicator_ref,
                difference.submitted.indicator_name,
                shown_for(user, report, queries.measure_of(difference.submitted)).total,
                None if today is None else today.total,
                today is not None and today.total_hidden is not None,
            )
        )
    return drifts


def _earlier(user, report, lines) -> None:
    """Put before each line's own period the values that earlier submitted reports (that
    ``user`` may read) froze, so the chart shows the way to this period."""
    earlier = [
        r
        for r in donor_reports(user, report.phase)
        if r.period.ends_on < report.period.starts_on and r.pk != report.pk
    ]
    if not earlier:
        return
    rows = ReportValue.objects.filter(report__in=[r.pk for r in earlier]).select_related(
        "indicator"
    )
    by_report = {r.pk: r for r in earlier}
    cells = {}
    for row in rows:
        other = by_report[row.report_id]
        cells[row.indicator_id, other.period_id] = Point(
            other.period, _number(row.target), frozen_shown(user, other, row)
        )
    for line in lines:
        before = [
            cells[line.indicator.pk, r.period_id]
            for r in earlier
            if (line.indicator.pk, r.period_id) in cells
        ]
        line.points = before + line.points
