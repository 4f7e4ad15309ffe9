from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import UserForm, UserModelForm, VisibleCharField, restrict_choices
from kenesh.influence.models import Outcome, Recommendation, Response
from kenesh.people.models import Country

# Error codes a form gives for a value no page offered: an id that is unknown, or names
# something the user may not know of. The views answer these with 400.
TAMPERED = ("invalid_choice", "invalid_pk_value", "invalid_list")


def names_unknown_choice(form: forms.BaseForm) -> bool:
    """Whether ``form`` was refused because a field named a choice it does not offer."""
    return any(form.has_error(name, code) for name in form.errors for code in TAMPERED)


# The widest id a database integer holds; a larger one is no record's, and SQLite would
# overflow on it rather than find nothing.
_LARGEST_ID = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing ids out of the database's integer range as unknown ones
    (on SQLite they would otherwise raise OverflowError: a 500 instead of a message)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                try:
                    number = int(str(pk))
                except (TypeError, ValueError):
                    continue  # Django's own check names it
                if abs(number) > _LARGEST_ID:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


def form_status(form: forms.BaseForm) -> int:
    """The status of a page showing ``form``: 400 when it named an unknown choice."""
    return 400 if form.is_bound and names_unknown_choice(form) else 200


class RecommendationForm(UserModelForm):
    """What a recommendation says and to whom. The view gives the instance its paper (a
    new one) or passes the recommendation being completed."""

    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=Country.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Recommendation
        fields = ["text", "addressee", "level", "countries", "theme", "priority", "timeframe"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_draft and not self.is_bound:
            # A draft from common ground holds a placeholder: ask for the real addressee.
            self.initial["addressee"] = ""


class PresentationForm(UserForm):
    recommendation = forms.ModelChoiceField(
        label=_("Recommendation"), queryset=Recommendation.objects.none()
    )
    response = forms.ChoiceField(label=_("Audience's response"), choices=Response.choices)
    notes = VisibleCharField(
        label=_("Notes"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = choices
        restrict_choices(self, self.user)


class OutcomeForm(UserModelForm):
    recommendations = ModelMultipleChoiceField(
        label=_("Recommendations taken up"), queryset=Recommendation.objects.select_related("paper")
    )

    class Meta:
        model = Outcome
        fields = [
            "change",
            "social_actor",
            "when",
            "platform",
            "significance",
            "contribution",
            "evidence",
            "substantiation",
            "substantiated_by",
            "implements",
            "recommendations",
        ]
        widgets = {
            "when": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                f: forms.Textarea(attrs={"rows": 2})
                for f in ("change", "significance", "contribution", "evidence")
            },
        }
