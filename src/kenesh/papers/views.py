from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kenesh.access.decorators import public, requires
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.notifications import services as notify
from kenesh.papers import printing, queries, services
from kenesh.papers.forms import (
    DraftForm,
    MoveForm,
    PaperForm,
    ReviewersForm,
    ReviewForm,
)
from kenesh.papers.models import AuthorRole, Status
from kenesh.papers.rendering import line_diff, markdown_to_html
from kenesh.papers.rules import (
    MOVES,
    check_move,
    get_own_review_for,
    get_paper_for,
    get_public_paper,
)
from kenesh.people.models import Person

# Papers listed on one page of the list.
PAPERS_PER_PAGE = 25


def _refused(request, paper, message, status):
    return render(
        request, "papers/move_refused.html", {"paper": paper, "message": message}, status=status
    )


@requires("papers.view_papers")
def paper_list(request):
    status = request.GET.get("status")
    papers = queries.paper_list(request.user, status=status)
    page = Paginator(papers, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "papers/paper_list.html",
        {
            "page": page,
            "papers": page.object_list,
            "statuses": Status.choices,
            "status": status if status in Status.values else None,
        },
    )


@requires("papers.add_paper")
def paper_create(request):
    own = getattr(request.user, "person", None)
    form = PaperForm(request.POST or None, user=request.user, initial={"lead": own})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        authors = [(data["lead"], AuthorRole.LEAD)]
        authors += [(p, AuthorRole.CO_AUTHOR) for p in data["co_authors"]]
        if data["mentor"]:
            authors.append((data["mentor"], AuthorRole.MENTOR))
        try:
            paper = services.create_paper(
                by=request.user,
                authors=authors,
                themes=data["themes"],
                convenings=data["convenings"],
                body=data["body"],
                title=data["title"],
                abstract=data["abstract"],
                language=data["language"],
                visibility=data["visibility"],
                countries=data["countries"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The paper was started."))
            return redirect("papers:paper-detail", code=paper.code)
    return render(request, "papers/paper_form.html", {"form": form}, status=refusal_status(form))


def _latest(paper):
    return paper.versions.order_by("-number").first()


@requires("papers.view_papers")
def paper_detail(request, code):
    user = request.user
    paper = get_paper_for(user, code)
    latest = _latest(paper)
    workings = user.has_perm("papers.see_workings", paper)
    checks = [check_move(user, paper, name) for name in MOVES]
    return render(
        request,
        "papers/paper_detail.html",
        {
            "paper": paper,
            "latest": latest,
            "html": markdown_to_html(latest.body) if latest else "",
            "moves": [check for check in checks if check.allowed],
            "withheld": [check for check in checks if check.refusal == "not_ready"],
            "can_edit": user.has_perm("papers.edit_paper", paper),
            "insider": workings,
            **queries.paper_page(paper, workings=workings),
            "my_review": next((r for r in paper.reviews.all() if r.reviewer_id == user.pk), None),
            "can_manage": user.has_perm("papers.manage"),
        },
    )


@requires("papers.view_papers")
def paper_edit(request, code):
    paper = get_paper_for(request.user, code, to="edit")
    latest = _latest(paper)
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        initial={"body": latest.body if latest else "", "base": latest.number if latest else 0},
    )
    if request.method == "POST" and not form.is_valid() and "base" in form.errors:
        # The hidden version number changes only when someone alters the form.
        return _refused(
            request, paper, _("This form was altered or is out of date: open the draft again."), 400
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_version(
                paper=paper,
                body=data["body"],
                base=data["base"],
                by=request.user,
                note=data["note"],
                upload=data["file"],
            )
        except services.EditConflict as conflict:
            return render(
                request,
                "papers/paper_conflict.html",
                {
                    "paper": paper,
                    "latest": conflict.latest,
                    "mine": conflict.mine,
                    "diff": line_diff(conflict.latest.body, conflict.mine),
                    "form": DraftForm(
                        initial={
                            "body": conflict.mine,
                            "base": conflict.latest.number,
                            "note": data["note"],
                        }
                    ),
                },
                status=409,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("A new version was saved."))
            return redirect("papers:paper-detail", code=paper.code)
    return render(
        request, "papers/paper_edit.html", {"paper": paper, "form": form, "latest": latest}
    )


@requires("papers.view_papers")
def paper_diff(request, code):
    paper = get_paper_for(request.user, code)
    if not request.user.has_perm("papers.see_workings", paper):
        # Superseded drafts are the authors' and reviewers' business: readers of a
        # published paper have its published text, and no other version exists for them.
        raise Http404
    versions = {v.number: v for v in paper.versions.all()}
    if "a" in request.GET or "b" in request.GET:
        try:
            a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
        except ValueError:
            raise Http404 from None
    else:
        latest = max(versions) if versions else 0
        a, b = max(latest - 1, 1), latest
    if a not in versions or b not in versions:
        raise Http404
    return render(
        request,
        "papers/paper_diff.html",
        {
            "paper": paper,
            "a": versions[a],
            "b": versions[b],
            "rows": line_diff(versions[a].body, versions[b].body),
            "numbers": sorted(versions),
        },
    )


@require_POST
@requires("papers.view_papers")
def paper_move(request, code):
    paper = get_paper_for(request.user, code)
    form = MoveForm(request.POST)
    if not form.is_valid():
        problems = [message for errors in form.errors.values() for message in errors]
        return _refused(request, paper, " ".join(problems), 400)
    action = form.cleaned_data["action"]
    try:
        services.move(paper=paper, action=action, by=request.user, note=form.cleaned_data["note"])
    except PermissionDenied as refusal:
        return _refused(request, paper, str(refusal) or _("Not allowed."), 403)
    except ValidationError as error:
        return _refused(request, paper, " ".join(error.messages), 409)
    messages.success(
        request, _("The paper moved to “%(status)s”.") % {"status": Status(MOVES[action][0]).label}
    )
    return redirect("papers:paper-detail", code=paper.code)


@requires("papers.manage")
def paper_reviewers(request, code):
    paper = get_paper_for(request.user, code)
    current = {review.kind: review.reviewer_id for review in paper.reviews.all()}
    people = dict(Person.objects.filter(user_id__in=current.values()).values_list("user_id", "pk"))
    form = ReviewersForm(
        request.POST or None,
        user=request.user,
        paper=paper,
        initial={kind: people.get(user_id) for kind, user_id in current.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_reviewers(
                paper=paper,
                by=request.user,
                site=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reviewers were assigned."))
            for person in (form.cleaned_data["mentor"], form.cleaned_data["peer"]):
                if not notify.address_of(person):
                    messages.warning(
                        request,
                        _("%(name)s has no e-mail address on the platform: tell them yourself.")
                        % {"name": person.name},
                    )
            return redirect("papers:paper-detail", code=paper.code)
    return render(
        request,
        "papers/paper_reviewers.html",
        {"paper": paper, "form": form, "reviews": paper.reviews.all()},
        status=refusal_status(form),
    )


@requires("papers.view_papers")
def paper_review(request, code):
    paper = get_paper_for(request.user, code, to="review")
    review = get_own_review_for(
        request.user, paper, request.GET.get("kind") or request.POST.get("kind") or "peer"
    )
    form = ReviewForm(
        request.POST or None, initial={"verdict": review.verdict, "comments": review.comments}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_review(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your review was submitted."))
            return redirect("papers:paper-detail", code=paper.code)
    latest = _latest(paper)
    return render(
        request,
        "papers/paper_review.html",
        {
            "paper": paper,
            "review": review,
            "form": form,
            "html": markdown_to_html(latest.body) if latest else "",
        },
        status=refusal_status(form),
    )


@require_GET
@requires("papers.view_papers")
def paper_pdf(request, code):
    """The published paper as a tagged PDF; a paper not published has no PDF: its drafts
    stay on its page, with the people making it."""
    paper = get_paper_for(request.user, code)
    if paper.status != Status.PUBLISHED:
        raise Http404
    try:
        pdf = printing.pdf_of(paper, viewer=request.user, base_url=request.build_absolute_uri("/"))
    except (ImportError, OSError):
        # WeasyPrint needs Pango from the system; say so rather than fail.
        return render(request, "papers/pdf_unavailable.html", {"paper": paper}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = printing.content_disposition(paper.title)
    return response


@require_GET
@public
def paper_public(request, code):
    """A published public paper, for anyone, without signing in: its published text and
    the recommendations recorded with it, never its drafts or reviews."""
    paper = get_public_paper(code)
    return render(
        request,
        "papers/paper_public.html",
        {
            "paper": paper,
            "html": printing.published_html(paper, printing.published_version(paper)),
            "recommendations": printing.recommendations_for(paper, None),
        },
    )
