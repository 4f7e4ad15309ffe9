from django import forms
from django.utils.translation import gettext_lazy as _

from kenesh.access.models import Role, User
from kenesh.convenings.models import Convening
from kenesh.core.uploads import check_upload
from kenesh.papers.models import PolicyPaper, Verdict
from kenesh.people.models import Country, Person, Theme

VERSION_FILES = {".docx", ".pdf"}
MAX_VERSION_FILE = 20 * 1024 * 1024


class PaperForm(forms.ModelForm):
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=Country.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    convenings = forms.ModelMultipleChoiceField(
        label=_("Discussed at"), queryset=Convening.objects.all(), required=False
    )
    lead = forms.ModelChoiceField(label=_("Lead author"), queryset=Person.objects.all())
    co_authors = forms.ModelMultipleChoiceField(
        label=_("Co-authors"), queryset=Person.objects.all(), required=False
    )
    mentor = forms.ModelChoiceField(
        label=_("Mentor"), queryset=Person.objects.filter(can_mentor=True), required=False
    )
    body = forms.CharField(
        label=_("First draft (Markdown)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    class Meta:
        model = PolicyPaper
        fields = [
            "title",
            "abstract",
            "language",
            "visibility",
            "themes",
            "countries",
            "convenings",
        ]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        lead, co, mentor = data.get("lead"), data.get("co_authors") or [], data.get("mentor")
        people = [p for p in [lead, *co, mentor] if p is not None]
        if len(people) != len(set(people)):
            raise forms.ValidationError(_("Each person can hold only one authorship role."))
        return data


class DraftForm(forms.Form):
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 24, "class": "editor"}),
    )
    base = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    file = forms.FileField(label=_("Or attach the paper as DOCX or PDF"), required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload, allowed=VERSION_FILES, max_bytes=MAX_VERSION_FILE)
        return upload


class ReviewersForm(forms.Form):
    mentor = forms.ModelChoiceField(
        label=_("Mentor reviewer"),
        queryset=User.objects.filter(role__in=[Role.MENTOR, Role.STAFF, Role.ADMINISTRATOR]),
    )
    peer = forms.ModelChoiceField(
        label=_("Peer reviewer"),
        queryset=User.objects.filter(role__in=[Role.EXPERT, Role.MENTOR, Role.STAFF]),
    )


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Recommendation"), choices=Verdict.choices)
    comments = forms.CharField(
        label=_("Comments"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 8})
    )
