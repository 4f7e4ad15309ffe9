"""Monitoring's read pages: the dashboard, a phase's theory of change and results
framework, an indicator's reference sheet, and reports. Staff see everything; donors
(observers) see what the submitted reports marked for them show; members nothing."""

import uuid

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kenesh.access.decorators import requires
from kenesh.monitoring import indicators, pages
from kenesh.monitoring.models import Phase, Report
from kenesh.monitoring.rules import get_indicator_for, get_phase_for, get_report_for


def _code(value: str | None):
    """A code from the query string, or None when it is not a code at all."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@requires("monitoring.view_report")
@require_safe
def dashboard(request):
    user = request.user
    asked_phase = request.GET.get("phase")
    if asked_phase:
        code = _code(asked_phase)
        if code is None:
            raise Http404(_("There is no such phase."))
        phase = get_phase_for(user, code)
    else:
        phase = pages.current_phase(user)
    if phase is None:
        return render(request, "monitoring/dashboard.html", {"phase": None})
    problem = ""
    selected = None
    asked_period = request.GET.get("period")
    if asked_period:
        code = _code(asked_period)
        selected = next((p for p in pages.periods_for(user, phase) if p.code == code), None)
        if selected is None:
            problem = _(
                "That reporting period is not one of this phase's (or not open to you): "
                "choose one below."
            )
    board = pages.board(user, phase, selected)
    pages.with_charts(board.groups)
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "phase": phase,
            "board": board,
            "phases": Phase.objects.visible_to(user).order_by("-starts_on", "name"),
            "problem": problem,
            "can_manage": user.has_perm("monitoring.manage"),
        },
        status=400 if problem else 200,
    )


@requires("monitoring.view_report")
@require_safe
def phase_detail(request, code):
    user = request.user
    phase = get_phase_for(user, code)
    return render(
        request,
        "monitoring/phase_detail.html",
        {
            "phase": phase,
            "statements": pages.theory_of_change(user, phase),
            "tree": pages.framework(user, phase),
            "can_manage": user.has_perm("monitoring.manage"),
        },
    )


@requires("monitoring.view_report")
@require_safe
def indicator_detail(request, code):
    user = request.user
    indicator = get_indicator_for(user, code)
    phase = indicator.node.phase
    board = pages.board(user, phase, only=indicator)
    line = next((line for group in board.groups for line in group.lines), None)
    if line is not None:
        line.svg = pages.draw(line, "c1-")
    registered = None
    if indicator.is_computed:
        try:
            registered = indicators.get_indicator(indicator.query_key)
        except indicators.UnknownIndicator:
            registered = None
    return render(
        request,
        "monitoring/indicator_detail.html",
        {
            "indicator": indicator,
            "phase": phase,
            "line": line,
            "board": board,
            "registered": registered,
            "disaggregations": pages.disaggregation_labels(indicator),
            "can_manage": user.has_perm("monitoring.manage"),
        },
    )


@requires("monitoring.view_report")
@require_safe
def report_list(request):
    user = request.user
    reports = Report.objects.visible_to(user).select_related("phase", "period")
    return render(
        request,
        "monitoring/report_list.html",
        {"reports": reports, "can_manage": user.has_perm("monitoring.manage")},
    )


@requires("monitoring.view_report")
@require_safe
def report_detail(request, code):
    user = request.user
    report = get_report_for(user, code)
    context = pages.report_page(user, report)
    context.update({"report": report, "can_manage": user.has_perm("monitoring.manage")})
    return render(request, "monitoring/report_detail.html", context)
