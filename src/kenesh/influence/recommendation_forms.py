"""Forms for writing recommendations (from a paper, or completing a draft made from
common ground) and the searchable picker other influence forms choose them with."""

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import ModelMultipleChoiceField, UserModelForm
from kenesh.core.widgets import SearchablePicker
from kenesh.influence import services
from kenesh.influence.models import DRAFT_ADDRESSEE, Level, Recommendation
from kenesh.people.models import Country, Theme


class RecommendationForm(UserModelForm):
    """What a recommendation says and to whom. The view gives the instance its paper (a
    new one) or passes the recommendation being edited or completed.

    A recommendation is complete with an addressee, a level, a theme and, unless it is
    addressed at the international level, the countries it concerns; a draft made from
    common ground becomes a recommendation only then, and the form says what is missing.
    """

    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=Country.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The countries it concerns; none only for the international level."),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.order_by("name"),
        empty_label=_("Choose a theme"),
        error_messages={"required": _("Choose the theme.")},
    )

    class Meta:
        model = Recommendation
        fields = ["text", "addressee", "level", "countries", "theme", "priority", "timeframe"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "text": {"required": _("Write the recommendation.")},
            "addressee": {"required": _("Say to whom the recommendation is addressed.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_draft and not self.is_bound:
            # A draft from common ground holds a placeholder: ask for the real addressee.
            self.initial["addressee"] = ""

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level and level != Level.INTERNATIONAL and not data.get("countries"):
            self.add_error("countries", services.no_countries())
        if data.get("addressee", "").strip() == DRAFT_ADDRESSEE:
            self.add_error("addressee", _("Say to whom the recommendation is addressed."))
        if self.instance.is_draft and self.errors:
            missing = [
                str(self.fields[name].label) for name in services.REQUIRED if name in self.errors
            ]
            if missing:
                self.add_error(
                    None,
                    _("To complete the draft, fill in: %(fields)s.")
                    % {"fields": ", ".join(missing)},
                )
        return data


class RecommendationPicker(ModelMultipleChoiceField):
    """Recommendations to choose, in the searchable picker: each labelled with its text
    and where it comes from (so the filter finds them by paper title too). The form
    narrows the queryset to what the viewer may see (``restrict_choices``)."""

    widget = SearchablePicker

    def __init__(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = picker_choices()
        super().__init__(queryset, **kwargs)
        self.widget.group_label = self.label

    def label_from_instance(self, obj):
        text = Truncator(obj.text).chars(160)
        source = obj.paper.title if obj.paper_id else _("from a conversation's common ground")
        return f"{text} — {source}"


def picker_choices():
    """Completed recommendations (a draft is neither presented nor taken up until staff
    complete it), by paper, in the paper's order."""
    return (
        Recommendation.objects.exclude(addressee=DRAFT_ADDRESSEE)
        .select_related("paper")
        .order_by("paper__title", "order", "pk")
    )
