"""The form staff fill in to merge two records of one person."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import UserForm, add_service_errors
from kenesh.people import merge
from kenesh.people.models import Person

THIS, OTHER = "this", "other"


def shown(person: Person, name: str) -> str:
    """A compared field's value as the side-by-side page prints it."""
    if name == "organization":
        return str(person.organization) if person.organization_id else ""
    if name == "can_mentor":
        return str(_("yes") if person.can_mentor else _("no"))
    display = getattr(person, f"get_{name}_display", None)
    if display is not None:
        return str(display()) if getattr(person, name) else ""
    value = getattr(person, name)
    return "" if value is None else str(value)


def default_kept(this: Person, other: Person) -> str:
    """The record kept unless staff choose otherwise: the one with a login, else the
    older one (the one others have linked to longest)."""
    if other.user_id and not this.user_id:
        return OTHER
    if this.user_id and not other.user_id:
        return THIS
    return THIS if (this.created_at, this.pk) <= (other.created_at, other.pk) else OTHER


class MergeForm(UserForm):
    """Which record is kept, and for each field on which the two differ, whose value.

    A field left empty on one record defaults to the other's value; otherwise to the
    value of the record kept by default. A field not answered keeps that default.
    """

    keep = forms.ChoiceField(label=_("Record to keep"), widget=forms.RadioSelect)
    across_countries = forms.BooleanField(
        label=_("I have checked: these records from different countries are one person"),
        required=False,
    )

    def __init__(self, *args, this: Person, other: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.this, self.other = this, other
        self.fields["keep"].choices = [
            (THIS, _("%(name)s (this page's record)") % {"name": this.name}),
            (OTHER, _("%(name)s (the other record)") % {"name": other.name}),
        ]
        kept = default_kept(this, other)
        self.fields["keep"].initial = kept
        self.differing = merge.differing_fields(this, other)
        for name in self.differing:
            mine, theirs = shown(this, name), shown(other, name)
            initial = kept
            if not mine:
                initial = OTHER
            elif not theirs:
                initial = THIS
            self.fields[f"value_{name}"] = forms.ChoiceField(
                label=Person._meta.get_field(name).verbose_name,
                choices=[(THIS, mine or _("(empty)")), (OTHER, theirs or _("(empty)"))],
                initial=initial,
                required=False,
                widget=forms.RadioSelect,
            )
        if this.country == other.country:
            del self.fields["across_countries"]

    def rows(self):
        """(field, bound choice) for the template's side-by-side table."""
        return [(name, self[f"value_{name}"]) for name in self.differing]

    def kept_and_merged(self) -> tuple[Person, Person]:
        if self.cleaned_data["keep"] == THIS:
            return self.this, self.other
        return self.other, self.this

    def take(self) -> tuple[str, ...]:
        """The fields whose value comes from the record that is merged away."""
        keep = self.cleaned_data["keep"]
        return tuple(name for name in self.differing if self.choice(name) != keep)

    def choice(self, name: str) -> str:
        """Whose value of ``name`` stays: as ticked, else as the page proposed."""
        key = f"value_{name}"
        return self.cleaned_data.get(key) or self.fields[key].initial

    def clean(self):
        data = super().clean()
        if data.get("keep"):
            kept, merged = self.kept_and_merged()
            refusal = merge.refusal(
                kept=kept,
                merged=merged,
                across_countries=bool(data.get("across_countries")),
            )
            if refusal is not None:
                add_service_errors(self, refusal)
        return data
