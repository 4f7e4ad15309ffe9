"""Pages where programme staff keep the organisations and themes of the roster."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kenesh.access.decorators import requires
from kenesh.core.forms import add_service_errors, refusal_status
from kenesh.people import vocabulary, vocabulary_queries
from kenesh.people.models import Organization, Theme
from kenesh.people.rules import get_organisation_for, get_theme_for
from kenesh.people.vocabulary_forms import OrganisationForm, ThemeForm


def _status(form) -> int:
    """400 for a duplicate, as for any submission the platform cannot take as it is."""
    if form.is_bound and any(form.has_error(name, "duplicate") for name in form.fields):
        return 400
    return refusal_status(form)


@requires("people.manage_vocabulary")
def organisation_list(request):
    text = request.GET.get("q", "").strip()
    paginator = Paginator(vocabulary_queries.organisations(text), settings.KENESH_ROSTER_PAGE_SIZE)
    return render(
        request,
        "people/organisation_list.html",
        {"page": paginator.get_page(request.GET.get("page")), "q": text},
    )


def _organisation_page(request, organisation):
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    heading = organisation.name if organisation.pk else None
    if request.method == "POST" and form.is_valid():
        try:
            saved = vocabulary.save_organisation(
                organisation=organisation if organisation.pk else None,
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation %(name)s was saved.") % {"name": saved})
            return redirect("people:organisation-list")
    return render(
        request,
        "people/organisation_form.html",
        {
            "form": form,
            "organisation": organisation if organisation.pk else None,
            "heading": heading,
        },
        status=_status(form),
    )


@requires("people.manage_vocabulary")
def organisation_create(request):
    return _organisation_page(request, Organization())


@requires("people.manage_vocabulary")
def organisation_edit(request, code):
    return _organisation_page(request, get_organisation_for(request.user, code))


@requires("people.manage_vocabulary")
def theme_list(request):
    return render(request, "people/theme_list.html", {"themes": vocabulary_queries.themes()})


def _theme_page(request, theme):
    form = ThemeForm(request.POST or None, instance=theme, user=request.user)
    heading = theme.name if theme.pk else None
    if request.method == "POST" and form.is_valid():
        try:
            saved = vocabulary.save_theme(
                theme=theme if theme.pk else None, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The theme %(name)s was saved.") % {"name": saved.name})
            return redirect("people:theme-list")
    return render(
        request,
        "people/theme_form.html",
        {"form": form, "theme": theme if theme.pk else None, "heading": heading},
        status=_status(form),
    )


@requires("people.manage_vocabulary")
def theme_create(request):
    return _theme_page(request, Theme())


@requires("people.manage_vocabulary")
def theme_edit(request, code):
    return _theme_page(request, get_theme_for(request.user, code))
