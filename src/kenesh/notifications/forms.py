from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import UserForm
from kenesh.notifications import zones
from kenesh.notifications.models import CHOOSABLE, Frequency, Kind


class DeliveryForm(UserForm):
    """How messages reach the user: language, time zone, and for each kind, when."""

    language = forms.ChoiceField(
        label=_("Language of messages"),
        required=False,
        help_text=_("Empty: the language of your profile's working languages."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Meeting times in messages are given in this zone. Empty: your country's."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["language"].choices = [("", _("As my profile suggests"))] + [
            (code, name) for code, name in settings.LANGUAGES
        ]
        self.fields["time_zone"].choices = [("", _("My country's"))] + [
            (name, name.replace("_", " ")) for name in zones.OFFERED
        ]
        for kind in CHOOSABLE:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
            )

    def frequencies(self) -> dict:
        return {kind: self.cleaned_data[f"kind_{kind}"] for kind in CHOOSABLE}
