"""Staff pages that write monitoring records: access function -> form -> service ->
redirect to the read page with a message. Every write goes through ``services``."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kenesh.access.decorators import requires
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.monitoring import services
from kenesh.monitoring.forms import (
    ApproveForm,
    AssumptionForm,
    EnteredValueForm,
    EvidenceForm,
    IndicatorForm,
    NodeForm,
    PeriodForm,
    PhaseForm,
    ReportForm,
    StatementForm,
    TargetGridForm,
    plain_number,
    query_dimensions,
)
from kenesh.monitoring.models import (
    AssumptionEvidence,
    ChangeStatement,
    Period,
    Report,
    ResultNode,
)
from kenesh.monitoring.rules import (
    get_assumption_for,
    get_entered_value_for,
    get_indicator_for,
    get_node_for,
    get_period_for,
    get_phase_for,
    get_report_for,
    get_statement_for,
)

MANAGE = "monitoring.manage"


# Edit forms work on a copy: the model form sets what it read on its instance, and the
# service must still see the record as it is (an entered indicator stays entered).


def _posted(request, what="POST"):
    # An empty POST still binds the form, so it says what is missing.
    return getattr(request, what) if request.method == "POST" else None


def _fields(form, names):
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _page(request, template, context, form):
    return render(
        request, f"monitoring/{template}", {"form": form, **context}, status=refusal_status(form)
    )


def _saved(request, message, to, code):
    messages.success(request, message)
    return redirect(f"monitoring:{to}", code=code)


# --- phases and the theory of change --------------------------------------------------


@requires(MANAGE)
def phase_create(request):
    form = PhaseForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            phase = services.create_phase(by=request.user, **_fields(form, services.PHASE_FIELDS))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The phase was created."), "phase", phase.code)
    return _page(request, "phase_form.html", {"phase": None}, form)


@requires(MANAGE)
def phase_edit(request, code):
    phase = get_phase_for(request.user, code, to="edit")
    form = PhaseForm(_posted(request), user=request.user, instance=copy(phase))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_phase(
                phase=phase, by=request.user, **_fields(form, services.PHASE_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The phase was saved."), "phase", phase.code)
    return _page(request, "phase_form.html", {"phase": phase}, form)


@requires(MANAGE)
def statement_create(request, code):
    phase = get_phase_for(request.user, code, to="edit")
    form = StatementForm(_posted(request), user=request.user, instance=ChangeStatement(phase=phase))
    if request.method == "POST" and form.is_valid():
        try:
            services.create_change_statement(
                phase=phase, by=request.user, **_fields(form, services.STATEMENT_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The change statement was added."), "phase", phase.code)
    return _page(request, "statement_form.html", {"phase": phase, "statement": None}, form)


@requires(MANAGE)
def statement_edit(request, code):
    statement = get_statement_for(request.user, code, to="edit")
    phase = statement.phase
    form = StatementForm(_posted(request), user=request.user, instance=copy(statement))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_change_statement(
                statement=statement, by=request.user, **_fields(form, services.STATEMENT_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The change statement was saved."), "phase", phase.code)
    return _page(request, "statement_form.html", {"phase": phase, "statement": statement}, form)


@requires(MANAGE)
def assumption_create(request, code):
    statement = get_statement_for(request.user, code, to="edit")
    phase = statement.phase
    form = AssumptionForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_assumption(
                statement=statement, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The assumption was added."), "phase", phase.code)
    return _page(request, "assumption_form.html", {"phase": phase, "statement": statement}, form)


@requires(MANAGE)
def evidence_create(request, code):
    assumption = get_assumption_for(request.user, code, to="edit")
    phase = assumption.statement.phase
    form = EvidenceForm(
        _posted(request),
        user=request.user,
        instance=AssumptionEvidence(assumption=assumption),
    )
    if request.method == "POST" and form.is_valid():
        names = ("stance", "note", "outcome", "assessment", "testimonial", "link")
        try:
            services.add_assumption_evidence(
                assumption=assumption, by=request.user, **_fields(form, names)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The evidence was recorded."), "phase", phase.code)
    return _page(request, "evidence_form.html", {"phase": phase, "assumption": assumption}, form)


# --- results framework -------------------------------------------------------------------


@requires(MANAGE)
def node_create(request, code):
    phase = get_phase_for(request.user, code, to="edit")
    form = NodeForm(
        _posted(request), user=request.user, phase=phase, instance=ResultNode(phase=phase)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_result_node(
                phase=phase, by=request.user, **_fields(form, ("level", *services.NODE_FIELDS))
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The result was added."), "phase", phase.code)
    return _page(request, "node_form.html", {"phase": phase, "node": None}, form)


@requires(MANAGE)
def node_edit(request, code):
    node = get_node_for(request.user, code, to="edit")
    phase = node.phase
    form = NodeForm(_posted(request), user=request.user, phase=phase, instance=copy(node))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_result_node(
                node=node, by=request.user, **_fields(form, services.NODE_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The result was saved."), "phase", phase.code)
    return _page(request, "node_form.html", {"phase": phase, "node": node}, form)


def _chosen_query(request):
    # The page asks again with ?query_key= when the query changes, to offer its dimensions.
    return request.GET.get("query_key") or None


@requires(MANAGE)
def indicator_create(request, code):
    phase = get_phase_for(request.user, code, to="edit")
    form = IndicatorForm(
        _posted(request),
        user=request.user,
        phase=phase,
        query=_chosen_query(request),
        refresh_url=request.path,
    )
    node_code = request.GET.get("node")
    if not form.is_bound and node_code:
        node = next((n for n in form.fields["node"].queryset if str(n.code) == node_code), None)
        form.initial["node"] = node
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.create_indicator(
                node=form.cleaned_data["node"],
                by=request.user,
                **_fields(form, services.INDICATOR_FIELDS),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The indicator was added."), "indicator", indicator.code)
    context = {"phase": phase, "indicator": None, "queries": query_dimensions()}
    return _page(request, "indicator_form.html", context, form)


@requires(MANAGE)
def indicator_edit(request, code):
    indicator = get_indicator_for(request.user, code, to="edit")
    phase = indicator.node.phase
    form = IndicatorForm(
        _posted(request),
        user=request.user,
        phase=phase,
        instance=copy(indicator),
        query=_chosen_query(request),
        refresh_url=request.path,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_indicator(
                indicator=indicator, by=request.user, **_fields(form, services.INDICATOR_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The indicator was saved."), "indicator", indicator.code)
    return _page(request, "indicator_form.html", {"phase": phase, "indicator": indicator}, form)


# --- periods and targets -------------------------------------------------------------------


@requires(MANAGE)
def period_create(request, code):
    phase = get_phase_for(request.user, code, to="edit")
    form = PeriodForm(_posted(request), user=request.user, instance=Period(phase=phase))
    if request.method == "POST" and form.is_valid():
        try:
            services.create_period(
                phase=phase, by=request.user, **_fields(form, services.PERIOD_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The period was added."), "phase", phase.code)
    return _page(request, "period_form.html", {"phase": phase, "period": None}, form)


@requires(MANAGE)
def period_edit(request, code):
    period = get_period_for(request.user, code, to="edit")
    phase = period.phase
    form = PeriodForm(_posted(request), user=request.user, instance=copy(period))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_period(
                period=period, by=request.user, **_fields(form, services.PERIOD_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The period was saved."), "phase", phase.code)
    return _page(request, "period_form.html", {"phase": phase, "period": period}, form)


@requires(MANAGE)
def targets(request, code):
    indicator = get_indicator_for(request.user, code, to="edit")
    phase = indicator.node.phase
    form = TargetGridForm(
        _posted(request),
        user=request.user,
        periods=phase.periods.order_by("starts_on", "kind"),
        targets={t.period_id: t for t in indicator.targets.all()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            # All targets or none: one refusal undoes the others.
            with transaction.atomic():
                for period, target, value in form.changes():
                    if target is None:
                        services.create_target(
                            indicator=indicator, period=period, value=value, by=request.user
                        )
                    else:
                        services.update_target(target=target, value=value, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The targets were saved."), "indicator", indicator.code)
    return _page(request, "target_grid.html", {"phase": phase, "indicator": indicator}, form)


# --- values entered by hand -----------------------------------------------------------------


@requires(MANAGE)
def value_enter(request, code):
    indicator = get_indicator_for(request.user, code, to="edit")
    phase = indicator.node.phase
    form = EnteredValueForm(
        _posted(request), _posted(request, "FILES"), user=request.user, indicator=indicator
    )
    # A computed indicator's page says its values are not typed in, and takes nothing.
    if not indicator.is_computed and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enter_value(
                indicator=indicator,
                period=data["period"],
                value=data["value"],
                breakdowns=data["breakdowns"],
                evidence_link=data.get("evidence_link") or "",
                evidence_file=data.get("evidence_file") or None,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(
                request,
                _("The value was entered; it counts once another staff member approves it."),
                "indicator",
                indicator.code,
            )
    return _page(request, "value_form.html", {"phase": phase, "indicator": indicator}, form)


@requires(MANAGE)
def value_approve(request, code):
    entry = get_entered_value_for(request.user, code, to="edit")
    indicator = entry.indicator
    form = ApproveForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_entered_value(entry=entry, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(
                request, _("The value was approved; it counts now."), "indicator", indicator.code
            )
    context = {
        "entry": entry,
        "indicator": indicator,
        "phase": indicator.node.phase,
        "own": entry.entered_by_id == request.user.pk,
        "value": plain_number(entry.value),
    }
    return _page(request, "value_approve.html", context, form)


# --- reports -----------------------------------------------------------------------------------


@requires(MANAGE)
def report_create(request, code):
    phase = get_phase_for(request.user, code, to="edit")
    form = ReportForm(
        _posted(request),
        user=request.user,
        phase=phase,
        instance=Report(phase=phase, created_by=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.create_report(
                phase=phase,
                period=form.cleaned_data["period"],
                by=request.user,
                **_fields(form, services.REPORT_FIELDS),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The draft report was created."), "report", report.code)
    return _page(request, "report_form.html", {"phase": phase, "report": None}, form)


@requires(MANAGE)
def report_edit(request, code):
    report = get_report_for(request.user, code, to="edit")
    form = ReportForm(
        _posted(request), user=request.user, phase=report.phase, instance=copy(report)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_report(
                report=report, by=request.user, **_fields(form, services.REPORT_FIELDS)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, _("The report was saved."), "report", report.code)
    return _page(request, "report_form.html", {"phase": report.phase, "report": report}, form)


@requires(MANAGE)
def report_submit(request, code):
    report = get_report_for(request.user, code, to="edit")
    form = ApproveForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_report(report=report, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(
                request,
                _("The report was submitted; its values are frozen as they read now."),
                "report",
                report.code,
            )
    return _page(request, "report_submit.html", {"report": report, "phase": report.phase}, form)
