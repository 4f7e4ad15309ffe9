"""Staff forms of monitoring: phases, the theory of change, the results framework,
periods, targets, values entered by hand, and reports.

Forms check what a form can see (choices, numbers, the shape of disaggregations); the
services check the rest and their refusals come back through ``add_service_errors``.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kenesh.core.forms import UserForm, UserModelForm
from kenesh.core.typography import quoted
from kenesh.core.uploads import check_upload
from kenesh.influence.models import Outcome
from kenesh.mentoring.models import Assessment, Mentorship, Testimonial
from kenesh.monitoring import services
from kenesh.monitoring.indicators import REGISTRY, dimension_labels
from kenesh.monitoring.models import (
    AssumptionEvidence,
    ChangeStatement,
    Indicator,
    IndicatorKind,
    Level,
    Period,
    Phase,
    Report,
    ResultNode,
)
from kenesh.monitoring.queries import indicators_of
from kenesh.people.models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _drop_blank(field):
    field.choices = [(value, label) for value, label in field.choices if value]


def _rows(n):
    return forms.Textarea(attrs={"rows": n})


def plain_number(value: Decimal | None) -> str:
    """A stored value as people write it: 10, not 10.0000 or 1E+1."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def query_choices():
    return [("", gettext_lazy("— none (entered by hand) —"))] + [
        (key, f"{computed.name} ({key})") for key, computed in REGISTRY.items()
    ]


# --- phases and the theory of change --------------------------------------------------


class PhaseForm(UserModelForm):
    class Meta:
        model = Phase
        fields = list(services.PHASE_FIELDS)
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": _rows(4)}
        help_texts = {
            "currency": gettext_lazy("Three capital letters, for example USD or EUR."),
            "iati_identifier": gettext_lazy(
                "The activity's identifier in IATI files: the publisher's prefix, a hyphen, "
                "the activity's own code."
            ),
        }


class StatementForm(UserModelForm):
    class Meta:
        model = ChangeStatement
        fields = ["if_text", "then_text", "because_text", "order"]
        widgets = {"if_text": _rows(2), "then_text": _rows(2), "because_text": _rows(2)}
        labels = {
            "if_text": gettext_lazy("If the programme does this"),
            "then_text": gettext_lazy("Then this changes"),
            "because_text": gettext_lazy("Because"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A new statement goes last; its place is changed when it is edited.
            del self.fields["order"]


class AssumptionForm(UserForm):
    text = forms.CharField(label=gettext_lazy("Assumption"), max_length=2000, widget=_rows(3))


class EvidenceForm(UserModelForm):
    """Evidence for or against an assumption: exactly one outcome, assessment,
    testimonial (among those the user may see) or link."""

    link = forms.URLField(
        label=gettext_lazy("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Or the address of a page outside the platform."),
    )

    class Meta:
        model = AssumptionEvidence
        fields = ["stance", "outcome", "assessment", "testimonial", "link", "note"]
        widgets = {"stance": forms.RadioSelect, "note": _rows(2)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.user
        self.fields["outcome"].queryset = Outcome.objects.visible_to(user).order_by("-when")
        self.fields["assessment"].queryset = (
            Assessment.objects.filter(mentorship__in=Mentorship.objects.visible_to(user))
            .select_related("mentorship__mentor", "mentorship__mentee")
            .order_by("-created_at")
        )
        self.fields["assessment"].label_from_instance = _assessment_label
        self.fields["testimonial"].queryset = (
            Testimonial.objects.filter(person__in=Person.objects.visible_to(user))
            .select_related("person")
            .order_by("-consent_at")
        )
        self.fields["testimonial"].label_from_instance = _testimonial_label
        _drop_blank(self.fields["stance"])


def _assessment_label(assessment) -> str:
    return _("%(mentorship)s: %(stage)s, %(assessor)s") % {
        "mentorship": assessment.mentorship,
        "stage": assessment.get_stage_display(),
        "assessor": assessment.get_assessor_display(),
    }


def _testimonial_label(testimonial) -> str:
    return f"{quoted(testimonial.quote[:80])} — {testimonial.attributed_to}"


# --- results framework -------------------------------------------------------------------


class NodeForm(UserModelForm):
    """A goal, outcome or output of ``phase``; it contributes to a result of that phase."""

    class Meta:
        model = ResultNode
        fields = ["level", "parent", "ref", "title", "order"]
        widgets = {"title": _rows(2)}
        help_texts = {
            "parent": gettext_lazy(
                "An outcome contributes to the goal, an output to an outcome; the goal to nothing."
            ),
        }

    def __init__(self, *args, phase, **kwargs):
        super().__init__(*args, **kwargs)
        parents = ResultNode.objects.filter(phase=phase).exclude(level=Level.OUTPUT)
        if self.instance.pk is not None:
            del self.fields["level"]
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("order", "ref")
        self.fields["order"].required = False

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class IndicatorForm(UserModelForm):
    """An indicator's reference sheet. A computed one chooses its query from the
    registry and its disaggregations among that query's dimensions."""

    query_key = forms.ChoiceField(
        label=gettext_lazy("Registered query"),
        required=False,
        help_text=gettext_lazy("For a computed indicator: the query over the records it reads."),
    )
    disaggregations = forms.MultipleChoiceField(
        label=gettext_lazy("Disaggregations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Indicator
        fields = [
            "node",
            "ref",
            "name",
            "kind",
            "query_key",
            "disaggregations",
            "definition",
            "unit",
            "measure",
            "method",
            "data_source",
            "frequency",
            "responsible",
            "counts_people",
            "baseline_value",
            "baseline_on",
            "baseline_note",
            "order",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "baseline_on": DATE,
            "definition": _rows(3),
            "method": _rows(3),
            "baseline_note": _rows(2),
        }
        help_texts = {
            "counts_people": gettext_lazy(
                "For values entered by hand: whether they count people (observers then never "
                "see a group under five)."
            ),
        }

    def __init__(self, *args, phase, query=None, refresh_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        if refresh_url:
            # With JavaScript, choosing a query redraws the checkboxes with its dimensions.
            self.fields["query_key"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-trigger": "change",
                    "hx-target": "#id_disaggregations",
                    "hx-select": "#id_disaggregations",
                    "hx-swap": "outerHTML",
                }
            )
        self.fields["node"].queryset = ResultNode.objects.filter(phase=phase).order_by(
            "order", "ref"
        )
        if self.instance.pk is not None:
            del self.fields["node"]
        _drop_blank(self.fields["kind"])
        self.fields["query_key"].choices = query_choices()
        self.fields["order"].required = False
        labels = dimension_labels()
        chosen = query or (self.instance.query_key if self.instance.pk else None)
        if not self.is_bound and chosen in REGISTRY:
            # Offer the chosen query's dimensions; a bound form takes any the registry
            # knows and the indicator's own check names those the query lacks.
            keys = [d.key for d in REGISTRY[chosen].dimensions]
        else:
            keys = list(labels)
        self.fields["disaggregations"].choices = [(key, labels[key]) for key in keys]
        self.fields["disaggregations"].help_text = _(
            "A computed indicator is split only by its query's dimensions (see the table "
            "below the form)."
        )
        if query in REGISTRY and not self.is_bound:
            self.initial["query_key"] = query
            self.initial["kind"] = IndicatorKind.COMPUTED

    def clean_order(self):
        return self.cleaned_data.get("order") or 0

    def clean(self):
        data = super().clean()
        if data.get("kind") == IndicatorKind.ENTERED and data.get("query_key"):
            self.add_error("query_key", _("An indicator entered by hand is not bound to a query."))
        if data.get("kind") == IndicatorKind.COMPUTED and not data.get("query_key"):
            self.add_error(
                "query_key", _("Choose the registered query a computed indicator reads.")
            )
        return data


def query_dimensions() -> list[tuple[str, object, list]]:
    """(key, name, dimension labels) of every registered query, for the page's table."""
    labels = dimension_labels()
    return [
        (key, computed.name, [labels[d.key] for d in computed.dimensions])
        for key, computed in REGISTRY.items()
    ]


# --- periods and targets -------------------------------------------------------------------


class PeriodForm(UserModelForm):
    class Meta:
        model = Period
        fields = list(services.PERIOD_FIELDS)
        widgets = {"starts_on": DATE, "ends_on": DATE}


TARGET_PREFIX = "target-"


class TargetGridForm(UserForm):
    """One target per period of the indicator's phase. A target set once can be
    changed, not cleared."""

    def __init__(self, *args, periods, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = list(periods)
        self.targets = targets  # period id -> Target
        for period in self.periods:
            target = targets.get(period.pk)
            self.fields[f"{TARGET_PREFIX}{period.code}"] = forms.DecimalField(
                label=period.name,
                required=False,
                max_digits=16,
                decimal_places=4,
                initial=None if target is None else plain_number(target.value),
            )

    def clean(self):
        data = super().clean()
        offered = set(self.fields)
        sent = {key for key in self.data if key.startswith(TARGET_PREFIX)}
        if sent - offered:
            raise ValidationError(
                _("A target is set for one of the periods of its indicator's phase."),
                code="unknown",
            )
        for period in self.periods:
            name = f"{TARGET_PREFIX}{period.code}"
            if data.get(name) is None and period.pk in self.targets and name not in self.errors:
                self.add_error(name, _("A target once set can be changed, not removed."))
        return data

    def rows(self):
        """(period, bound field, target) for each period, in order."""
        return [
            (period, self[f"{TARGET_PREFIX}{period.code}"], self.targets.get(period.pk))
            for period in self.periods
        ]

    def changes(self):
        """(period, target or None, value) for every target to create or change."""
        for period in self.periods:
            value = self.cleaned_data.get(f"{TARGET_PREFIX}{period.code}")
            target = self.targets.get(period.pk)
            if value is None:
                continue
            if target is None or target.value != value:
                yield period, target, value


# --- values entered by hand -----------------------------------------------------------------


def _parse_cells(text: str) -> dict:
    cells = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        category, colon, number = line.rpartition(":")
        category = category.strip()
        try:
            value = Decimal(number.strip())
        except ArithmeticError:
            value = None
        # Beyond a trillion is a typing slip, and a huge exponent would cost memory.
        sane = value is not None and value.is_finite() and abs(value) < 10**12
        if not colon or not category or not sane:
            raise ValidationError(
                _("Write one category a line, then a colon and a number: “%(line)s”.")
                % {"line": line[:80]}
            )
        cells[category] = int(value) if value == value.to_integral_value() else float(value)
    return cells


class EnteredValueForm(UserForm):
    """A value typed in for one period, with its evidence (a file, a link, or both) and
    its disaggregations, one textarea per dimension of the indicator."""

    period = forms.ModelChoiceField(label=gettext_lazy("Period"), queryset=Period.objects.none())
    value = forms.DecimalField(label=gettext_lazy("Value"), max_digits=16, decimal_places=4)
    evidence_file = forms.FileField(
        label=gettext_lazy("Evidence (file)"),
        required=False,
        help_text=gettext_lazy("PDF, Word, Excel, PowerPoint, OpenDocument, picture or text."),
    )
    evidence_link = forms.URLField(
        label=gettext_lazy("Evidence (link)"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["period"].queryset = Period.objects.filter(
            phase_id=indicator.node.phase_id
        ).order_by("starts_on", "kind")
        labels = dimension_labels()
        for dimension in indicator.disaggregations:
            self.fields[f"by-{dimension}"] = forms.CharField(
                label=_("By %(dimension)s") % {"dimension": labels.get(dimension, dimension)},
                required=False,
                max_length=3000,
                widget=_rows(3),
                help_text=_("One category a line, a colon, then its number (for example “KG: 4”)."),
            )

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            check_upload(
                upload,
                allowed=services.EVIDENCE_TYPES,
                max_bytes=settings.KENESH_MAX_UPLOAD_BYTES,
            )
        return upload

    def clean(self):
        data = super().clean()
        breakdowns = {}
        for dimension in self.indicator.disaggregations:
            name = f"by-{dimension}"
            text = data.get(name) or ""
            try:
                cells = _parse_cells(text)
            except ValidationError as error:
                self.add_error(name, error)
                continue
            if cells:
                breakdowns[dimension] = cells
        data["breakdowns"] = breakdowns
        no_file = not data.get("evidence_file") and "evidence_file" not in self.errors
        if no_file and not data.get("evidence_link") and "evidence_link" not in self.errors:
            self.add_error("evidence_link", _("Attach the evidence: a file, a link, or both."))
        return data


class ApproveForm(UserForm):
    """Nothing to fill in: the button approves; refusals show above it."""


# --- reports -----------------------------------------------------------------------------------


class ReportForm(UserModelForm):
    """A report's title, narrative and what it shares with the donor."""

    shared_dimensions = forms.MultipleChoiceField(
        label=gettext_lazy("Disaggregations shared with the donor"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "The donor sees only these breakdowns, and never a group under five people."
        ),
    )

    class Meta:
        model = Report
        fields = [
            "period",
            "title",
            "for_donor",
            "shared_dimensions",
            "context",
            "progress",
            "challenges",
            "next_steps",
        ]
        widgets = {name: _rows(6) for name in ("context", "progress", "challenges", "next_steps")}
        help_texts = {
            "for_donor": gettext_lazy("Once submitted, the donor (an observer) can read it."),
            "context": gettext_lazy("Markdown: **bold**, *italic*, lists, links."),
        }

    def __init__(self, *args, phase, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["period"]
        else:
            self.fields["period"].queryset = Period.objects.filter(phase=phase).order_by(
                "starts_on", "kind"
            )
        labels = dimension_labels()
        keys = []
        for indicator in indicators_of(phase):
            keys.extend(key for key in indicator.disaggregations if key not in keys)
        self.fields["shared_dimensions"].choices = [(key, labels.get(key, key)) for key in keys]
        if self.instance.pk is not None and self.instance.is_submitted:
            for field in self.fields.values():
                field.disabled = True
