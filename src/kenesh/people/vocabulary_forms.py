"""Forms for the organisations and themes staff keep."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import UserModelForm, add_service_errors
from kenesh.people import vocabulary
from kenesh.people.models import Organization, Theme


class OrganisationForm(UserModelForm):
    # A bare address ("example.org") is taken as https, as Django 6 will.
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Organization
        fields = ["name", "name_en", "country", "sector", "website"]

    def clean(self):
        # Refuse a duplicate in the service's words; a field with an error is left out of
        # the model's own constraint check, so its generic message does not follow.
        data = super().clean()
        if data.get("name") and data.get("country"):
            refusal = vocabulary.organisation_duplicate(
                name=data["name"], country=data["country"], pk=self.instance.pk
            )
            if refusal is not None:
                add_service_errors(self, refusal)
        return data


class ThemeForm(UserModelForm):
    class Meta:
        model = Theme
        fields = ["slug", "name", "name_ru"]

    def clean(self):
        data = super().clean()
        if data.get("slug"):
            refusal = vocabulary.theme_duplicate(slug=data["slug"], pk=self.instance.pk)
            if refusal is not None:
                add_service_errors(self, refusal)
        return data
