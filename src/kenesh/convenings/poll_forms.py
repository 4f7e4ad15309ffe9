"""Forms of date polls: staff propose a time in a zone they choose; invitees mark each
proposed time."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.convenings.poll_models import Answer
from kenesh.notifications import zones


class SlotForm(forms.Form):
    """A time proposed for the convening, entered in a zone (the convening's by default)
    and stored in UTC."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    zone = forms.ChoiceField(
        label=_("Time zone of these times"), choices=[(name, name) for name in zones.OFFERED]
    )

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The proposed start and end as aware datetimes, from the zone database."""
        zone = zones.zone_named(self.cleaned_data["zone"])
        day = self.cleaned_data["day"]
        return (
            datetime.datetime.combine(day, self.cleaned_data["starts_at"], zone),
            datetime.datetime.combine(day, self.cleaned_data["ends_at"], zone),
        )


def field_name(slot) -> str:
    return f"slot-{slot.code}"


class PollAnswerForm(forms.Form):
    """One labelled radio group per proposed time still to come; a time left unmarked
    keeps its earlier answer, if any."""

    def __init__(self, *args, slots, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = [slot for slot in slots if not slot.is_past]
        answers = answers or {}
        for slot in self.slots:
            self.fields[field_name(slot)] = forms.ChoiceField(
                label=str(slot),
                choices=Answer.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=answers.get(slot.pk),
            )

    def answers(self) -> dict:
        """Slot -> answer for each time marked."""
        return {
            slot: self.cleaned_data[field_name(slot)]
            for slot in self.slots
            if self.cleaned_data.get(field_name(slot))
        }

    def rows(self):
        """(slot, bound field) pairs, for a fieldset per time."""
        return [(slot, self[field_name(slot)]) for slot in self.slots]
