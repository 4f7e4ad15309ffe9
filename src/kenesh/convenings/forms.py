import mimetypes
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kenesh.convenings.models import (
    Convening,
    DocumentKind,
    Inject,
    Role,
    Session,
    SessionRole,
)
from kenesh.people.models import Theme

# What a convening may hold: office documents, PDFs, plain text and pictures, each
# recognised by its name and by its first bytes.
ALLOWED_UPLOADS = {
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [b"PK\x03\x04"],
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [b"PK\x03\x04"],
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", [b"PK\x03\x04"]),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".txt": ("text/plain", []),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ConveningForm(forms.ModelForm):
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
            "summary", "outputs",
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


class InviteForm(forms.Form):
    """Invite people chosen from the roster's filters."""

    people = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTICIPANT)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = candidates
        self.fields["people"].label_from_instance = lambda p: (
            f"{p.name} ({p.name_latin}), {p.get_country_display()}"
        )


class SessionRoleForm(forms.Form):
    participation = forms.ModelChoiceField(label=_("Participant"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=SessionRole.choices)

    def __init__(self, *args, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participation"].queryset = participations
        self.fields["participation"].label_from_instance = lambda p: str(p.person)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.KENESH_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)}
            )
        extension = Path(upload.name).suffix.lower()
        if extension not in ALLOWED_UPLOADS:
            raise forms.ValidationError(
                _("Files of this type cannot be attached. Allowed: %(types)s.")
                % {"types": ", ".join(sorted(ALLOWED_UPLOADS))}
            )
        content_type, signatures = ALLOWED_UPLOADS[extension]
        head = upload.read(16)
        upload.seek(0)
        if signatures and not any(head.startswith(sig) for sig in signatures):
            raise forms.ValidationError(
                _("The file's content does not match its name (%(ext)s).") % {"ext": extension}
            )
        if extension == ".txt":
            try:
                upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("A text file must be UTF-8.")) from None
            finally:
                upload.seek(0)
        self.content_type = content_type or mimetypes.guess_type(upload.name)[0]
        return upload


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    inject = forms.ModelChoiceField(
        label=_("In response to"), queryset=Inject.objects.none(), required=False
    )

    def __init__(self, *args, scenario, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inject"].queryset = scenario.injects.filter(released_at__isnull=False)
