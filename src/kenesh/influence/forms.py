from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import UserForm, UserModelForm, VisibleCharField
from kenesh.influence.models import Outcome, Response
from kenesh.influence.recommendation_forms import RecommendationPicker

# Error codes a form gives for a value no page offered: an id that is unknown, or names
# something the user may not know of. The views answer these with 400.


class PresentationForm(UserForm):
    """Recommendations presented at a briefing, several at once (a briefing presents a
    paper's recommendations together), with the audience's response to them."""

    recommendations = RecommendationPicker(
        label=_("Recommendations presented"),
        error_messages={"required": _("Choose at least one recommendation.")},
    )
    response = forms.ChoiceField(label=_("Audience's response"), choices=Response.choices)
    notes = VisibleCharField(
        label=_("Notes"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, briefing, **kwargs):
        super().__init__(*args, **kwargs)
        # What was presented there already is not offered again. (The queryset was
        # narrowed to what the viewer may see by UserForm.)
        field = self.fields["recommendations"]
        field.queryset = field.queryset.exclude(presentations__briefing=briefing)


class OutcomeForm(UserModelForm):
    recommendations = RecommendationPicker(
        label=_("Recommendations taken up"),
        error_messages={"required": _("Link the recommendations the outcome took up.")},
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
