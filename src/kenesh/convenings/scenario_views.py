"""The scenario editor: programme staff write a simulation's brief, teams with role
cards and injects while it is prepared, or start from a past scenario. From the
exercise's first move on (see ``scenario_services``) the pages show it read-only."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kenesh.access.decorators import requires
from kenesh.convenings import scenario_services as services
from kenesh.convenings.models import Convening, Inject, Kind, Scenario, Team
from kenesh.convenings.rules import get_convening_for
from kenesh.convenings.scenario_forms import (
    DuplicateForm,
    InjectFormSet,
    ScenarioForm,
    TeamFormSet,
)
from kenesh.core.forms import add_service_errors, refusal_status

LOCKED = 409


def _convening(request, code) -> Convening:
    """The simulation convening whose scenario staff edit; 404 for another kind."""
    convening = get_convening_for(request.user, code, to="manage")
    if convening.kind != Kind.SIMULATION:
        raise Http404
    return convening


def _scenario_of(convening) -> Scenario | None:
    try:
        return convening.scenario
    except Scenario.DoesNotExist:
        return None


def _editor(request, convening, scenario, *, form=None, duplicate_form=None, status=200):
    reason = services.lock_reason(convening, scenario)
    start = services.exercise_start(convening) if scenario else None
    if form is None:
        initial = {"title": scenario.title, "brief": scenario.brief} if scenario else None
        form = ScenarioForm(user=request.user, initial=initial)
    if duplicate_form is None and scenario is None:
        duplicate_form = DuplicateForm(user=request.user, convening=convening)
    return render(
        request,
        "convenings/scenario_edit.html",
        {
            "convening": convening,
            "scenario": scenario,
            "locked": reason,
            "form": form,
            "duplicate_form": duplicate_form if scenario is None else None,
            "teams": scenario.teams.all() if scenario else [],
            "injects": services.with_clock_times(scenario.injects.all() if scenario else [], start),
            "start": start,
        },
        status=status,
    )


@requires("convenings.manage")
def scenario_edit(request, code):
    """Write the scenario's title and brief (creating the scenario the first time)."""
    convening = _convening(request, code)
    scenario = _scenario_of(convening)
    if request.method != "POST":
        return _editor(request, convening, scenario)
    reason = services.lock_reason(convening, scenario)
    if reason:
        messages.error(request, reason)
        return _editor(request, convening, scenario, status=LOCKED)
    form = ScenarioForm(request.POST, user=request.user)
    if not form.is_valid():
        return _editor(request, convening, scenario, form=form, status=refusal_status(form))
    try:
        if scenario is None:
            scenario = services.create_scenario(
                convening=convening, by=request.user, **form.cleaned_data
            )
            messages.success(request, _("The scenario was created. Now add its teams."))
        else:
            services.update_scenario(scenario=scenario, by=request.user, **form.cleaned_data)
            messages.success(request, _("The scenario was saved."))
    except services.ScenarioLocked as locked:
        messages.error(request, locked.message)
        return _editor(request, convening, scenario, status=LOCKED)
    except ValidationError as error:
        add_service_errors(form, error)
        return _editor(request, convening, _scenario_of_fresh(convening), form=form, status=400)
    return redirect("convenings:scenario-edit", code=convening.code)


def _scenario_of_fresh(convening) -> Scenario | None:
    if hasattr(convening, "_state"):
        convening._state.fields_cache.pop("scenario", None)
    return _scenario_of(convening)


@require_POST
@requires("convenings.manage")
def scenario_duplicate(request, code):
    """Start the convening's scenario as a copy of a past one the user may see."""
    convening = _convening(request, code)
    scenario = _scenario_of(convening)
    form = DuplicateForm(request.POST, user=request.user, convening=convening)
    if scenario is not None:
        messages.error(
            request,
            _("This convening already has a scenario; nothing was changed. Edit that one."),
        )
        return _editor(request, convening, scenario, status=400)
    reason = services.lock_reason(convening, None)
    if reason:
        messages.error(request, reason)
        return _editor(request, convening, None, status=LOCKED)
    if not form.is_valid():
        status = 400 if refusal_status(form) == 400 or form.has_error("source") else 200
        return _editor(request, convening, None, duplicate_form=form, status=status)
    try:
        copy = services.duplicate_scenario(
            source=form.cleaned_data["source"], convening=convening, by=request.user
        )
    except services.ScenarioLocked as locked:
        messages.error(request, locked.message)
        return _editor(request, convening, None, status=LOCKED)
    except ValidationError as error:
        add_service_errors(form, error)
        return _editor(
            request, convening, _scenario_of_fresh(convening), duplicate_form=form, status=400
        )
    messages.success(
        request,
        _("The scenario was started from “%(title)s”: check its brief, teams and injects.")
        % {"title": copy.title},
    )
    return redirect("convenings:scenario-edit", code=convening.code)


def _rows_page(request, convening, scenario, *, kind):
    """The teams or injects of ``scenario`` as rows: add, change, reorder, remove."""
    start = services.exercise_start(convening) if kind == "injects" else None
    rows: QuerySet[Team] | QuerySet[Inject]
    if kind == "teams":
        formset_class = TeamFormSet
        rows, initial, extra_initial = _team_rows(scenario)
    else:
        formset_class = InjectFormSet
        rows, initial, extra_initial = _inject_rows(scenario, start)
    reason = services.lock_reason(convening, scenario)
    data = request.POST if request.method == "POST" else None
    formset = formset_class(
        data,
        user=request.user,
        rows=rows,
        initial=initial,
        prefix=kind,
        extra_initial=extra_initial,
    )
    context = {
        "convening": convening,
        "scenario": scenario,
        "locked": reason,
        "kind": kind,
        "rows": rows,
        "extra_initial": extra_initial,
        "start": start,
    }
    row = request.GET.get("row", "")
    if request.method == "GET" and request.htmx and not reason and re.fullmatch(r"[0-9]{1,4}", row):
        return _new_row(request, formset, context)
    status = 200
    if data is not None:
        if reason:
            messages.error(request, reason)
            return render(request, "convenings/scenario_rows.html",
                          {**context, "formset": None}, status=LOCKED)  # fmt: skip
        if "add_row" in data:
            # Without scripts, "Add a row" sends the form: show it again, one row longer,
            # saving nothing.
            formset = _one_row_more(formset_class, data, context, request.user, initial, kind)
            return render(request, "convenings/scenario_rows.html",
                          {**context, "formset": formset})  # fmt: skip
        if not formset.is_valid():
            # Refused rows (a forged code, a duplicate, a bad number): the page says why.
            status = 400
        else:
            answer = _save_valid_rows(request, scenario, formset, kind=kind, context=context)
            if isinstance(answer, HttpResponse):
                return answer
            status = answer
    return render(
        request,
        "convenings/scenario_rows.html",
        {**context, "formset": None if reason else formset},
        status=status,
    )


def _save_valid_rows(
    request: HttpRequest, scenario: Scenario, formset: BaseFormSet, *, kind: str, context: dict
) -> HttpResponse | int:
    """Save the valid rows: the redirect after success, the page without a form when the
    exercise started meanwhile, or 400 with the service's refusal on the formset."""
    try:
        _save_rows(scenario, formset, kind, request.user)
    except services.ScenarioLocked as locked:
        messages.error(request, locked.message)
        context["locked"] = locked.message
        return render(request, "convenings/scenario_rows.html",
                      {**context, "formset": None}, status=LOCKED)  # fmt: skip
    except ValidationError as error:
        formset._non_form_errors = formset.error_class(
            error.messages, error_class="nonform", renderer=formset.renderer
        )
        return 400
    messages.success(
        request,
        _("The teams were saved.") if kind == "teams" else _("The injects were saved."),
    )
    return redirect(
        "convenings:scenario-teams-edit" if kind == "teams"
        else "convenings:scenario-injects-edit",
        code=context["convening"].code,
    )  # fmt: skip


# The rows of the teams' or the injects' editor: the scenario's rows, each row's initial
# values, and the initial values of a row added.


def _team_rows(scenario: Scenario) -> tuple[QuerySet[Team], list[dict], dict]:
    """The scenario's teams as editor rows; a team added comes last."""
    rows = scenario.teams.all()
    initial = [
        {"code": t, "name": t.name, "role_card": t.role_card, "order": t.order} for t in rows
    ]
    next_order = max((t.order for t in rows), default=-1) + 1
    return rows, initial, {"order": next_order}


def _inject_rows(
    scenario: Scenario, start: datetime.datetime | None
) -> tuple[QuerySet[Inject], list[dict], dict]:
    """The scenario's injects as editor rows, with their clock times from ``start``; an
    inject added comes after the last, at its minute."""
    rows = scenario.injects.all()
    services.with_clock_times(rows, start)
    initial = [
        {"code": i, "order": i.order, "planned_minute": i.planned_minute,
         "title": i.title, "body": i.body}
        for i in rows
    ]  # fmt: skip
    last = max(rows, key=lambda i: i.order, default=None)
    return (
        rows,
        initial,
        {
            "order": (last.order + 1) if last else 1,
            "planned_minute": last.planned_minute if last else 0,
        },
    )


def _one_row_more(formset_class, data, context, user, initial, kind):
    data = data.copy()
    key = f"{kind}-TOTAL_FORMS"
    try:
        total = int(data.get(key, ""))
    except ValueError:
        total = len(initial)
    data[key] = str(max(0, min(total + 1, formset_class.absolute_max)))
    return formset_class(
        data,
        user=user,
        rows=context["rows"],
        initial=initial,
        prefix=kind,
        extra_initial=context["extra_initial"],
    )


def _new_row(request, formset, context):
    """One blank row for htmx to append, with the formset's new count out of band."""
    index = int(request.GET["row"])
    if index >= formset.absolute_max:
        return render(request, "convenings/scenario_row.html", {**context, "full": True})
    form = formset.new_row(index)
    return render(
        request,
        "convenings/scenario_row.html",
        {**context, "form": form, "index": index, "total": index + 1},
    )


def _save_rows(scenario, formset, kind, by):
    if kind == "teams":
        rows = [
            services.TeamRow(
                data.get("code"),
                name=data.get("name") or "",
                role_card=data.get("role_card") or "",
                order=data.get("order") or 0,
                remove=remove,
            )
            for data, remove in formset.kept()
        ]
        services.save_teams(scenario=scenario, rows=rows, by=by)
    else:
        rows = [
            services.InjectRow(
                data.get("code"),
                order=data.get("order") or 0,
                planned_minute=data.get("planned_minute") or 0,
                title=data.get("title") or "",
                body=data.get("body") or "",
                remove=remove,
            )
            for data, remove in formset.kept()
        ]
        services.save_injects(scenario=scenario, rows=rows, by=by)


def _rows_view(request, code, kind):
    convening = _convening(request, code)
    scenario = _scenario_of(convening)
    if scenario is None:
        messages.error(request, _("Write the scenario's title and brief first."))
        return redirect("convenings:scenario-edit", code=convening.code)
    return _rows_page(request, convening, scenario, kind=kind)


@requires("convenings.manage")
def scenario_teams_edit(request, code):
    """The scenario's teams and role cards."""
    return _rows_view(request, code, "teams")


@requires("convenings.manage")
def scenario_injects_edit(request, code):
    """The scenario's injects, numbered, each planned at a minute of the exercise."""
    return _rows_view(request, code, "injects")
