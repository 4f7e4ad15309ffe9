"""The page where programme staff change a paper's authors and mentor."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kenesh.access.decorators import requires
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.papers import author_services
from kenesh.papers.author_forms import AddAuthorForm, AuthorForm, MentorForm, RemoveAuthorForm
from kenesh.papers.models import AuthorRole
from kenesh.papers.rules import get_paper_for

# The search narrows the list of people offered when the roster is longer than this.
SEARCH_FROM = 30
ACTIONS = ("add", "change", "remove", "mentor")


def _parts(paper):
    rows = sorted(paper.authorships.all(), key=lambda row: (row.order, row.pk))
    writers = [row for row in rows if row.role != AuthorRole.MENTOR]
    mentor = next((row for row in rows if row.role == AuthorRole.MENTOR), None)
    return writers, mentor


def _forms(request, paper, writers, mentor, *, search: str, bound: str = ""):
    """The page's forms, the one named ``bound`` filled with the submission."""
    user = request.user
    data = request.POST if bound else None

    def given(name):
        return data if bound == name else None

    rows = [
        (
            row,
            AuthorForm(
                given("change") if _posted_person(request, bound) == str(row.person.code) else None,
                user=user,
                paper=paper,
                writers=writers,
                initial={"person": row.person.code, "role": row.role, "position": n},
            ),
        )
        for n, row in enumerate(writers, start=1)
    ]
    return {
        "rows": rows,
        "add_form": AddAuthorForm(given("add"), user=user, paper=paper, search=search),
        "remove_form": RemoveAuthorForm(given("remove"), user=user, paper=paper, writers=writers),
        "mentor_form": MentorForm(
            given("mentor"),
            user=user,
            paper=paper,
            current=mentor.person if mentor else None,
            initial={"mentor": mentor.person.code if mentor else None},
        ),
    }


def _posted_person(request, bound: str) -> str:
    return request.POST.get("person", "") if bound == "change" else ""


def _render(request, paper, *, search="", bound="", refusal="", status=200, forms=None):
    writers, mentor = _parts(paper)
    context = forms or _forms(request, paper, writers, mentor, search=search)
    return render(
        request,
        "papers/paper_authors.html",
        {
            "paper": paper,
            "writers": writers,
            "mentor": mentor,
            "locked": author_services.locked_reason(paper),
            "refusal": refusal,
            "search": search,
            "searchable": author_services.candidates(request.user).count() > SEARCH_FROM,
            **context,
        },
        status=status,
    )


def _do(action: str, form, *, paper, by):
    data = form.cleaned_data
    if action == "add":
        author_services.add_author(paper=paper, person=data["person"], role=data["role"], by=by)
        return _("%(name)s was added to the authors.") % {"name": data["person"].name}
    if action == "remove":
        author_services.remove_author(paper=paper, person=data["person"], by=by)
        return _("%(name)s was taken off the authors.") % {"name": data["person"].name}
    if action == "change":
        author_services.change_author(
            paper=paper,
            person=data["person"],
            role=data["role"],
            position=data["position"],
            by=by,
        )
        return _("The authors were saved.")
    author_services.set_mentor(paper=paper, person=data["mentor"], by=by)
    return _("The mentor was saved.")


@requires("papers.manage")
def paper_authors(request, code):
    paper = get_paper_for(request.user, code)
    search = request.GET.get("q", "").strip()[:100]
    if request.method != "POST":
        return _render(request, paper, search=search)
    locked = author_services.locked_reason(paper)
    if locked:
        return _render(request, paper, refusal=locked, status=409)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return _render(request, paper, refusal=_("Unknown change."), status=400)
    writers, mentor = _parts(paper)
    forms = _forms(request, paper, writers, mentor, search="", bound=action)
    form = _bound_form(forms, action)
    if form is None:
        # A role or place posted for someone who is not an author of the paper.
        refusal = _("This person is not an author of the paper.")
        return _render(request, paper, refusal=refusal, status=400)
    if form.is_valid():
        try:
            done = _do(action, form, paper=paper, by=request.user)
        except PermissionDenied as refusal:
            return _render(request, paper, refusal=str(refusal), status=403)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("papers:paper-authors", code=paper.code)
    status = refusal_status(form)
    return _render(request, paper, status=400 if status == 200 else status, forms=forms)


def _bound_form(forms, action):
    if action == "add":
        return forms["add_form"]
    if action == "remove":
        return forms["remove_form"]
    if action == "mentor":
        return forms["mentor_form"]
    return next((form for _row, form in forms["rows"] if form.is_bound), None)
