from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.influence.models import Outcome, Recommendation, Response
from kenesh.people.models import Country


class RecommendationForm(forms.ModelForm):
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


class PresentationForm(forms.Form):
    recommendation = forms.ModelChoiceField(
        label=_("Recommendation"), queryset=Recommendation.objects.none()
    )
    response = forms.ChoiceField(label=_("Audience's response"), choices=Response.choices)
    notes = forms.CharField(
        label=_("Notes"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = choices


class OutcomeForm(forms.ModelForm):
    recommendations = forms.ModelMultipleChoiceField(
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
