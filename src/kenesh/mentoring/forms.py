import datetime
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from kenesh.core.forms import UserForm, UserModelForm, VisibleCharField
from kenesh.core.typography import percent
from kenesh.core.uploads import check_upload
from kenesh.mentoring import rubric
from kenesh.mentoring.models import SKILLS, Application, Assessor, Mode, Stage, criterion_label
from kenesh.mentoring.rules import assessors_for
from kenesh.people.models import Country, LanguageCode, Theme

APPLICATION_FILES = {".pdf", ".docx"}
MAX_APPLICATION_FILE = 5 * 1024 * 1024
CALL_COUNTRIES = [c for c in Country.choices if c[0] in {"KZ", "KG", "TJ", "UZ"}]


class SpamTrapInput(forms.TextInput):
    """A text box people never see nor hear: off screen, out of the accessibility tree
    and of the tab order. Bots that fill every field fill it and are caught."""

    template_name = "mentoring/widgets/spam_trap.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "tabindex": "-1", **(attrs or {})})

    @property
    def is_hidden(self):
        # Rendered among the hidden fields: no visible label or wrapper of its own.
        return True


class ApplicationForm(UserModelForm):
    """The public application form: no account needed."""

    country = forms.ChoiceField(label=_("Country"), choices=CALL_COUNTRIES)
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=LanguageCode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_("I agree that the programme processes these data to assess my application."),
        error_messages={"required": _("The application cannot be processed without your consent.")},
    )
    # Left empty by people (who never see it); filled by bots that fill every field.
    website = forms.CharField(required=False, label=_("Leave this empty"), widget=SpamTrapInput)

    class Meta:
        model = Application
        fields = [
            "name",
            "email",
            "country",
            "gender",
            "sector",
            "birth_year",
            "organization",
            "themes",
            "languages",
            "motivation",
            "cv",
            "writing_sample",
        ]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 6})}

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        this_year = datetime.date.today().year
        if not this_year - 40 <= year <= this_year - 18:
            raise forms.ValidationError(
                _("The call is for young experts aged 18 to 40 (born %(first)s to %(last)s).")
                % {"first": this_year - 40, "last": this_year - 18}
            )
        return year

    def _file(self, name):
        upload = self.cleaned_data[name]
        check_upload(upload, allowed=APPLICATION_FILES, max_bytes=MAX_APPLICATION_FILE)
        return upload

    def clean_cv(self):
        return self._file("cv")

    def clean_writing_sample(self):
        return self._file("writing_sample")

    def validate_unique(self):
        """A second application from the same email waits for the address's owner to
        confirm it (see services.apply); the form must not say the address is known."""


class ReviewForm(forms.Form):
    conflict = forms.BooleanField(
        label=_("I have a conflict of interest with this applicant"), required=False
    )
    comment = VisibleCharField(
        label=_("Comment"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        shares = dict(rubric.shares(criteria))
        for criterion in criteria:
            # The share, not the raw weight: weights may be multipliers (3, 2, 1) or per
            # cent, and scoring reads them as shares of their sum.
            label = pgettext(
                "a criterion and its share of the score", "%(criterion)s (weight %(share)s)"
            )
            self.fields[f"score_{criterion.key}"] = forms.IntegerField(
                label=label
                % {
                    "criterion": criterion_label(criterion),
                    "share": percent(shares[criterion.key]),
                },
                min_value=0,
                max_value=5,
                required=False,
            )
        self.criteria = criteria

    def clean(self):
        data = super().clean()
        if not data.get("conflict"):
            missing = [
                criterion_label(c) for c in self.criteria if data.get(f"score_{c.key}") is None
            ]
            if missing:
                raise forms.ValidationError(
                    _("Score every criterion from 0 to 5: %(missing)s.")
                    % {"missing": ", ".join(missing)}
                )
        return data

    def scores(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"score_{c.key}"] for c in self.criteria}


class QuotaForm(forms.Form):
    """Balance for the cohort: per country, gender and sector."""

    country_min = forms.IntegerField(
        label=_("At least per country"), min_value=0, max_value=20, initial=2
    )
    country_max = forms.IntegerField(
        label=_("At most per country"), min_value=0, max_value=20, initial=3
    )
    women_min = forms.IntegerField(label=_("At least women"), min_value=0, max_value=50, initial=5)
    sector_max = forms.IntegerField(
        label=_("At most per sector"), min_value=1, max_value=50, initial=4
    )


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices)
    topics = VisibleCharField(label=_("Topics"), max_length=300)
    notes = VisibleCharField(
        label=_("Notes (the pair and staff only)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssessmentForm(UserForm):
    """A skills assessment. Whose it is follows from who records it; only staff, who
    may record either, choose (and must)."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)

    def __init__(self, *args, mentorship, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = assessors_for(self.user, mentorship)
        if len(self.allowed) > 1:
            self.fields["assessor"] = forms.ChoiceField(
                label=_("Whose assessment"),
                choices=[("", "—"), *Assessor.choices],
                error_messages={
                    "required": _(
                        "Say whose assessment this is: the mentor's or the self-assessment."
                    )
                },
            )
        for key, label in SKILLS:
            self.fields[key] = forms.IntegerField(label=label, min_value=1, max_value=5)

    @property
    def records_as(self) -> str:
        """What the user records when they have no choice: shown above the form."""
        return Assessor(self.allowed[0]).label if len(self.allowed) == 1 else ""

    def assessor(self) -> str | None:
        return self.cleaned_data.get("assessor") or (
            self.allowed[0] if len(self.allowed) == 1 else None
        )

    def scores(self) -> dict:
        return {key: self.cleaned_data[key] for key, _label in SKILLS}


class CodesField(forms.ModelMultipleChoiceField):
    """Records chosen by their public code; a value that is no code at all is an
    unknown record too (``invalid_pk_value``), never a crash."""

    def _check_values(self, value):
        for item in value if isinstance(value, list | tuple) else []:
            try:
                uuid.UUID(str(item))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                ) from None
        return super()._check_values(value)


class CohortForm(UserForm):
    """The cohort staff record: applications of the call that have their reviews."""

    chosen = CodesField(
        label=_("Chosen"),
        queryset=Application.objects.none(),
        to_field_name="code",
        required=False,
        error_messages={
            "invalid_choice": _(
                "%(value)s is not an application of this call that can be chosen (it may "
                "await reviews)."
            ),
            "invalid_pk_value": _("“%(pk)s” is not an application code."),
        },
    )
    reason = VisibleCharField(
        label=_("If you change the proposal, say why (recorded)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].queryset = candidates


class PairingForm(UserForm):
    per_mentor = forms.IntegerField(
        label=_("Mentees per mentor, at most"), min_value=1, max_value=10, initial=1
    )
    cross_border = forms.BooleanField(
        label=_("Prefer a mentor from another country"), required=False, initial=True
    )
