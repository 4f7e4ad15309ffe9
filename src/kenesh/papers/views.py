from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kenesh.access.decorators import public, requires
from kenesh.papers import services
from kenesh.papers.forms import DraftForm, PaperForm, ReviewersForm, ReviewForm
from kenesh.papers.models import AuthorRole, PaperReview, PolicyPaper, Status, Visibility
from kenesh.papers.rendering import line_diff, markdown_to_html
from kenesh.papers.rules import MOVES, get_paper_for, may_move


@requires("papers.view_papers")
def paper_list(request):
    papers = (
        PolicyPaper.objects.visible_to(request.user)
        .prefetch_related("authorships__person", "themes")
        .order_by("-created_at")
    )
    status = request.GET.get("status")
    if status in Status.values:
        papers = papers.filter(status=status)
    return render(
        request,
        "papers/paper_list.html",
        {"papers": papers, "statuses": Status.choices, "status": status},
    )


@requires("papers.add_paper")
def paper_create(request):
    own = getattr(request.user, "person", None) if request.user.is_authenticated else None
    form = PaperForm(request.POST or None, initial={"lead": own})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        authors = [(data["lead"], AuthorRole.LEAD)]
        authors += [(p, AuthorRole.CO_AUTHOR) for p in data["co_authors"]]
        if data["mentor"]:
            authors.append((data["mentor"], AuthorRole.MENTOR))
        if not request.user.has_perm("papers.manage") and own not in [p for p, _r in authors]:
            form.add_error(None, _("You must be one of the authors of a paper you start."))
        else:
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
            messages.success(request, _("The paper was started."))
            return redirect("papers:paper-detail", code=paper.code)
    return render(request, "papers/paper_form.html", {"form": form})


def _latest(paper):
    return paper.versions.order_by("-number").first()


@requires("papers.view_papers")
def paper_detail(request, code):
    paper = get_paper_for(request.user, code)
    latest = _latest(paper)
    user = request.user
    insider = (
        user.has_perm("papers.manage")
        or any(a.person.user_id == user.pk for a in paper.authorships.all())
        or any(r.reviewer_id == user.pk for r in paper.reviews.all())
    )
    return render(
        request,
        "papers/paper_detail.html",
        {
            "paper": paper,
            "latest": latest,
            "html": markdown_to_html(latest.body) if latest else "",
            "moves": [
                (name, MOVES[name][0])
                for name in MOVES
                if may_move(user, paper, name) and paper.can_move_to(MOVES[name][0])
            ],
            "can_edit": user.has_perm("papers.edit_paper", paper),
            "insider": insider,
            "versions": paper.versions.select_related("created_by") if insider else [],
            "events": paper.events.select_related("by") if insider else [],
            "reviews": paper.reviews.select_related("reviewer") if insider else [],
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
            form.add_error(None, error)
        else:
            messages.success(request, _("A new version was saved."))
            return redirect("papers:paper-detail", code=paper.code)
    return render(
        request, "papers/paper_edit.html", {"paper": paper, "form": form, "latest": latest}
    )


@requires("papers.view_papers")
def paper_diff(request, code):
    paper = get_paper_for(request.user, code)
    versions = {v.number: v for v in paper.versions.all()}
    try:
        a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        a = b = 0
    if a not in versions or b not in versions:
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
    action = request.POST.get("action", "")
    try:
        services.move(
            paper=paper, action=action, by=request.user, note=request.POST.get("note", "")[:300]
        )
    except PermissionDenied as refusal:
        return render(
            request,
            "papers/move_refused.html",
            {"paper": paper, "message": str(refusal) or _("Not allowed.")},
            status=403,
        )
    except ValidationError as error:
        return render(
            request,
            "papers/move_refused.html",
            {"paper": paper, "message": " ".join(error.messages)},
            status=409,
        )
    messages.success(
        request, _("The paper moved to “%(status)s”.") % {"status": Status(MOVES[action][0]).label}
    )
    return redirect("papers:paper-detail", code=paper.code)


@requires("papers.manage")
def paper_reviewers(request, code):
    paper = get_paper_for(request.user, code)
    form = ReviewersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_reviewers(paper=paper, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The reviewers were assigned."))
            return redirect("papers:paper-detail", code=paper.code)
    return render(request, "papers/paper_reviewers.html", {"paper": paper, "form": form})


@requires("papers.view_papers")
def paper_review(request, code):
    paper = get_paper_for(request.user, code, to="review")
    review = get_object_or_404(
        PaperReview,
        paper=paper,
        reviewer=request.user,
        kind=request.GET.get("kind") or request.POST.get("kind") or "peer",
    )
    form = ReviewForm(
        request.POST or None, initial={"verdict": review.verdict, "comments": review.comments}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_review(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
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
    )


def _print_html(request, paper):
    latest = _latest(paper)
    return render_to_string(
        "papers/paper_print.html",
        {
            "paper": paper,
            "html": markdown_to_html(latest.body) if latest else "",
            "authors": paper.authorships.all(),
        },
        request=request,
    )


@requires("papers.view_papers")
def paper_pdf(request, code):
    paper = get_paper_for(request.user, code)
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        # WeasyPrint needs Pango from the system; say so rather than fail.
        return render(request, "papers/pdf_unavailable.html", {"paper": paper}, status=503)
    pdf = HTML(
        string=_print_html(request, paper), base_url=request.build_absolute_uri("/")
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kenesh-paper-{paper.code}.pdf"'
    return response


@public
def paper_public(request, code):
    """A published public paper, for anyone, without signing in."""
    paper = get_object_or_404(
        PolicyPaper.objects.prefetch_related("authorships__person"),
        code=code,
        status=Status.PUBLISHED,
        visibility=Visibility.PUBLIC,
    )
    latest = _latest(paper)
    return render(
        request,
        "papers/paper_public.html",
        {
            "paper": paper,
            "html": markdown_to_html(latest.body) if latest else "",
        },
    )
