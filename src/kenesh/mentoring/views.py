import re

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kenesh.access.decorators import public, requires
from kenesh.access.models import User
from kenesh.convenings import queries as convening_queries
from kenesh.core.audit import log_action
from kenesh.core.forms import add_service_errors
from kenesh.core.net import client_address
from kenesh.mentoring import explain, mentorship_services, queries, rubric, services
from kenesh.mentoring.forms import (
    ApplicationForm,
    AssessmentForm,
    CohortForm,
    PairingForm,
    QuotaForm,
    ReviewForm,
    SessionForm,
)
from kenesh.mentoring.matching import Weights
from kenesh.mentoring.models import (
    SKILLS,
    Assessment,
    Call,
    Mentorship,
    Milestone,
    Review,
    Stage,
    Testimonial,
    criterion_label,
)
from kenesh.mentoring.rules import (
    REPLACEMENT_HOURS,
    InvalidLink,
    get_application_for,
    get_call_for,
    get_mentorship_for,
    get_replacement_for,
    own_review,
)
from kenesh.mentoring.selection import Quota
from kenesh.papers.models import PolicyPaper
from kenesh.people.models import Sector

APPLICATIONS_PER_HOUR = 10  # from one address; more are refused as likely spam
# Errors that mean the POST named something that does not exist (or not for this user).
UNKNOWN_CHOICE = {"invalid_choice", "invalid_pk_value", "invalid_list"}


def _status(form) -> int:
    """400 when a submitted form names an unknown choice or record, else 200 (a page
    with the form's ordinary errors)."""
    if not form.is_bound or not form.errors:
        return 200
    codes = {e.code for errors in form.errors.as_data().values() for e in errors}
    return 400 if codes & UNKNOWN_CHOICE else 200


@requires("mentoring.view_mentoring")
def home(request):
    user = request.user
    return render(
        request,
        "mentoring/home.html",
        {
            "calls": Call.objects.visible_to(user),
            "mentorships": Mentorship.objects.visible_to(user).select_related("mentor", "mentee"),
            "can_manage": user.has_perm("mentoring.manage"),
            "testimonials": (
                Testimonial.objects.select_related("person")
                if user.has_perm("mentoring.manage")
                else []
            ),
        },
    )


def _rate_key(request) -> str:
    # The client's own address, seen through the trusted proxy: behind one, the proxy's
    # address would make one abuser close the call for everyone.
    return f"kenesh:apply:{client_address(request) or 'unknown'}"


def _count_attempt(key: str) -> None:
    cache.add(key, 0, 3600)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)


@public
def apply(request, code):
    """The open call's form, for anyone, without an account. Whether the address had
    applied before changes nothing in the answer (see services.apply)."""
    call = get_call_for(request.user, code, to="apply")
    form = ApplicationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        key = _rate_key(request)
        if cache.get(key, 0) >= APPLICATIONS_PER_HOUR:
            form.add_error(
                None, _("Too many applications from this connection; try again in an hour.")
            )
            return render(request, "mentoring/apply.html", {"call": call, "form": form}, status=429)
        if form.data.get("website"):
            # A bot filled the hidden field: answer as if all went well, keep nothing.
            _count_attempt(key)
            return redirect("mentoring:applied", code=call.code)
        if form.is_valid():
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in {"themes", "cv", "writing_sample", "consent", "website"}
            }
            try:
                services.apply(
                    call=call,
                    data=data,
                    themes=form.cleaned_data["themes"],
                    cv=form.cleaned_data["cv"],
                    writing_sample=form.cleaned_data["writing_sample"],
                    site=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                _count_attempt(key)
                return redirect("mentoring:applied", code=call.code)
    return render(
        request, "mentoring/apply.html", {"call": call, "form": form}, status=_status(form)
    )


@public
def applied(request, code):
    """The same page for every applicant, whether or not the address had applied."""
    call = get_call_for(request.user, code, to="apply")
    return render(request, "mentoring/applied.html", {"call": call, "hours": REPLACEMENT_HOURS})


@public
def apply_confirm(request, token):
    """The link mailed to an address that applied twice: showing it changes nothing;
    confirming puts the new application in place of the first."""
    try:
        pending = get_replacement_for(token)
    except InvalidLink:
        return render(
            request,
            "mentoring/apply_confirm.html",
            {"invalid": True, "hours": REPLACEMENT_HOURS},
            status=404,
        )
    application = pending.application
    if request.method == "POST":
        try:
            services.replace_application(pending=pending)
        except ValidationError as error:
            return render(
                request,
                "mentoring/apply_confirm.html",
                {"pending": pending, "call": application.call, "refused": error.messages},
                status=409,
            )
        return render(
            request,
            "mentoring/apply_confirm.html",
            {"pending": pending, "call": application.call, "done": True},
        )
    return render(
        request,
        "mentoring/apply_confirm.html",
        {"pending": pending, "call": application.call, "decided": application.decided},
    )


@requires("mentoring.review")
def call_detail(request, code):
    call = get_call_for(request.user, code)
    standing = queries.standings(call)
    mine = {
        r.application_id: r
        for r in Review.objects.filter(application__call=call, reviewer=request.user)
    }
    conflicted = {pk for pk, r in mine.items() if r.conflict}
    return render(
        request,
        "mentoring/call_detail.html",
        {
            "call": call,
            "rows": [s for s in standing.candidates if s.application.pk not in conflicted],
            "awaiting": [s for s in standing.awaiting if s.application.pk not in conflicted],
            "conflicted": [
                s.application
                for s in (*standing.candidates, *standing.awaiting)
                if s.application.pk in conflicted
            ],
            "mine": mine,
            "can_manage": request.user.has_perm("mentoring.manage"),
            # Each criterion's share of the weights, as scoring counts it (weights may be
            # per cent or plain multipliers such as 3, 2, 1).
            "criteria": [
                {"label": criterion_label(c), "share": share}
                for c, (_key, share) in zip(call.rubric, rubric.shares(call.rubric), strict=True)
            ],
            "reviewers": [
                getattr(u, "person", None) or u.get_username()
                for u in call.reviewers.select_related("person")
            ]
            if request.user.has_perm("mentoring.manage")
            else [],
            "decision": _recorded_decision(request.user, call, standing, conflicted),
        },
    )


def _recorded_decision(user, call, standing, conflicted: set[int]) -> explain.Decision | None:
    """The call's latest cohort decision in the reader's language, for those who may
    see cohort decisions (None for others, and before any)."""
    if not user.has_perm("mentoring.view_cohortdecision"):
        return None
    decision = call.decisions.prefetch_related("chosen").first()
    if decision is None:
        return None
    applications = sorted(
        (s.application for s in (*standing.candidates, *standing.awaiting)),
        key=lambda a: (a.name, a.pk),
    )
    return explain.decision(
        decision,
        decision.recorded,
        applications,
        chosen={a.pk for a in decision.chosen.all()},
        conflicted=conflicted,
    )


@requires("mentoring.review")
def application_review(request, code):
    application = get_application_for(request.user, code, to="review")
    existing = own_review(request.user, application)
    initial = {"comment": existing.comment, "conflict": existing.conflict} if existing else {}
    if existing:
        initial.update({f"score_{k}": v for k, v in existing.scores.items()})
    form = ReviewForm(request.POST or None, criteria=application.call.rubric, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review(
                application=application,
                by=request.user,
                scores=form.scores() if not form.cleaned_data["conflict"] else {},
                comment=form.cleaned_data["comment"],
                conflict=form.cleaned_data["conflict"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your review was saved."))
            return redirect("mentoring:call", code=application.call.code)
    return render(
        request,
        "mentoring/application_review.html",
        {"application": application, "form": form, "existing": existing},
        status=_status(form),
    )


@requires("mentoring.review")
def application_file(request, code, which):
    application = get_application_for(request.user, code, to="review")
    if which not in {"cv", "writing_sample"}:
        raise Http404
    field = getattr(application, which)
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    # An applicant's CV is personal data: record every time someone reads it.
    log_action(
        application, "mentoring.application.file_opened", by=request.user, data={"file": which}
    )
    response = FileResponse(handle, as_attachment=True, filename=f"{which}-{application.pk}")
    response["Cache-Control"] = "private, no-store"
    return response


def _quotas(form) -> list[Quota]:
    data = form.cleaned_data
    quotas = [
        Quota("country", c, data["country_min"], data["country_max"])
        for c in ("KZ", "KG", "TJ", "UZ")
    ]
    quotas.append(Quota("gender", "female", data["women_min"]))
    quotas += [Quota("sector", s, 0, data["sector_max"]) for s in Sector.values]
    return quotas


@requires("mentoring.manage")
def selection(request, code):
    call = get_call_for(request.user, code, to="manage")
    form = QuotaForm(request.POST or request.GET or None)
    result = None
    standing = queries.standings(call)
    candidates = call.applications.filter(pk__in=standing.candidate_pks())
    cohort_form = CohortForm(
        request.POST if "confirm" in request.POST else None,
        user=request.user,
        candidates=candidates,
    )
    status = 200
    if form.is_bound and form.is_valid():
        result, standing = queries.propose(call, _quotas(form), standing)
        if request.method == "POST" and "confirm" in request.POST:
            if cohort_form.is_valid():
                try:
                    services.decide(
                        call=call,
                        chosen=list(cohort_form.cleaned_data["chosen"]),
                        quotas=_quotas(form),
                        result=result,
                        override_reason=cohort_form.cleaned_data["reason"],
                        by=request.user,
                    )
                except ValidationError as error:
                    add_service_errors(cohort_form, error)
                else:
                    messages.success(request, _("The cohort was recorded."))
                    return redirect("mentoring:call", code=call.code)
            status = _status(cohort_form)
    why = {pk: explain.reason(r) for pk, r in result.reasons.items()} if result else {}
    awaiting = {s.application.pk: s for s in standing.awaiting}
    if cohort_form.is_bound:
        checked = {str(value) for value in cohort_form.data.getlist("chosen")}
    else:
        checked = {str(a.code) for a in candidates if result and a.pk in result.chosen}
    return render(
        request,
        "mentoring/selection.html",
        {
            "call": call,
            "form": form,
            "cohort_form": cohort_form,
            "result": result,
            "checked": checked,
            "awaiting_count": len(awaiting),
            "all_applications": [
                (a, why.get(a.pk, ""), awaiting.get(a.pk))
                for a in call.applications.order_by("name")
            ],
            "conflicts": [explain.quota(q) for q in result.conflicting] if result else [],
        },
        status=status,
    )


PLAN = re.compile(r"[0-9a-f]{64}")


@requires("mentoring.manage")
def pairing(request, code):
    """Preview the pairs (GET, or a POST without "confirm") without writing; confirming
    writes exactly the previewed pairs, and only for mentees without a mentor."""
    call = get_call_for(request.user, code, to="manage")
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = PairingForm(data, user=request.user)
    mentees, mentors = queries.selected_mentees(call), queries.mentors()
    plan, status = None, 200
    if not form.is_bound or form.is_valid():
        settings = (
            form.cleaned_data
            if form.is_bound
            else {name: field.initial for name, field in form.fields.items()}
        )
        weights = Weights(cross_border=1.0 if settings["cross_border"] else 0.0)
        offer = [(m, settings["per_mentor"]) for m in mentors]
        if request.method == "POST" and "confirm" in request.POST:
            expected = request.POST.get("plan", "")
            if not PLAN.fullmatch(expected):
                messages.error(
                    request,
                    _("The proposal to confirm is missing or damaged; nothing was written."),
                )
                status = 400
            else:
                try:
                    made = services.pair(
                        mentees=mentees,
                        mentors=offer,
                        call=call,
                        by=request.user,
                        weights=weights,
                        expected=expected,
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                    status = 409
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(n)s mentorship was made; change a pair from its page.",
                            "%(n)s mentorships were made; change a pair from its page.",
                            len(made),
                        )
                        % {"n": len(made)},
                    )
                    return redirect("mentoring:home")
        plan = queries.plan_pairs(call=call, mentees=mentees, mentors=offer, weights=weights)
    return render(
        request,
        "mentoring/pairing.html",
        {"call": call, "mentees": mentees, "mentors": mentors, "form": form, "plan": plan},
        status=status,
    )


@requires("mentoring.view_mentoring")
def mentorship_detail(request, code):
    """A mentorship's page: its sessions, assessments, milestones and the mentee's
    path, with the forms to log a session and record an assessment."""
    user = request.user
    mentorship = get_mentorship_for(user, code)
    posted_session = request.method == "POST" and "session" in request.POST
    posted_assessment = request.method == "POST" and "assessment" in request.POST
    session_form = SessionForm(request.POST if posted_session else None)
    assessment_form = AssessmentForm(
        request.POST if posted_assessment else None, user=user, mentorship=mentorship
    )
    if posted_session and session_form.is_valid():
        try:
            services.log_session(mentorship=mentorship, by=user, **session_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(session_form, error)
        else:
            messages.success(request, _("The session was logged."))
            return redirect("mentoring:mentorship", code=code)
    if posted_assessment:
        mentorship = get_mentorship_for(user, code, to="assess")
        if assessment_form.is_valid():
            try:
                services.assess(
                    mentorship=mentorship,
                    by=user,
                    stage=assessment_form.cleaned_data["stage"],
                    assessor=assessment_form.assessor(),
                    scores=assessment_form.scores(),
                )
            except ValidationError as error:
                add_service_errors(assessment_form, error)
            else:
                messages.success(request, _("The assessment was saved."))
                return redirect("mentoring:mentorship", code=code)
    assessments = list(mentorship.assessments.select_related("recorded_by__person"))
    milestones = _milestones_seen_by(user, mentorship)
    path = convening_queries.paths([mentorship.mentee], viewer=user)[0]
    bound = posted_session or posted_assessment
    can_manage = user.has_perm("mentoring.manage")
    return render(
        request,
        "mentoring/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "can_keep_plan": user.has_perm("mentoring.keep_plan", mentorship),
            "can_manage": can_manage,
            "changes": mentorship.mentor_changes.select_related(
                "from_mentor", "to_mentor", "by__person"
            ),
            "testimonials": mentorship_services.testimonials_of(mentorship) if can_manage else [],
            "sessions": mentorship.sessions.all(),
            "assessments": assessments,
            "milestones": milestones,
            "skills": SKILLS,
            "growth": _growth_chart(assessments),
            "session_form": session_form,
            "assessment_form": assessment_form,
            "path": path,
        },
        status=_status(assessment_form if posted_assessment else session_form) if bound else 200,
    )


def _growth_chart(assessments: list[Assessment]) -> dict:
    """The skills' scores at each stage assessed, as a chart: the mentor's scores where
    recorded, else the mentee's own."""
    by_stage = {(a.stage, a.assessor): a.scores for a in assessments}
    return {
        "labels": [str(label) for _key, label in SKILLS],
        "datasets": [
            {
                "label": f"{Stage(stage).label}",
                "data": [
                    (by_stage.get((stage, "mentor")) or by_stage.get((stage, "self")) or {}).get(
                        key
                    )
                    for key, _label in SKILLS
                ],
            }
            for stage in Stage.values
            if any((stage, who) in by_stage for who in ("mentor", "self"))
        ],
        "stacked": False,
    }


def _milestones_seen_by(
    user: User, mentorship: Mentorship
) -> list[tuple[Milestone, PolicyPaper | None]]:
    """The mentorship's milestones, each with its paper when ``user`` may know the paper
    (else None: a milestone names its paper only to those who may know it)."""
    steps = list(mentorship.milestones.select_related("paper"))
    readable = set(
        PolicyPaper.objects.visible_to(user)
        .filter(pk__in=[m.paper_id for m in steps if m.paper_id])
        .values_list("pk", flat=True)
    )
    return [(m, m.paper if m.paper_id in readable else None) for m in steps]


@requires("mentoring.review")
def cohort_growth(request, code):
    call = get_call_for(request.user, code)
    assessments = Assessment.objects.filter(mentorship__call=call, assessor="mentor")
    table = []
    for stage in Stage.values:
        rows = [a.scores for a in assessments if a.stage == stage]
        if rows:
            table.append(
                (
                    Stage(stage).label,
                    [round(sum(r[key] for r in rows) / len(rows), 2) for key, _label in SKILLS],
                    len(rows),
                )
            )
    chart = {
        "labels": [str(label) for _k, label in SKILLS],
        "stacked": False,
        "datasets": [{"label": str(label), "data": values} for label, values, _n in table],
    }
    return render(
        request,
        "mentoring/cohort_growth.html",
        {"call": call, "table": table, "skills": SKILLS, "chart": chart},
    )
