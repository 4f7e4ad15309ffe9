"""The simulation exercise: players' screen, facilitator's console, teams, debrief."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kenesh.access.decorators import requires
from kenesh.convenings import queries, services
from kenesh.convenings.forms import DecisionForm
from kenesh.convenings.models import Decision, Scenario, Team
from kenesh.convenings.rules import can_log_decision, get_convening_for, get_inject_for, team_of
from kenesh.core.forms import add_service_errors, refusal_status


def _scenario(request, code, *, to="details") -> Scenario:
    convening = get_convening_for(request.user, code, to=to)
    try:
        return convening.scenario
    except Scenario.DoesNotExist:
        raise Http404 from None


def _released(scenario):
    return scenario.injects.filter(released_at__isnull=False).order_by("-released_at", "-order")


@requires("convenings.view_convenings")
def play(request, code):
    """A player's screen: the brief, their team's role card, injects as they come.

    The decision form offers the injects released when the page opened; the injects
    poll refreshes that choice as more are released, and a decision is checked
    against the injects released when it is sent."""
    scenario = _scenario(request, code)
    team = team_of(request.user, scenario)
    form = DecisionForm(request.POST or None, user=request.user, scenario=scenario)
    status = 200
    if request.method == "POST":
        if team is None or not can_log_decision(request.user, team):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_decision(
                    team=team,
                    text=form.cleaned_data["text"],
                    inject=form.cleaned_data["inject"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The decision was logged."))
                return redirect("convenings:scenario-play", code=code)
        status = refusal_status(form)
    injects = list(_released(scenario))
    return render(
        request,
        "convenings/scenario_play.html",
        {
            "scenario": scenario,
            "convening": scenario.convening,
            "team": team,
            "injects": injects,
            "released": len(injects),
            "decisions": team.decisions.select_related("inject") if team else [],
            "form": form,
            "can_lead": request.user.has_perm("convenings.lead", scenario.convening),
        },
        status=status,
    )


@requires("convenings.view_convenings")
def injects_feed(request, code):
    """The released injects alone, polled by the players' screens.

    The poll sends how many injects the screen shows (``released``) and the inject
    chosen in the decision form (``inject``); when more have been released since, the
    answer also carries the form's inject choice, swapped in out of band with the
    player's choice kept."""
    scenario = _scenario(request, code)
    injects = list(_released(scenario))
    context = {"injects": injects, "released": len(injects), "scenario": scenario}
    if request.GET.get("released") != str(len(injects)) and team_of(request.user, scenario):
        chosen = request.GET.get("inject") or None
        form = DecisionForm(user=request.user, scenario=scenario, initial={"inject": chosen})
        form.fields["inject"].widget.attrs["hx-swap-oob"] = "true"
        context["inject_choice"] = form["inject"]
    return render(request, "convenings/injects_feed.html", context)


@requires("convenings.view_convenings")
def console(request, code):
    """The facilitator's console: release injects, watch the teams' decisions."""
    scenario = _scenario(request, code, to="lead")
    return render(
        request,
        "convenings/scenario_console.html",
        {
            "scenario": scenario,
            "convening": scenario.convening,
            "injects": scenario.injects.select_related("released_by"),
            "teams": queries.teams_with_players(scenario),
            "decisions": Decision.objects.filter(team__scenario=scenario)
            .select_related("team", "inject")
            .order_by("-recorded_at"),
        },
    )


@require_POST
@requires("convenings.view_convenings")
def release(request, code, inject_code):
    scenario = _scenario(request, code, to="lead")
    inject = get_inject_for(request.user, scenario, inject_code)
    try:
        services.release_inject(inject=inject, by=request.user)
    except services.AlreadyReleased:
        message = _("“%(title)s” was already released; nothing changed.") % {"title": inject}
        if request.htmx:
            response = render(
                request, "convenings/console_message.html", {"message": message}, status=409
            )
            return response
        messages.error(request, message)
        return redirect("convenings:scenario-console", code=code)
    messages.success(request, _("“%(title)s” was released.") % {"title": inject})
    return redirect("convenings:scenario-console", code=code)


@requires("convenings.view_convenings")
def teams(request, code):
    """Staff spread the players across teams; the page explains how even it is."""
    scenario = _scenario(request, code, to="manage")
    result = None
    if request.method == "POST":
        try:
            result = services.assign_teams(scenario=scenario, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Players were spread across the teams."))
    team_list = list(queries.teams_with_players(scenario))
    return render(
        request,
        "convenings/scenario_teams.html",
        {
            "scenario": scenario,
            "convening": scenario.convening,
            "teams": team_list,
            "result": result,
            "summary": _team_summary(team_list),
        },
    )


def _team_summary(team_list: list[Team]):
    """Per team: size, and how many of each generation and country."""
    rows = []
    for team in team_list:
        people = [m.participation.person for m in team.members.all()]
        generations, countries = {}, {}
        for person in people:
            generations[person.get_track_display()] = (
                generations.get(person.get_track_display(), 0) + 1
            )
            countries[person.get_country_display()] = (
                countries.get(person.get_country_display(), 0) + 1
            )
        rows.append((team, len(people), sorted(generations.items()), sorted(countries.items())))
    return rows


@requires("convenings.view_convenings")
def debrief(request, code):
    """After the exercise: injects and each team's decisions on one timeline."""
    scenario = _scenario(request, code)
    return render(
        request,
        "convenings/scenario_debrief.html",
        {
            "scenario": scenario,
            "convening": scenario.convening,
            "injects": _released(scenario).order_by("released_at"),
            "teams": scenario.teams.prefetch_related("decisions__inject"),
        },
    )
