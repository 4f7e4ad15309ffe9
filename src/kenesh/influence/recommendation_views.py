"""Pages where programme staff write recommendations: add them to a paper, edit them,
and complete the drafts made from a conversation's common ground."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kenesh.access.decorators import requires
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.influence import queries, services
from kenesh.influence.models import Recommendation
from kenesh.influence.recommendation_forms import RecommendationForm
from kenesh.influence.rules import get_recommendation_for
from kenesh.papers.rules import get_paper_for


@requires("influence.manage")
def recommendation_edit(request, code):
    """Edit a recommendation, or complete a draft: the draft becomes a recommendation
    only once it names everything a recommendation needs, and the page says what is
    still missing."""
    recommendation = get_recommendation_for(request.user, code)
    was_draft = recommendation.is_draft
    missing = services.missing_for_completion(recommendation) if was_draft else {}
    form = RecommendationForm(request.POST or None, user=request.user, instance=recommendation)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE}
        try:
            services.update_recommendation(recommendation=recommendation, by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if was_draft:
                messages.success(request, _("The draft is now a complete recommendation."))
            else:
                messages.success(request, _("The recommendation was saved."))
            return redirect("influence:recommendation", code=recommendation.code)
    if form.is_bound:
        # The form holds the submitted values; the page shows the stored ones.
        recommendation = get_recommendation_for(request.user, code)
    return render(
        request,
        "influence/recommendation_form.html",
        {
            "recommendation": recommendation,
            "form": form,
            "missing": [str(form.fields[name].label) for name in missing],
        },
        status=refusal_status(form),
    )


@requires("influence.manage")
def paper_recommendations(request, code):
    """A paper's recommendations and the form to add one. Staff may add them at every
    stage of the paper: they are worded alongside it, and stay as hidden as the paper
    until it is published."""
    paper = get_paper_for(request.user, code)
    form = RecommendationForm(
        request.POST or None, user=request.user, instance=Recommendation(paper=paper)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_recommendation(paper=paper, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The recommendation was added."))
            return redirect("influence:paper-recommendations", code=paper.code)
    return render(
        request,
        "influence/paper_recommendations.html",
        {
            "paper": paper,
            "form": form,
            "recommendations": queries.paper_recommendations(paper, request.user),
        },
        status=refusal_status(form),
    )
