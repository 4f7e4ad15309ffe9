from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import (
    ModelMultipleChoiceField,
    UserForm,
    UserModelForm,
    VisibleCharField,
    restrict_choices,
)
from kenesh.influence.models import Outcome, Recommendation, Response
from kenesh.people.models import Country

# Error codes a form gives for a value no page offered: an id that is unknown, or names
# something the user may not know of. The views answer these with 400.


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
