"""Forms of the mentorship page's editors: milestones, the plan, a change of mentor and
testimonials. Every choice goes through what the user may see (``UserForm``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenesh.core.forms import UserForm, VisibleCharField
from kenesh.mentoring import mentorship_services
from kenesh.mentoring.models import Attribution
from kenesh.papers.models import PolicyPaper
from kenesh.people.models import Person


def _date(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MilestoneForm(UserForm):
    title = VisibleCharField(label=_("Milestone"), max_length=200)
    due_on = _date(_("Due"))
    done_on = _date(
        _("Done on"), required=False, help_text=_("Leave empty while it is still to do.")
    )
    paper = forms.ModelChoiceField(
        label=_("Paper it produced"),
        queryset=PolicyPaper.objects.none(),
        required=False,
        empty_label=_("No paper"),
        to_field_name="code",
        help_text=_("One of the mentee's own papers."),
        error_messages={
            "invalid_choice": _("Choose one of the mentee's own papers that you can see.")
        },
    )

    def __init__(self, *args, mentorship, **kwargs):
        user = kwargs["user"]
        super().__init__(*args, **kwargs)
        self.fields["paper"].queryset = mentorship_services.mentee_papers(
            mentorship=mentorship, user=user
        )


class MilestoneDoneForm(forms.Form):
    done_on = _date(_("Done on"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class PlanForm(UserForm):
    goals = VisibleCharField(
        label=_("Plan and goals"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    review_on = _date(
        _("Review the plan by"),
        required=False,
        help_text=_("When the pair and staff look at the plan again."),
    )


class MentorChangeForm(UserForm):
    mentor = forms.ModelChoiceField(
        label=_("New mentor"),
        queryset=Person.objects.none(),
        to_field_name="code",
        empty_label=_("Choose a mentor"),
        error_messages={
            "required": _("Choose the new mentor."),
            "invalid_choice": _(
                "Choose someone the roster lists as able to mentor: not the young expert, "
                "nor the current mentor."
            ),
        },
    )
    reason = VisibleCharField(
        label=_("Why the mentor changes (kept with the mentorship)"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the mentor changes; the reason is kept.")},
    )

    def __init__(self, *args, mentorship, **kwargs):
        user = kwargs["user"]
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentorship_services.mentor_candidates(
            mentorship=mentorship, user=user
        )
        self.fields["mentor"].label_from_instance = lambda p: f"{p.name} ({p.name_latin})"


class TestimonialForm(UserForm):
    who = forms.ChoiceField(label=_("Whose words"), widget=forms.RadioSelect)
    quote = VisibleCharField(
        label=_("Quote"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attribution = forms.ChoiceField(
        label=_("Attribution"), choices=Attribution.choices, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(
        label=_("The person agreed that the programme uses these words as attributed."),
        error_messages={"required": _("A testimonial is recorded only with the person's consent.")},
    )
    consent_on = _date(_("Consent given on"))
    name_consent = forms.BooleanField(
        label=_(
            "They agreed to be named with this quote (needed for a named quote when their "
            "roster record has no consent to quotes with attribution)."
        ),
        required=False,
    )

    def __init__(self, *args, mentorship, **kwargs):
        kwargs.setdefault("initial", {"consent_on": timezone.localdate(), "who": "mentee"})
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = [
            (
                mentorship_services.MENTEE,
                _("The young expert, %(name)s") % {"name": mentorship.mentee.name},
            ),
            (
                mentorship_services.MENTOR,
                _("The mentor, %(name)s") % {"name": mentorship.mentor.name},
            ),
        ]
