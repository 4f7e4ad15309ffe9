"""Forms of the scenario editor: title and brief, the teams and injects as rows, and the
past scenario to start from."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.convenings.forms import CodeChoiceField
from kenesh.convenings.models import Convening, Scenario
from kenesh.convenings.scenario_services import LARGEST_ORDER, TeamRow, team_name_clash
from kenesh.core.forms import UserForm, VisibleCharField

# More rows than this in one save is not a scenario but a forged submission.
MOST_ROWS = 60


class ScenarioForm(UserForm):
    title = VisibleCharField(label=_("Title"), max_length=200)
    brief = VisibleCharField(
        label=_("Brief"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What every player reads first: the situation and what is at stake."),
    )


class ScenarioChoiceField(CodeChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} · {obj.convening.title} ({obj.convening.starts_on.year})"


class DuplicateForm(UserForm):
    """A past scenario to copy: only those of convenings the user may know exist."""

    source = ScenarioChoiceField(label=_("Past scenario"), queryset=Scenario.objects.none())

    def __init__(self, *args, convening, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            Scenario.objects.filter(convening__in=Convening.objects.visible_to(self.user))
            .exclude(convening=convening)
            .select_related("convening")
            .order_by("-convening__starts_on", "title")
        )
        self.fields["source"].empty_label = _("Choose a past scenario")


class RowForm(UserForm):
    """A row of a formset: the row's existing record by code (empty for a new one)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = CodeChoiceField(
            queryset=rows, required=False, widget=forms.HiddenInput
        )
        self.order_fields(["code"])


class TeamForm(RowForm):
    name = VisibleCharField(label=_("Team name"), max_length=100)
    role_card = VisibleCharField(
        label=_("Role card"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Whom the team plays and what it wants; shown to its members."),
    )
    order = forms.IntegerField(
        label=pgettext_lazy("order in a list", "Position"), min_value=0, max_value=LARGEST_ORDER
    )


class InjectForm(RowForm):
    order = forms.IntegerField(label=_("Number"), min_value=1, max_value=LARGEST_ORDER)
    planned_minute = forms.IntegerField(
        label=_("Planned minute"),
        min_value=0,
        max_value=32767,
        help_text=_("Minutes after the exercise starts."),
    )
    title = VisibleCharField(label=_("Title"), max_length=200)
    body = VisibleCharField(
        label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class BaseRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, user, rows, extra_initial=None, **kwargs):
        self.user = user
        self.rows = rows
        self.extra_initial = extra_initial or {}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = {"user": self.user, "rows": self.rows}
        if index is not None and index >= len(self.initial or ()) and self.extra_initial:
            # A new row is numbered after the last one and the new rows before it, alike
            # when shown and when sent, so that a row left blank counts as unchanged.
            step = index - len(self.initial or ())
            kwargs["initial"] = {
                **self.extra_initial,
                "order": self.extra_initial["order"] + step,
            }
        return kwargs

    def new_row(self, index: int):
        """The blank row ``index``, as the formset would build it when sent."""
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix(index),
            empty_permitted=True,
            use_required_attribute=False,
            renderer=self.renderer,
            **self.get_form_kwargs(index),
        )
        self.add_fields(form, index)
        return form

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            user=self.user,
            rows=self.rows,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def kept(self):
        """The filled rows, each with whether it is to be removed."""
        out = []
        for form in self.forms:
            if not form.has_changed() and not form.cleaned_data.get("code"):
                continue
            out.append((form.cleaned_data, self._should_delete_form(form)))
        return out

    def clean(self):
        if any(self.errors):
            return
        codes = [f.cleaned_data.get("code") for f in self.forms if f.cleaned_data.get("code")]
        if len(set(codes)) != len(codes):
            raise forms.ValidationError(
                _("A row was sent twice; nothing was saved. Reload the page."), code="unknown"
            )


class TeamFormSetBase(BaseRowFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [
            TeamRow(None, name=data.get("name", ""), remove=remove) for data, remove in self.kept()
        ]
        clash = team_name_clash(rows)
        if clash:
            raise forms.ValidationError(
                _("Two teams are called “%(name)s”; give each team its own name.")
                % {"name": clash},
                code="duplicate",
            )


class InjectFormSetBase(BaseRowFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        orders = [data["order"] for data, remove in self.kept() if not remove]
        twice = sorted({o for o in orders if orders.count(o) > 1})
        if twice:
            raise forms.ValidationError(
                _("Two injects have the number %(order)s; give each inject its own number.")
                % {"order": twice[0]},
                code="duplicate",
            )


TeamFormSet = forms.formset_factory(
    TeamForm, formset=TeamFormSetBase, extra=1, can_delete=True,
    max_num=MOST_ROWS, validate_max=True, absolute_max=MOST_ROWS,
)  # fmt: skip
InjectFormSet = forms.formset_factory(
    InjectForm, formset=InjectFormSetBase, extra=1, can_delete=True,
    max_num=MOST_ROWS, validate_max=True, absolute_max=MOST_ROWS,
)  # fmt: skip
