"""Pages where programme staff merge two records of one person, and undo a merge."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from kenesh.access.decorators import requires
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.people import merge
from kenesh.people.merge_forms import MergeForm, shown
from kenesh.people.rules import get_merge_record_for, get_person_to_merge

# Refusals of the merge itself: the submission cannot be taken as it is.
REFUSALS = ("self", "merged", "hidden", "two_logins", "across_countries", "linked")
SEARCH_LIMIT = 20


def _status(form) -> int:
    fields = [*form.fields, "__all__"]
    if form.is_bound and any(form.has_error(f, code) for f in fields for code in REFUSALS):
        return 400
    return refusal_status(form)


@require_GET
@requires("people.merge_person")
def merge_start(request, code):
    """Whom to merge this person with: the possible duplicates, or a search."""
    person = get_person_to_merge(request.user, code)
    text = request.GET.get("q", "").strip()[:200]
    people = list(merge.candidates(person=person, user=request.user, text=text)[:SEARCH_LIMIT])
    return render(
        request,
        "people/merge_start.html",
        {"person": person, "people": people, "q": text, "limit": SEARCH_LIMIT},
    )


def _side(person):
    return {
        "person": person,
        "themes": [theme.label for theme in person.themes.all()],
        "counts": merge.counts_for(person),
    }


@requires("people.merge_person")
def merge_compare(request, code, other_code):
    """Both records side by side; staff choose the one kept and whose values stay."""
    this = get_person_to_merge(request.user, code)
    other = get_person_to_merge(request.user, other_code)
    form = MergeForm(request.POST or None, user=request.user, this=this, other=other)
    if request.method == "POST" and form.is_valid():
        kept, merged = form.kept_and_merged()
        try:
            record = merge.merge_people(
                kept=kept,
                merged=merged,
                by=request.user,
                take=form.take(),
                across_countries=form.cleaned_data.get("across_countries", False),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(merged)s was merged into %(kept)s: %(moved)s record moved. The merge "
                    "can be undone for a day from this page.",
                    "%(merged)s was merged into %(kept)s: %(moved)s records moved. The merge "
                    "can be undone for a day from this page.",
                    len(record.moves),
                )
                % {"merged": merged.name, "kept": kept.name, "moved": len(record.moves)},
            )
            return redirect("people:person-detail", code=kept.code)
    sides = [_side(this), _side(other)]
    facts = [
        (this._meta.get_field(name).verbose_name, shown(this, name), shown(other, name))
        for name in merge.FIELDS
    ]
    return render(
        request,
        "people/merge_compare.html",
        {
            "form": form,
            "this": this,
            "other": other,
            "sides": sides,
            "facts": facts,
            "same": this.pk == other.pk,
            "counts": list(zip(sides[0]["counts"], sides[1]["counts"], strict=True)),
        },
        status=_status(form),
    )


@require_GET
@requires("people.merge_person")
def merge_record(request, code):
    """A merge: who, when, what moved, and the undo while it is possible."""
    record = get_merge_record_for(request.user, code)
    return render(
        request,
        "people/merge_record.html",
        {
            "record": record,
            "can_undo": merge.can_undo(record),
            "set_aside": len(record.detached) + len(record.removed),
        },
    )


@require_POST
@requires("people.merge_person")
def merge_undo(request, code):
    record = get_merge_record_for(request.user, code)
    try:
        merge.undo_merge(record=record, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return render(
            request,
            "people/merge_record.html",
            {
                "record": record,
                "can_undo": False,
                "set_aside": len(record.detached) + len(record.removed),
            },
            status=400,
        )
    messages.success(
        request,
        _("The merge was undone: %(name)s is back on the roster with their own records.")
        % {"name": record.merged.name},
    )
    return redirect("people:merge-record", code=record.code)
