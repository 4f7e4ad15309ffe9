from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kenesh.access.decorators import requires
from kenesh.convenings.models import Convening, Kind
from kenesh.convenings.rules import get_convening_for
from kenesh.deliberation.models import Statement
from kenesh.influence import queries, services
from kenesh.influence.forms import OutcomeForm, PresentationForm, RecommendationForm
from kenesh.influence.models import Progress, Recommendation
from kenesh.papers.rules import get_paper_for

# The page shows the whole funnel, but lists only so much at once.
RECOMMENDATIONS_PER_PAGE = 50
OUTCOMES_SHOWN = 20
BRIEFINGS_SHOWN = 20


@requires("influence.view_influence")
def overview(request):
    progress = request.GET.get("progress")
    recommendations = queries.recommendations(request.user, progress=progress)
    page = Paginator(recommendations, RECOMMENDATIONS_PER_PAGE).get_page(request.GET.get("page"))
    outcomes = queries.outcomes()
    can_manage = request.user.has_perm("influence.manage")
    briefings = []
    if can_manage:
        briefings = (
            Convening.objects.visible_to(request.user)
            .filter(kind=Kind.BRIEFING)
            .annotate(presented=Count("presentations"))
            .order_by("-starts_on")[:BRIEFINGS_SHOWN]
        )
    return render(
        request,
        "influence/overview.html",
        {
            "funnel": queries.funnel(request.user),
            "page": page,
            "recommendations": page.object_list,
            "steps": Progress.choices,
            "progress": progress if progress in Progress.values else None,
            "outcomes": outcomes[:OUTCOMES_SHOWN],
            "outcome_count": outcomes.count(),
            "can_manage": can_manage,
            "briefings": briefings,
        },
    )


@requires("influence.view_influence")
def recommendation_trail(request, code):
    recommendation = get_object_or_404(
        Recommendation.objects.visible_to(request.user)
        .with_progress()
        .select_related("paper", "theme", "statement__conversation"),
        code=code,
    )
    presentations, outcomes = queries.trail(request.user, recommendation)
    return render(
        request,
        "influence/recommendation_trail.html",
        {
            "recommendation": recommendation,
            "presentations": presentations,
            "outcomes": outcomes,
        },
    )


@requires("influence.manage")
def paper_recommendations(request, code):
    paper = get_paper_for(request.user, code)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_recommendation(paper=paper, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The recommendation was added."))
            return redirect("influence:paper-recommendations", code=paper.code)
    return render(
        request,
        "influence/paper_recommendations.html",
        {
            "paper": paper,
            "form": form,
            "recommendations": paper.recommendations.with_progress().select_related("theme"),
        },
    )


@requires("influence.manage")
def briefing_presentations(request, code):
    briefing = get_convening_for(request.user, code, to="manage")
    if briefing.kind != Kind.BRIEFING:
        messages.error(request, _("Recommendations are presented at briefings."))
        return redirect("convenings:convening-detail", code=code)
    choices = Recommendation.objects.select_related("paper").exclude(
        presentations__briefing=briefing
    )
    form = PresentationForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_presentation(briefing=briefing, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The presentation was recorded."))
            return redirect("influence:briefing", code=code)
    return render(
        request,
        "influence/briefing.html",
        {
            "briefing": briefing,
            "form": form,
            "presentations": briefing.presentations.select_related("recommendation__paper"),
        },
    )


@requires("influence.manage")
def outcome_create(request):
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        recommendations = data.pop("recommendations")
        try:
            services.record_outcome(recommendations=recommendations, by=request.user, **data)
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The outcome was recorded."))
            return redirect("influence:overview")
    return render(request, "influence/outcome_form.html", {"form": form})


@require_POST
@requires("influence.manage")
def propose_from_statement(request, code):
    statement = get_object_or_404(Statement, code=code, status="accepted")
    recommendation = services.propose_from_statement(statement=statement, by=request.user)
    messages.success(request, _("A draft recommendation was made from the statement; complete it."))
    return redirect("influence:recommendation", code=recommendation.code)
