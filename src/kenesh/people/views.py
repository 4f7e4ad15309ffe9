import json
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kenesh.access.decorators import requires
from kenesh.core.audit import log_action
from kenesh.core.exports import safe_writer
from kenesh.core.forms import UserForm, add_service_errors, refusal_status
from kenesh.people import queries, services, subject
from kenesh.people.filters import DiversityFilter, RosterFilter
from kenesh.people.forms import OwnProfileForm, PersonForm
from kenesh.people.models import Person
from kenesh.people.rules import get_own_person, get_person_for

logger = logging.getLogger(__name__)


def _filtered(request):
    filterset = RosterFilter(request.GET or None, queryset=Person.objects.visible_to(request.user))
    return filterset, filterset.filtered()


@requires("people.view_roster")
def roster(request):
    filterset, people = _filtered(request)
    paginator = Paginator(queries.roster(people), settings.KENESH_ROSTER_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "people/roster_table.html" if request.htmx else "people/roster_list.html"
    return render(
        request,
        template,
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@requires("people.export_roster")
def roster_export(request):
    filterset, people = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('people:roster')}?{request.GET.urlencode()}")
    people = queries.for_export(people).order_by("country", "name_latin")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="kenesh-roster-{stamp}.csv"'
    response.write("\ufeff")  # lets spreadsheet programs read Cyrillic as UTF-8
    writer = safe_writer(response)
    writer.writerow(
        [
            _("Code"), _("Name as written"), _("Name in Latin letters"), _("Gender"),
            _("Year of birth"), _("Country"), _("City"), _("Organisation"), _("Position"),
            _("Sector"), _("Track"), _("Themes"), _("Working languages"), _("Email"),
            _("Phone"), _("Messenger handle"), _("Consent to data processing"),
            _("Listed for members"),
        ]
    )  # fmt: skip
    count = 0
    for person in people:
        count += 1
        writer.writerow(
            [
                person.code, person.name, person.name_latin, person.get_gender_display(),
                person.birth_year or "", person.get_country_display(), person.city,
                person.organization.name if person.organization else "", person.position,
                person.get_sector_display(), person.get_track_display(),
                "; ".join(t.label for t in person.themes.all()),
                "; ".join(str(lang) for lang in person.languages.all()),
                person.email, person.phone, person.messenger,
                _date(person.data_processing_consent_at), _date(person.directory_consent_at),
            ]
        )  # fmt: skip
    log_action(
        request.user,
        "people.roster.exported",
        by=request.user,
        data={"filters": request.GET.dict(), "rows": count},
    )
    return response


def _date(value):
    return timezone.localtime(value).date().isoformat() if value else ""


@requires("people.view_roster")
def person_detail(request, code):
    person = get_person_for(request.user, code)
    duplicates = []
    if request.user.has_perm("people.change_person"):
        duplicates = list(queries.possible_duplicates(person))
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "show_contacts": request.user.has_perm("people.view_contacts", person),
            "duplicates": duplicates,
            "can_withdraw": request.user.has_perm("people.withdraw_person", person),
            "can_restore": request.user.has_perm("people.restore_person", person),
        },
    )


@requires("people.add_person")
def person_create(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.create_person(
            by=request.user, consents=form.consents(), **form.cleaned_data_without_consents()
        )
        messages.success(request, _("%(name)s was added to the roster.") % {"name": person})
        _warn_duplicates(request, person)
        return redirect("people:person-detail", code=person.code)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@requires("people.change_person")
def person_edit(request, code):
    person = get_person_for(request.user, code, to="edit")
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.update_person(
            person=person,
            by=request.user,
            consents=form.consents(),
            **form.cleaned_data_without_consents(),
        )
        messages.success(request, _("Changes to %(name)s were saved.") % {"name": person})
        _warn_duplicates(request, person)
        return redirect("people:person-detail", code=person.code)
    return render(request, "people/person_form.html", {"form": form, "person": person})


def _warn_duplicates(request, person):
    warning = queries.duplicate_warning(person)
    if warning:
        messages.warning(request, warning)


@require_POST
@requires("people.view_roster")
def person_withdraw(request, code):
    """Hide me now: the person, or staff, withdraws them from every page a non-staff
    reader sees. Nothing changes unless the form's confirmation box is ticked."""
    person = get_person_for(request.user, code)
    if not request.user.has_perm("people.withdraw_person", person):
        raise PermissionDenied
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm; nothing was changed."))
        return redirect("people:person-detail", code=person.code)
    services.withdraw_person(person=person, by=request.user)
    if person.user_id == request.user.pk and not request.user.has_perm("people.restore_person"):
        text = _(
            "You are hidden: other members, observers and the public now see you only as "
            "an expert from your country. Only programme staff can undo this."
        )
    else:
        text = _(
            "%(name)s is withdrawn: readers other than staff and this person now see "
            "“an expert from %(country)s”."
        ) % {"name": person.name, "country": person.get_country_display()}
    messages.success(request, text)
    return redirect("people:person-detail", code=person.code)


@require_POST
@requires("people.restore_person")
def person_restore(request, code):
    """Staff bring a withdrawn person back to the pages they were shown on before."""
    person = get_person_for(request.user, code)
    services.restore_person(person=person, by=request.user)
    messages.success(
        request, _("%(name)s is shown again wherever they were before.") % {"name": person.name}
    )
    return redirect("people:person-detail", code=person.code)


@requires("people.edit_own_profile")
def own_profile(request):
    return redirect("people:person-detail", code=get_own_person(request.user).code)


@requires("people.edit_own_profile")
def own_profile_edit(request):
    person = get_own_person(request.user)
    form = OwnProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.update_own_profile(
            person=person,
            by=request.user,
            consents=form.consents(),
            **form.cleaned_data_without_consents(),
        )
        messages.success(request, _("Your profile was saved."))
        return redirect("people:person-detail", code=person.code)
    return render(request, "people/profile_form.html", {"form": form, "person": person})


@requires("people.view_diversity")
def diversity(request):
    """Counts of the whole roster, whoever looks; only the counts show.

    Staff filter freely and see exact counts. Others get fixed tables with small counts
    hidden: filters would let them subtract one table from another.
    """
    exact = request.user.has_perm("people.view_exact_counts")
    filterset = None
    people = Person.objects.all()
    if exact:
        filterset = DiversityFilter(request.GET or None, queryset=people)
        people = filterset.filtered()
    by = request.GET.get("by", "gender")
    by_error = None
    if by not in queries.DIMENSIONS:
        by, by_error = "gender", _("Unknown breakdown; showing the breakdown by gender.")
    return render(
        request,
        "people/diversity_summary.html",
        {
            "filter": filterset,
            "summary": queries.diversity(people, by=by, exact=exact),
            "by": by,
            "by_error": by_error,
            "dimensions": [
                ("gender", _("Gender")),
                ("track", _("Track")),
                ("sector", _("Sector")),
            ],
            "small_cell": queries.SMALL_CELL,
        },
    )


def _export(request, person, *, back):
    """The person's data as a readable page, or with ``?format=json`` as a download."""
    as_json = request.GET.get("format") == "json"
    log_action(
        person,
        "people.person.exported",
        by=request.user,
        data={"as": "json" if as_json else "page"},
    )
    if as_json:
        body = json.dumps(
            subject.as_json(person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        name = f"kenesh-person-{str(person.code)[:8]}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "people/person_export.html",
        {
            "person": person,
            "groups": subject.gather(person),
            "back": back,
            "json_url": "?format=json",
        },
    )


@requires("people.export_roster")
def person_export(request, code):
    """Staff: everything held on a person, from every part of the platform."""
    person = get_person_for(request.user, code)
    return _export(
        request, person, back=reverse("people:person-detail", kwargs={"code": person.code})
    )


@requires("people.edit_own_profile")
def profile_export(request):
    """A person's own data, as staff would export it."""
    return _export(request, get_own_person(request.user), back=reverse("people:profile"))


class EraseForm(UserForm):
    confirmation = forms.CharField(
        label=gettext_lazy("Type the person's name in Latin letters to confirm"),
        max_length=200,
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirmation(self):
        typed = " ".join(self.cleaned_data["confirmation"].split())
        if typed.casefold() != " ".join(self.person.name_latin.split()).casefold():
            raise forms.ValidationError(
                _("The name typed does not match %(name)s; nothing was erased.")
                % {"name": self.person.name_latin}
            )
        return typed


@requires("people.delete_person")
def person_erase(request, code):
    """Staff erase a person on request: a confirmation page, then one atomic service."""
    person = get_person_for(request.user, code)
    form = None
    if person.erased_at is None:
        form = EraseForm(request.POST or None, user=request.user, person=person)
    elif request.method == "POST":
        messages.error(request, _("This person's data was erased already; nothing was changed."))
        return redirect("people:person-detail", code=person.code)
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_person(person=person, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        except services.ErasureFailed:
            logger.exception("Erasure of person %s failed", person.code)
            form.add_error(
                None,
                _(
                    "The erasure could not be completed, so nothing was changed: no name, "
                    "file or login. Try again, or tell the platform's administrator."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "The person's data was erased. Their participations, votes and "
                    "authorships stay under the pseudonym %(pseudonym)s."
                )
                % {"pseudonym": subject.pseudonym_for(person)},
            )
            return redirect("people:person-detail", code=person.code)
    return render(
        request,
        "people/person_erase.html",
        {"person": person, "form": form},
        status=refusal_status(form) if form is not None else 200,
    )
