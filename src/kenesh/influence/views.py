from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kenesh.access.decorators import requires
from kenesh.convenings.models import Kind
from kenesh.convenings.rules import get_convening_for
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.deliberation.rules import get_statement_for
from kenesh.influence import queries, services
from kenesh.influence.forms import OutcomeForm, PresentationForm
from kenesh.influence.models import Progress

# The overview shows the whole funnel, but lists only so much at once; the full lists
# are paged.
RECOMMENDATIONS_PER_PAGE = 50
OUTCOMES_PER_PAGE = 25
OUTCOMES_SHOWN = 5
BRIEFINGS_SHOWN = 10


@requires("influence.view_influence")
def overview(request):
    user = request.user
    progress = request.GET.get("progress")
    recommendations = queries.recommendations(user, progress=progress)
    page = Paginator(recommendations, RECOMMENDATIONS_PER_PAGE).get_page(request.GET.get("page"))
    outcomes = queries.outcomes(user)
    can_manage = user.has_perm("influence.manage")
    return render(
        request,
        "influence/overview.html",
        {
            "funnel": queries.funnel(user),
            "page": page,
            "recommendations": page.object_list,
            "steps": Progress.choices,
            "progress": progress if progress in Progress.values else None,
            "outcomes": outcomes[:OUTCOMES_SHOWN],
            "outcome_count": outcomes.count(),
            "can_manage": can_manage,
            "briefings": queries.briefings(user)[:BRIEFINGS_SHOWN] if can_manage else [],
        },
    )


@requires("influence.view_influence")
def outcome_list(request):
    page = Paginator(queries.outcomes(request.user), OUTCOMES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "influence/outcome_list.html",
        {
            "page": page,
            "outcomes": page.object_list,
            "can_manage": request.user.has_perm("influence.manage"),
        },
    )


@requires("influence.view_influence")
def recommendation_trail(request, code):
    recommendation = queries.recommendation_for(request.user, code)
    if recommendation is None:
        raise Http404
    presentations, outcomes = queries.trail(request.user, recommendation)
    return render(
        request,
        "influence/recommendation_trail.html",
        {
            "recommendation": recommendation,
            "presentations": presentations,
            "outcomes": outcomes,
            "can_manage": request.user.has_perm("influence.manage"),
        },
    )


@requires("influence.manage")
def briefing_presentations(request, code):
    briefing = get_convening_for(request.user, code, to="manage")
    if briefing.kind != Kind.BRIEFING:
        messages.error(request, _("Recommendations are presented at briefings."))
        return redirect("convenings:convening-detail", code=code)
    form = PresentationForm(request.POST or None, user=request.user, briefing=briefing)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.record_presentations(
                briefing=briefing, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d presentation was recorded.",
                    "%(count)d presentations were recorded.",
                    len(recorded),
                )
                % {"count": len(recorded)},
            )
            return redirect("influence:briefing", code=code)
    return render(
        request,
        "influence/briefing.html",
        {
            "briefing": briefing,
            "form": form,
            "presentations": queries.presented_at(briefing, request.user),
        },
        status=refusal_status(form),
    )


@requires("influence.manage")
def outcome_create(request):
    form = OutcomeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        recommendations = data.pop("recommendations")
        try:
            services.record_outcome(recommendations=recommendations, by=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The outcome was recorded."))
            return redirect("influence:outcomes")
    return render(
        request, "influence/outcome_form.html", {"form": form}, status=refusal_status(form)
    )


@require_POST
@requires("influence.manage")
def propose_from_statement(request, code):
    statement = get_statement_for(request.user, code)
    recommendation = services.propose_from_statement(statement=statement, by=request.user)
    if not recommendation.is_draft:
        # Made and completed before: its trail is where it stands now.
        return redirect("influence:recommendation", code=recommendation.code)
    messages.success(request, _("A draft recommendation was made from the statement; complete it."))
    return redirect("influence:recommendation-edit", code=recommendation.code)


def briefing_section(request, briefing) -> str:
    """The recommendations presented at ``briefing``, for its page in convenings: only
    those the viewer may see (a recommendation of an unpublished or restricted paper
    stays with those who may see the paper)."""
    return render_to_string(
        "influence/briefing_section.html",
        {
            "convening": briefing,
            "presented": queries.presented_at(briefing, request.user),
            "can_manage": request.user.has_perm("influence.manage"),
        },
        request=request,
    )
