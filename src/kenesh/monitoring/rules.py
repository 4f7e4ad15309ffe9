"""Who may see or change what in monitoring.

Staff (and administrators) manage everything. Observers (donors) read the submitted
reports marked for the donor, with the disaggregations staff chose to share and never a
cell under five people. Members (mentors, experts, young experts) see nothing of
monitoring here: the aggregates staff publish for them are another page's.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kenesh.access.predicates import is_observer, is_staff
from kenesh.monitoring.arithmetic import Audience, Measure, Shown, shown_to
from kenesh.monitoring.models import (
    Assumption,
    ChangeStatement,
    EnteredValue,
    Indicator,
    Period,
    Phase,
    Report,
    ReportValue,
    ResultNode,
)

rules.add_perm("monitoring.manage", is_staff)
rules.add_perm("monitoring.view_monitoring", is_staff)
rules.add_perm("monitoring.view_report", is_staff | is_observer)
for model in (
    "phase",
    "changestatement",
    "assumption",
    "assumptionevidence",
    "resultnode",
    "indicator",
    "period",
    "target",
    "enteredvalue",
):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"monitoring.{action}_{model}", is_staff)
for action in ("add", "change", "delete"):
    rules.add_perm(f"monitoring.{action}_report", is_staff)


def can_edit_monitoring(user) -> bool:
    return is_staff(user)


def _checked(user, thing, to: str):
    if to not in {"view", "edit"}:
        raise ValueError(to)
    if to == "edit" and not can_edit_monitoring(user):
        raise PermissionDenied
    return thing


def get_phase_for(user, code, *, to="view") -> Phase:
    """A phase ``user`` may know of (404 otherwise); editing it is staff's (403)."""
    return _checked(user, get_object_or_404(Phase.objects.visible_to(user), code=code), to)


def get_report_for(user, code, *, to="view") -> Report:
    """A report ``user`` may know of (404 otherwise); editing it is staff's (403). A
    submitted report is refused by the service with its own message."""
    report = get_object_or_404(
        Report.objects.visible_to(user).select_related("phase", "period"), code=code
    )
    return _checked(user, report, to)


def get_indicator_for(user, code, *, to="view") -> Indicator:
    """An indicator ``user`` may know of (404 otherwise); editing it is staff's (403)."""
    indicator = get_object_or_404(
        Indicator.objects.visible_to(user).select_related("node__phase"), code=code
    )
    return _checked(user, indicator, to)


def audience_for(user) -> Audience:
    """The small-cell audience ``user`` reads a report as."""
    if is_staff(user):
        return Audience.STAFF
    if is_observer(user):
        return Audience.DONOR
    return Audience.PUBLIC


def shown_for(user, report: Report, measure: Measure) -> Shown:
    """A report's value as ``user`` may see it. Staff see everything. A donor (an
    observer) sees only the disaggregations staff chose to share for that report, and,
    being an observer, never a cell under five people. Anyone else sees the public view."""
    audience = audience_for(user)
    if audience is Audience.STAFF:
        return shown_to(measure, Audience.STAFF)
    if audience is Audience.DONOR and report.for_donor and report.is_submitted:
        shared = set(report.shared_dimensions)
        kept = tuple(b for b in measure.breakdowns if b.dimension in shared)
        withheld = tuple(b.dimension for b in measure.breakdowns if b.dimension not in shared)
        shown = shown_to(Measure(measure.total, kept, measure.n, measure.people), Audience.OBSERVER)
        return Shown(shown.total, shown.total_hidden, shown.breakdowns, withheld)
    return shown_to(measure, Audience.PUBLIC)


def report_values_for(user, report: Report):
    """The frozen values of a report ``user`` may read (none for anyone else)."""
    if not Report.objects.visible_to(user).filter(pk=report.pk).exists():
        return ReportValue.objects.none()
    return ReportValue.objects.filter(report=report)


# --- the records staff edit under a phase: a record of a phase the user may not know of is
# a 404; changing it is staff's, 403 otherwise.


def _fetch(user, queryset, code, *, to: str):
    if to not in {"view", "edit"}:
        raise ValueError(to)
    thing = get_object_or_404(queryset, code=code)
    if to == "edit" and not can_edit_monitoring(user):
        raise PermissionDenied
    return thing


def _phases(user):
    return Phase.objects.visible_to(user).values("pk")


def get_statement_for(user, code, *, to="view") -> ChangeStatement:
    statements = ChangeStatement.objects.filter(phase__in=_phases(user)).select_related("phase")
    return _fetch(user, statements, code, to=to)


def get_assumption_for(user, code, *, to="view") -> Assumption:
    assumptions = Assumption.objects.filter(statement__phase__in=_phases(user)).select_related(
        "statement__phase"
    )
    return _fetch(user, assumptions, code, to=to)


def get_node_for(user, code, *, to="view") -> ResultNode:
    nodes = ResultNode.objects.filter(phase__in=_phases(user)).select_related("phase")
    return _fetch(user, nodes, code, to=to)


def get_period_for(user, code, *, to="view") -> Period:
    periods = Period.objects.filter(phase__in=_phases(user)).select_related("phase")
    return _fetch(user, periods, code, to=to)


def get_entered_value_for(user, code, *, to="view") -> EnteredValue:
    """A value typed in for an indicator ``user`` may know of. Values awaiting approval
    and their evidence are staff's: anyone else knows of none."""
    entries = EnteredValue.objects.filter(
        indicator__in=Indicator.objects.visible_to(user).values("pk")
    ).select_related("indicator__node__phase", "period", "entered_by", "approved_by")
    if not can_edit_monitoring(user):
        entries = entries.none()
    return _fetch(user, entries, code, to=to)
