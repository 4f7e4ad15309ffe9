"""The call editor: the call's texts in English and Russian, its dates and numbers, its
reviewers from the roster, and a formset of its criteria with their weights."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kenesh.access.models import Role
from kenesh.access.models import User as Account
from kenesh.core.forms import ModelMultipleChoiceField, UserModelForm, VisibleCharField
from kenesh.core.widgets import SearchablePicker
from kenesh.mentoring.models import Call
from kenesh.people.models import Person

# Who may be named a reviewer: those the review pages let in (staff and mentors).
REVIEWER_ROLES = [Role.MENTOR, Role.STAFF, Role.ADMINISTRATOR]


class ReviewerPicker(ModelMultipleChoiceField):
    """Accounts that may review, by their roster name, in the searchable picker."""

    widget = SearchablePicker

    def label_from_instance(self, account):
        person = getattr(account, "person", None)
        name = person.name if person else (account.get_full_name() or account.get_username())
        return f"{name} — {account.get_role_display()}"


def reviewer_choices(viewer):
    """Active accounts of mentors and staff whose roster record ``viewer`` may see (an
    account without a roster record is named by its login)."""
    return (
        Account.objects.filter(is_active=True)
        .filter(Q(role__in=REVIEWER_ROLES) | Q(is_superuser=True))
        .filter(Q(person__in=Person.objects.visible_to(viewer)) | Q(person__isnull=True))
        .select_related("person")
        .order_by("person__name", "username")
    )


class CallForm(UserModelForm):
    opens_on = forms.DateField(label=_("Opens"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The public form takes applications until the end of this day."),
    )
    cohort_size = forms.IntegerField(label=_("Places in the cohort"), min_value=1, max_value=500)
    min_reviews = forms.IntegerField(
        label=_("Reviews needed per application"),
        min_value=1,
        max_value=20,
        help_text=_(
            "An application is a candidate for the cohort only once this many reviewers "
            "have scored it."
        ),
    )

    class Meta:
        model = Call
        fields = [
            "title",
            "title_ru",
            "description",
            "description_ru",
            "opens_on",
            "closes_on",
            "cohort_size",
            "min_reviews",
        ]
        labels = {
            "title": _("Title in English"),
            "title_ru": _("Title in Russian"),
            "description": _("Description in English"),
            "description_ru": _("Description in Russian"),
        }
        help_texts = {
            "title_ru": _("Readers of the Russian interface see it; empty: the English one."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_ru": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["reviewers"] = ReviewerPicker(
            queryset=reviewer_choices(user),
            required=False,
            label=_("Reviewers"),
            help_text=_(
                "Mentors and staff with an account. Name none and every mentor may review "
                "the applications; name some and only they (and staff) may."
            ),
        )
        self.fields["reviewers"].widget.group_label = self.fields["reviewers"].label
        if self.instance.pk:
            self.initial.setdefault(
                "reviewers", list(self.instance.reviewers.values_list("pk", flat=True))
            )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The call must close after it opens."))
        return data

    def _post_clean(self):
        # The service writes the call: keep the form from setting the instance's fields
        # (an unsaved change there would read as stored by the service).
        pass


class CriterionForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=60)
    label = VisibleCharField(label=_("Criterion in English"), max_length=120)
    label_ru = VisibleCharField(label=_("Criterion in Russian"), max_length=120, required=False)
    weight = forms.DecimalField(
        label=_("Weight, %"),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class BaseCriterionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this criterion")

    def rows(self) -> list[dict]:
        """The criteria kept (filled in and not marked for removal), in order."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("label") and not form.cleaned_data.get("DELETE")
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    validate_max=True,
)
