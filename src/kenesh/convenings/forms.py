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
from kenesh.core.uploads import check_upload
from kenesh.people.models import Theme

# What a convening may hold: office documents, PDFs, plain text and pictures.
DOCUMENT_TYPES = {".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".png", ".jpg", ".jpeg", ".txt"}


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
        self.content_type = check_upload(
            upload, allowed=DOCUMENT_TYPES, max_bytes=settings.KENESH_MAX_UPLOAD_BYTES
        )
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
