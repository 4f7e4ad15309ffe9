import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.people.models import (
    Country,
    Gender,
    LanguageCode,
    Person,
    Sector,
    Theme,
    Track,
)


class RosterFilter(django_filters.FilterSet):
    """The roster's search and filters; also narrows the diversity summary and the export."""

    q = django_filters.CharFilter(
        label=_("Name"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name in Cyrillic or Latin"), "type": "search"}
        ),
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=Country.choices)
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=Gender.choices)
    track = django_filters.ChoiceFilter(label=_("Track"), choices=Track.choices)
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        to_field_name="slug",
        queryset=Theme.objects.all(),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), field_name="languages__code", choices=LanguageCode.choices
    )

    class Meta:
        model = Person
        fields = ["q", "country", "sector", "gender", "track", "theme", "language"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filtered(self):
        """The matching people, or none at all when a filter value is invalid: a wrong
        filter must not silently widen the result to everyone."""
        if self.is_bound and not self.is_valid():
            return Person.objects.none()
        return self.qs


class DiversityFilter(RosterFilter):
    """The roster's filters without the name search: counts must not confirm that a
    named person exists to someone who may not see names."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("q")
