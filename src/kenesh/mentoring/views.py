from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kenesh.access.decorators import public, requires
from kenesh.convenings import queries as convening_queries
from kenesh.mentoring import explain, services
from kenesh.mentoring.forms import (
    ApplicationForm,
    AssessmentForm,
    PairingForm,
    QuotaForm,
    ReviewForm,
    SessionForm,
)
from kenesh.mentoring.matching import Weights
from kenesh.mentoring.models import (
    SKILLS,
    Application,
    ApplicationStatus,
    Assessment,
    Call,
    Mentorship,
    Review,
    Stage,
)
from kenesh.mentoring.rules import get_mentorship_for
from kenesh.mentoring.selection import Quota
from kenesh.people.models import Person, Sector

APPLICATIONS_PER_HOUR = 10  # from one address; more are refused as likely spam


@requires("mentoring.view_mentoring")
def home(request):
    user = request.user
    mine = Mentorship.objects.filter(mentor__user=user) | Mentorship.objects.filter(
        mentee__user=user
    )
    everyone = user.has_perm("mentoring.manage")
    return render(
        request,
        "mentoring/home.html",
        {
            "calls": Call.objects.all() if user.has_perm("mentoring.review") else [],
            "mentorships": (Mentorship.objects.all() if everyone else mine).select_related(
                "mentor", "mentee"
            ),
            "can_manage": everyone,
        },
    )


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


@public
def apply(request, code):
    """The open call's form, for anyone, without an account."""
    call = get_object_or_404(Call, code=code)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        key = f"kenesh:apply:{_client_address(request)}"
        if cache.get(key, 0) >= APPLICATIONS_PER_HOUR:
            form.add_error(
                None, _("Too many applications from this connection; try again in an hour.")
            )
        elif form.data.get("website"):
            # A bot filled the hidden field: answer as if all went well, keep nothing.
            return redirect("mentoring:applied", code=call.code)
        elif form.is_valid():
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in {"themes", "cv", "writing_sample", "consent", "website"}
            }
            try:
                _application, created = services.apply(
                    call=call,
                    data=data,
                    themes=form.cleaned_data["themes"],
                    cv=form.cleaned_data["cv"],
                    writing_sample=form.cleaned_data["writing_sample"],
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                cache.set(key, cache.get(key, 0) + 1, 3600)
                request.session["kenesh-applied-updated"] = not created
                return redirect("mentoring:applied", code=call.code)
    return render(request, "mentoring/apply.html", {"call": call, "form": form})


@public
def applied(request, code):
    call = get_object_or_404(Call, code=code)
    updated = request.session.pop("kenesh-applied-updated", False)
    return render(request, "mentoring/applied.html", {"call": call, "updated": updated})


@requires("mentoring.review")
def call_detail(request, code):
    call = get_object_or_404(Call, code=code)
    ranked = services.ranking(call)
    applications = {a.pk: a for a in call.applications.all()}
    mine = {
        r.application_id: r
        for r in Review.objects.filter(application__call=call, reviewer=request.user)
    }
    rows = [(applications[r.application], r) for r in ranked if r.application in applications]
    unranked = [a for pk, a in applications.items() if pk not in {r.application for r in ranked}]
    return render(
        request,
        "mentoring/call_detail.html",
        {
            "call": call,
            "rows": rows,
            "unranked": unranked,
            "mine": mine,
            "can_manage": request.user.has_perm("mentoring.manage"),
        },
    )


@requires("mentoring.review")
def application_review(request, code):
    application = get_object_or_404(Application.objects.select_related("call"), code=code)
    existing = Review.objects.filter(application=application, reviewer=request.user).first()
    initial = {"comment": existing.comment, "conflict": existing.conflict} if existing else {}
    if existing:
        initial.update({f"score_{k}": v for k, v in existing.scores.items()})
    form = ReviewForm(request.POST or None, criteria=application.call.criteria, initial=initial)
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
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("Your review was saved."))
            return redirect("mentoring:call", code=application.call.code)
    return render(
        request,
        "mentoring/application_review.html",
        {"application": application, "form": form, "existing": existing},
    )


@requires("mentoring.review")
def application_file(request, code, which):
    application = get_object_or_404(Application, code=code)
    if which not in {"cv", "writing_sample"}:
        raise Http404
    field = getattr(application, which)
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
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
    call = get_object_or_404(Call, code=code)
    form = QuotaForm(request.POST or request.GET or None)
    result = applications = None
    if form.is_bound and form.is_valid():
        result, applications = services.propose(call, _quotas(form))
        if request.method == "POST" and "confirm" in request.POST:
            chosen_pks = {int(pk) for pk in request.POST.getlist("chosen") if pk.isdigit()}
            chosen = list(call.applications.filter(pk__in=chosen_pks))
            try:
                services.decide(
                    call=call,
                    chosen=chosen,
                    quotas=[q.__dict__ for q in _quotas(form)],
                    result=result,
                    override_reason=request.POST.get("reason", ""),
                    by=request.user,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The cohort was recorded."))
                return redirect("mentoring:call", code=call.code)
    why = {pk: explain.reason(r) for pk, r in result.reasons.items()} if result else {}
    return render(
        request,
        "mentoring/selection.html",
        {
            "call": call,
            "form": form,
            "result": result,
            "applications": applications or {},
            "all_applications": [
                (a, why.get(a.pk, "")) for a in call.applications.order_by("name")
            ],
            "conflicts": [explain.quota(q) for q in result.conflicting] if result else [],
        },
    )


@requires("mentoring.manage")
def pairing(request, code):
    call = get_object_or_404(Call, code=code)
    mentees = [
        a.person
        for a in call.applications.filter(
            status=ApplicationStatus.SELECTED, person__isnull=False
        ).select_related("person")
    ]
    mentors = list(Person.objects.filter(can_mentor=True))
    form = PairingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        weights = Weights(cross_border=1.0 if form.cleaned_data["cross_border"] else 0.0)
        made = services.pair(
            mentees=mentees,
            mentors=[(m, form.cleaned_data["per_mentor"]) for m in mentors],
            call=call,
            by=request.user,
            weights=weights,
        )
        messages.success(
            request,
            _("%(n)s mentorships were made; change any pair in the back office.")
            % {"n": len(made)},
        )
        return redirect("mentoring:home")
    return render(
        request,
        "mentoring/pairing.html",
        {"call": call, "mentees": mentees, "mentors": mentors, "form": form},
    )


@requires("mentoring.view_mentoring")
def mentorship_detail(request, code):
    mentorship = get_mentorship_for(request.user, code)
    session_form = SessionForm(request.POST if "session" in request.POST else None)
    assessment_form = AssessmentForm(request.POST if "assessment" in request.POST else None)
    if request.method == "POST":
        try:
            if "session" in request.POST and session_form.is_valid():
                services.log_session(
                    mentorship=mentorship, by=request.user, **session_form.cleaned_data
                )
                messages.success(request, _("The session was logged."))
                return redirect("mentoring:mentorship", code=code)
            if "assessment" in request.POST and assessment_form.is_valid():
                services.assess(
                    mentorship=mentorship,
                    by=request.user,
                    stage=assessment_form.cleaned_data["stage"],
                    assessor=assessment_form.cleaned_data["assessor"],
                    scores=assessment_form.scores(),
                )
                messages.success(request, _("The assessment was saved."))
                return redirect("mentoring:mentorship", code=code)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    assessments = {(a.stage, a.assessor): a.scores for a in mentorship.assessments.all()}
    growth = {
        "labels": [str(label) for _key, label in SKILLS],
        "datasets": [
            {
                "label": f"{Stage(stage).label}",
                "data": [
                    (
                        assessments.get((stage, "mentor")) or assessments.get((stage, "self")) or {}
                    ).get(key)
                    for key, _label in SKILLS
                ],
            }
            for stage in Stage.values
            if any((stage, who) in assessments for who in ("mentor", "self"))
        ],
        "stacked": False,
    }
    path = convening_queries.paths([mentorship.mentee], viewer=request.user)[0]
    return render(
        request,
        "mentoring/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "sessions": mentorship.sessions.all(),
            "assessments": mentorship.assessments.all(),
            "skills": SKILLS,
            "growth": growth,
            "session_form": session_form,
            "assessment_form": assessment_form,
            "path": path,
        },
    )


@requires("mentoring.review")
def cohort_growth(request, code):
    call = get_object_or_404(Call, code=code)
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
