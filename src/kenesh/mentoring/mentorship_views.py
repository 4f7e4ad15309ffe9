"""The mentorship page's editors: milestones and the plan (staff and the pair's mentor),
a change of mentor and testimonials (staff). Each page reaches its mentorship through
``rules``: 404 for a mentorship the user may not know, 403 where they may see it but not
do this."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kenesh.access.decorators import requires
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.mentoring import mentorship_services as services
from kenesh.mentoring.mentorship_forms import (
    MentorChangeForm,
    MilestoneDoneForm,
    MilestoneForm,
    PlanForm,
    TestimonialForm,
)
from kenesh.mentoring.rules import get_mentorship_for, get_milestone_for, get_testimonial_for


def _status(form) -> int:
    """400 for a refused submission (re-shown with its errors; nothing was written)."""
    if form.is_bound and form.errors:
        return 400
    return refusal_status(form)


def _back(mentorship):
    return redirect("mentoring:mentorship", code=mentorship.code)


def _milestone_page(request, mentorship, milestone):
    initial = {}
    if milestone is not None:
        initial = {
            "title": milestone.title,
            "due_on": milestone.due_on,
            "done_on": milestone.done_on,
            "paper": milestone.paper.code if milestone.paper_id else None,
        }
    form = MilestoneForm(
        request.POST or None, initial=initial, user=request.user, mentorship=mentorship
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_milestone(
                mentorship=mentorship, milestone=milestone, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The milestone “%(title)s” was saved.") % {"title": saved})
            return _back(mentorship)
    return render(
        request,
        "mentoring/mentorship_milestone_form.html",
        {"mentorship": mentorship, "milestone": milestone, "form": form},
        status=_status(form),
    )


@requires("mentoring.view_mentoring")
def milestone_create(request, code):
    mentorship = get_mentorship_for(request.user, code, to="plan")
    return _milestone_page(request, mentorship, None)


@requires("mentoring.view_mentoring")
def milestone_edit(request, code):
    milestone = get_milestone_for(request.user, code, to="plan")
    return _milestone_page(request, milestone.mentorship, milestone)


@requires("mentoring.view_mentoring")
def milestone_done(request, code):
    """Mark a milestone reached (the mentorship page posts here with today's date)."""
    milestone = get_milestone_for(request.user, code, to="plan")
    mentorship = milestone.mentorship
    form = MilestoneDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_milestone_done(
                milestone=milestone, by=request.user, done_on=form.cleaned_data["done_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The milestone “%(title)s” is done.") % {"title": milestone.title}
            )
            return _back(mentorship)
    return render(
        request,
        "mentoring/mentorship_milestone_done.html",
        {"mentorship": mentorship, "milestone": milestone, "form": form},
        status=_status(form),
    )


@requires("mentoring.view_mentoring")
def milestone_remove(request, code):
    """Ask, then remove a milestone of the plan."""
    milestone = get_milestone_for(request.user, code, to="plan")
    mentorship = milestone.mentorship
    if request.method == "POST":
        services.remove_milestone(milestone=milestone, by=request.user)
        messages.success(
            request, _("The milestone “%(title)s” was removed.") % {"title": milestone.title}
        )
        return _back(mentorship)
    return render(
        request,
        "mentoring/mentorship_milestone_remove.html",
        {"mentorship": mentorship, "milestone": milestone},
    )


@requires("mentoring.view_mentoring")
def plan_edit(request, code):
    mentorship = get_mentorship_for(request.user, code, to="plan")
    form = PlanForm(
        request.POST or None,
        initial={"goals": mentorship.goals, "review_on": mentorship.review_on},
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(mentorship=mentorship, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan and goals were saved."))
            return _back(mentorship)
    return render(
        request,
        "mentoring/mentorship_plan.html",
        {"mentorship": mentorship, "form": form},
        status=_status(form),
    )


@requires("mentoring.manage")
def mentor_change(request, code):
    """Staff put another mentor in the pair, saying why; earlier pairings stay listed."""
    mentorship = get_mentorship_for(request.user, code, to="manage")
    form = MentorChangeForm(request.POST or None, user=request.user, mentorship=mentorship)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.change_mentor(
                mentorship=mentorship,
                by=request.user,
                mentor=form.cleaned_data["mentor"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now the mentor of this pair.") % {"name": change.to_mentor.name},
            )
            return _back(mentorship)
    return render(
        request,
        "mentoring/mentorship_mentor.html",
        {
            "mentorship": mentorship,
            "form": form,
            "can_manage": True,
            "changes": mentorship.mentor_changes.select_related(
                "from_mentor", "to_mentor", "by__person"
            ),
        },
        status=_status(form),
    )


@requires("mentoring.manage")
def testimonial_create(request, code):
    mentorship = get_mentorship_for(request.user, code, to="manage")
    form = TestimonialForm(request.POST or None, user=request.user, mentorship=mentorship)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_testimonial(mentorship=mentorship, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The testimonial was recorded."))
            return _back(mentorship)
    return render(
        request,
        "mentoring/mentorship_testimonial_form.html",
        {
            "mentorship": mentorship,
            "form": form,
            "mentee_consent": mentorship.mentee.quote_consent_at,
            "mentor_consent": mentorship.mentor.quote_consent_at,
        },
        status=_status(form),
    )


@requires("mentoring.manage")
def testimonial_withdraw(request, code, testimonial):
    """Ask, then delete a testimonial whose consent was withdrawn."""
    mentorship = get_mentorship_for(request.user, code, to="manage")
    row = get_testimonial_for(request.user, testimonial, to="manage")
    if row.person_id not in (mentorship.mentee_id, mentorship.mentor_id):
        raise Http404
    if request.method == "POST":
        services.withdraw_testimonial(mentorship=mentorship, testimonial=row, by=request.user)
        messages.success(request, _("The testimonial was withdrawn and its words deleted."))
        return _back(mentorship)
    return render(
        request,
        "mentoring/mentorship_testimonial_withdraw.html",
        {"mentorship": mentorship, "testimonial": row},
    )
