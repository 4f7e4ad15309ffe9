import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import GuardedIdsMixin, VisibleTextMixin
from kenesh.people.models import CONSENT_FIELDS, Language, Person, Theme

EARLIEST_BIRTH_YEAR = 1920
YOUNGEST_AGE = 16


class ConsentFieldsMixin(forms.Form):
    """Consents appear as checkboxes; the service turns them into dated records."""

    directory_consent = forms.BooleanField(
        label=_("Show my profile to other members of the network"), required=False
    )
    quote_consent = forms.BooleanField(
        label=_("My words may be quoted with my name"), required=False
    )
    photo_consent = forms.BooleanField(label=_("Photographs of me may be used"), required=False)

    def init_consents(self, person):
        for field, attribute in CONSENT_FIELDS.items():
            if field in self.fields:
                self.fields[field].initial = getattr(person, attribute) is not None

    def consents(self) -> dict[str, bool]:
        return {f: self.cleaned_data[f] for f in CONSENT_FIELDS if f in self.cleaned_data}

    def cleaned_data_without_consents(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in CONSENT_FIELDS}


class PersonForm(GuardedIdsMixin, VisibleTextMixin, ConsentFieldsMixin, forms.ModelForm):
    """Everything staff may record about a person."""

    data_processing_consent = forms.BooleanField(
        label=_("Has consented to the processing of their data"), required=False
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Working languages"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "name_latin",
            "gender",
            "birth_year",
            "country",
            "city",
            "organization",
            "position",
            "sector",
            "track",
            "can_mentor",
            "themes",
            "languages",
            "expertise",
            "email",
            "phone",
            "messenger",
        ]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 4})}

    # Staff record what the person agreed to, so the consents speak of them.
    directory_consent = forms.BooleanField(
        label=_("Has agreed to be listed for other members"), required=False
    )
    quote_consent = forms.BooleanField(label=_("Has agreed to be quoted by name"), required=False)
    photo_consent = forms.BooleanField(
        label=_("Has agreed to photographs being used"), required=False
    )
    field_order = [*Meta.fields, "data_processing_consent", "directory_consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_consents(self.instance)
        self.fields["birth_year"].widget.attrs.update(
            {"min": EARLIEST_BIRTH_YEAR, "max": latest_birth_year()}
        )

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not EARLIEST_BIRTH_YEAR <= year <= latest_birth_year():
            raise forms.ValidationError(
                _("Enter a year of birth between %(first)s and %(last)s."),
                params={"first": EARLIEST_BIRTH_YEAR, "last": latest_birth_year()},
                code="birth_year_range",
            )
        return year


class OwnProfileForm(GuardedIdsMixin, VisibleTextMixin, ConsentFieldsMixin, forms.ModelForm):
    """The part of a profile an expert keeps up to date themselves."""

    themes = PersonForm.base_fields["themes"]
    languages = PersonForm.base_fields["languages"]

    class Meta:
        model = Person
        fields = ["position", "themes", "languages", "expertise", "email", "phone", "messenger"]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_consents(self.instance)


def latest_birth_year() -> int:
    return datetime.date.today().year - YOUNGEST_AGE
