from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kenesh.access.models import Role
from kenesh.convenings.models import Convening
from kenesh.core.forms import ModelMultipleChoiceField, UserForm, UserModelForm, VisibleCharField
from kenesh.core.uploads import check_upload
from kenesh.papers.models import PolicyPaper, ReviewKind, Verdict
from kenesh.papers.rules import MOVES, reviewer_refusal
from kenesh.people.models import Country, Person, Theme

VERSION_FILES = {".docx", ".pdf"}
MAX_VERSION_FILE = 20 * 1024 * 1024

# Error codes a form gives for a value no page offered: an id or code that is unknown,
# or names something the user may not know of. The views answer these with 400.


class PaperForm(UserModelForm):
    """A new paper. Convenings and people are those the user may know of."""

    themes = ModelMultipleChoiceField(
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
    convenings = ModelMultipleChoiceField(
        label=_("Discussed at"), queryset=Convening.objects.order_by("-starts_on"), required=False
    )
    lead = forms.ModelChoiceField(label=_("Lead author"), queryset=Person.objects.all())
    co_authors = ModelMultipleChoiceField(
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
    body = VisibleCharField(
        label=_("Text (Markdown)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 24, "class": "editor"}),
    )
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = VisibleCharField(label=_("What changed"), max_length=300, required=False)
    file = forms.FileField(label=_("Or attach the paper as DOCX or PDF"), required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload, allowed=VERSION_FILES, max_bytes=MAX_VERSION_FILE)
        return upload


class MoveForm(forms.Form):
    """One step of the workflow, with an optional note to the others."""

    action = forms.ChoiceField(
        choices=[(name, name) for name in MOVES],
        error_messages={"required": _("Unknown step."), "invalid_choice": _("Unknown step.")},
    )
    note = VisibleCharField(max_length=300, required=False)


class ReviewerField(forms.ModelChoiceField):
    """People of the roster; a name that cannot review this paper says why beside it."""

    def __init__(self, *args, paper=None, kind="", **kwargs):
        super().__init__(*args, **kwargs)
        self.paper, self.kind = paper, kind

    def label_from_instance(self, person):
        if self.paper is None:
            return str(person)
        if any(a.person_id == person.pk for a in self.paper.authorships.all()):
            note = _("author of this paper")
        elif person.user_id is None:
            note = _("no account yet: invite first")
        elif reviewer_refusal(self.paper, person, self.kind):
            note = _("cannot review")
        else:
            return str(person)
        return f"{person} ({note})"


class ReviewersForm(UserForm):
    """The paper's mentor and peer reviewers, chosen among people of the roster."""

    mentor = ReviewerField(
        label=_("Mentor reviewer"),
        queryset=Person.objects.filter(
            Q(can_mentor=True) | Q(user__role__in=[Role.MENTOR, Role.STAFF, Role.ADMINISTRATOR])
        )
        .select_related("user")
        .order_by("name"),
        help_text=_("A mentor or programme staff; not one of the paper's authors."),
    )
    peer = ReviewerField(
        label=_("Peer reviewer"),
        queryset=Person.objects.select_related("user").order_by("name"),
        help_text=_(
            "Someone of the roster with an account; not one of the paper's authors. "
            "People without an account are listed, marked: invite them first."
        ),
    )

    def __init__(self, *args, paper, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].paper, self.fields["mentor"].kind = paper, ReviewKind.MENTOR
        self.fields["peer"].paper, self.fields["peer"].kind = paper, ReviewKind.PEER


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Recommendation"), choices=Verdict.choices)
    comments = VisibleCharField(
        label=_("Comments"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 8})
    )
