from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from kenesh.convenings.models import (
    Convening,
    DocumentKind,
    Role,
    Session,
    SessionRole,
)
from kenesh.core.forms import UserForm, UserModelForm, VisibleCharField
from kenesh.core.uploads import check_upload
from kenesh.people.models import Person, Theme

# What a convening may hold: office documents, PDFs, plain text and pictures.
DOCUMENT_TYPES = {".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".png", ".jpg", ".jpeg", ".txt"}


# Errors meaning the submission named something the form never offered: an id or code
# that is malformed, belongs to no record or to another convening's, or a row the page
# shows disabled.
class CodeChoiceField(forms.ModelChoiceField):
    """A choice sent as its public code: a malformed code is as unknown as a wrong one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, to_field_name="code", **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code == "invalid_choice":
                raise
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


class CodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices sent as public codes: a malformed code is as unknown as a wrong one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, to_field_name="code", **kwargs)

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code != "invalid":
                raise
            raise ValidationError(
                self.error_messages["invalid_pk_value"],
                code="invalid_pk_value",
                params={"pk": error.params.get("value") if error.params else ""},
            ) from error


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ConveningForm(UserModelForm):
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Convening
        fields = [
            "kind", "title", "series", "starts_on", "ends_on", "answer_by", "city", "country",
            "host_country", "online", "confidentiality", "themes", "audience", "audience_scope",
            "summary", "outputs", "reminder_days",
        ]  # fmt: skip
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "answer_by": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "outputs": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        if data.get("answer_by") and data.get("ends_on") and data["answer_by"] > data["ends_on"]:
            self.add_error("answer_by", _("Answers must be due before the convening ends."))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["starts_at", "ends_at", "title", "format", "description", "notes"]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }


class InviteForm(UserForm):
    """Invite people chosen from the roster's filters; only people the user may see
    are offered or accepted."""

    people = CodeMultipleChoiceField(
        label=_("People"), queryset=Person.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTICIPANT)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            # Offer the roster filter's matches; restrict_choices has already narrowed
            # the field to the people the user may see, and this narrows it further.
            self.fields["people"].queryset = self.fields["people"].queryset.filter(
                pk__in=candidates.values("pk")
            )
        self.fields["people"].label_from_instance = lambda p: (
            f"{p.name} ({p.name_latin}), {p.get_country_display()}"
        )


class SessionRoleForm(UserForm):
    """Name a participant speaker, facilitator or moderator of one of the convening's
    sessions; sessions and participants of other convenings are refused."""

    session = CodeChoiceField(label=_("Session"), queryset=None)
    participation = forms.ModelChoiceField(label=_("Participant"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=SessionRole.choices)

    def __init__(self, *args, convening, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = convening.sessions.all()
        self.fields["session"].label_from_instance = lambda s: " ".join(
            (date_format(localtime(s.starts_at), "SHORT_DATETIME_FORMAT"), s.title)
        )
        self.fields["participation"].queryset = (
            convening.participations.holding_place()
            .select_related("person")
            .order_by("person__name_latin")
        )
        self.fields["participation"].label_from_instance = lambda p: str(p.person)


class AttendanceForm(forms.Form):
    """Who came and each one's role, for the participations of one convening.

    The page posts ``role-<id>`` and ``attended=<id>`` for its rows; an id that is not a
    number, names no participation, or one of another convening, is refused as a
    whole, and so is attendance for someone who declined."""

    def __init__(self, data, *, participations):
        super().__init__(data)
        self.participations = {str(p.pk): p for p in participations}

    def clean(self):
        roles, attended = {}, set()
        unknown = []
        for key in self.data:
            if not key.startswith("role-"):
                continue
            place_id = key.removeprefix("role-")
            if place_id not in self.participations:
                unknown.append(place_id)
                continue
            role = self.data.get(key)
            if role not in Role.values:
                raise ValidationError(
                    _("Unknown role: %(role)s. Nothing was saved.") % {"role": role},
                    code="unknown",
                )
            roles[self.participations[place_id].pk] = role
        for place_id in self.data.getlist("attended"):
            participation = self.participations.get(place_id)
            if participation is None:
                unknown.append(place_id)
            elif not participation.holds_place:
                raise ValidationError(
                    _(
                        "%(name)s declined the invitation, so their attendance cannot be "
                        "recorded. Nothing was saved."
                    )
                    % {"name": participation.person.name},
                    code="declined",
                )
            else:
                attended.add(participation.pk)
        if unknown:
            raise ValidationError(
                _(
                    "These are not participants of this convening: %(ids)s. Nothing was "
                    "saved; reload the page and try again."
                )
                % {"ids": ", ".join(unknown[:5])},
                code="unknown",
            )
        return {"roles": roles, "attended": attended}


class DocumentForm(forms.Form):
    title = VisibleCharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = check_upload(
            upload, allowed=DOCUMENT_TYPES, max_bytes=settings.KENESH_MAX_UPLOAD_BYTES
        )
        return upload


class DecisionForm(UserForm):
    """A team's decision, optionally answering an inject released by the time the
    form is sent (the players' screen refreshes the choices as injects come)."""

    text = VisibleCharField(
        label=_("Decision"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    inject = CodeChoiceField(label=_("In response to"), queryset=None, required=False)

    def __init__(self, *args, scenario, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inject"].queryset = scenario.injects.filter(
            released_at__isnull=False
        ).order_by("order")
