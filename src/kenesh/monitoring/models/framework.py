"""A phase, its theory of change and its results framework down to the indicators."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kenesh.access.predicates import is_observer, is_staff
from kenesh.influence.models import Outcome
from kenesh.mentoring.models import Assessment, Testimonial
from kenesh.monitoring.indicators import UnknownIndicator, get_indicator
from kenesh.monitoring.models.base import (
    DIGITS,
    code_field,
    is_key_list,
    long_text_field,
    text_field,
)

# --- phases ----------------------------------------------------------------------------


class PhaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff know every phase; observers (donors) the phases with a report for them;
        members none (monitoring shows them only aggregates staff publish)."""
        if is_staff(user):
            return self
        if is_observer(user):
            from kenesh.monitoring.models.reporting import Report

            return self.filter(pk__in=Report.objects.visible_to(user).values("phase_id"))
        return self.none()


class Phase(models.Model):
    """A grant or project phase: the frame of a results framework and its reports."""

    code = code_field()
    name = text_field(_("name"))
    donor = text_field(_("donor"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget = models.DecimalField(
        _("budget"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[
            RegexValidator(r"^[A-Z]{3}\Z", _("A currency is three capital letters (ISO 4217)."))
        ],
    )
    description = long_text_field(_("description"), blank=True)
    iati_identifier = models.CharField(
        _("IATI identifier"),
        max_length=150,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z",
                _("An IATI identifier holds letters, digits, dots, hyphens and underscores."),
            )
        ],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PhaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="phase_ends_after_it_starts",
                violation_error_message=_("A phase cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A phase cannot end before it starts.")})


# --- theory of change --------------------------------------------------------------------


class ChangeStatement(models.Model):
    """IF the programme does this, THEN this changes, BECAUSE of this."""

    code = code_field()
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="statements"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    if_text = long_text_field(_("if"), max_length=2000)
    then_text = long_text_field(_("then"), max_length=2000)
    because_text = long_text_field(_("because"), max_length=2000)

    class Meta:
        verbose_name = _("change statement")
        verbose_name_plural = _("change statements")
        ordering = ["phase", "order", "id"]

    def __str__(self):
        return self.if_text[:80]


class Assumption(models.Model):
    code = code_field()
    statement = models.ForeignKey(
        ChangeStatement,
        verbose_name=_("change statement"),
        on_delete=models.CASCADE,
        related_name="assumptions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = long_text_field(_("assumption"), max_length=2000)

    class Meta:
        verbose_name = _("assumption")
        verbose_name_plural = _("assumptions")
        ordering = ["statement", "order", "id"]

    def __str__(self):
        return self.text[:80]


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports the assumption")
    CHALLENGES = "challenges", _("Challenges the assumption")


# What a piece of evidence may point to: exactly one of these.
EVIDENCE_SOURCES = ("outcome", "assessment", "testimonial", "link")


def _only(source: str) -> Q:
    condition = Q()
    for name in EVIDENCE_SOURCES:
        given = ~Q(link="") if name == "link" else Q(**{f"{name}__isnull": False})
        condition &= given if name == source else ~given
    return condition


class AssumptionEvidence(models.Model):
    """A record (or an outside page) that supports or challenges an assumption."""

    code = code_field()
    assumption = models.ForeignKey(
        Assumption, verbose_name=_("assumption"), on_delete=models.CASCADE, related_name="evidence"
    )
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices)
    note = long_text_field(_("note"), max_length=2000, blank=True)
    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("outcome"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    testimonial = models.ForeignKey(
        Testimonial,
        verbose_name=_("testimonial"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence for an assumption")
        verbose_name_plural = _("evidence for assumptions")
        ordering = ["assumption", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_only("outcome")
                | _only("assessment")
                | _only("testimonial")
                | _only("link"),
                name="evidence_points_to_exactly_one",
                violation_error_message=_(
                    "Evidence points to exactly one thing: an outcome, an assessment, a "
                    "testimonial or a link."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.assumption} ({self.stance})"

    @property
    def source(self) -> str:
        """Which of ``EVIDENCE_SOURCES`` this evidence points to."""
        for name in EVIDENCE_SOURCES:
            if getattr(self, name if name == "link" else f"{name}_id"):
                return name
        return ""


# --- results framework -------------------------------------------------------------------


class Level(models.TextChoices):
    GOAL = "goal", _("Goal")
    OUTCOME = "outcome", _("Outcome")
    OUTPUT = "output", _("Output")


# The level a node's parent must have.
PARENT_LEVEL = {Level.GOAL: None, Level.OUTCOME: Level.GOAL, Level.OUTPUT: Level.OUTCOME}


class ResultNode(models.Model):
    """A goal, an outcome or an output of a phase's results framework."""

    code = code_field()
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="results"
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("contributes to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    ref = text_field(_("reference"), max_length=20)
    title = long_text_field(_("title"), max_length=1000)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["phase", "order", "ref", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "ref"],
                name="result_ref_unique_in_phase",
                violation_error_message=_("Another result of this phase has this reference."),
            ),
            models.UniqueConstraint(
                fields=["phase"],
                condition=Q(level=Level.GOAL),
                name="one_goal_per_phase",
                violation_error_message=_("A phase has one goal."),
            ),
            models.CheckConstraint(
                condition=Q(level=Level.GOAL, parent__isnull=True)
                | (~Q(level=Level.GOAL) & Q(parent__isnull=False)),
                name="only_the_goal_has_no_parent",
                violation_error_message=_(
                    "The goal contributes to nothing; every other result contributes to one."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.ref} {self.title[:60]}"

    def clean(self):
        wanted = PARENT_LEVEL.get(self.level)
        if self.level == Level.GOAL:
            if self.parent_id is not None:
                raise ValidationError({"parent": _("The goal contributes to nothing.")})
            goals = ResultNode.objects.filter(phase_id=self.phase_id, level=Level.GOAL)
            if self.phase_id and goals.exclude(pk=self.pk).exists():
                raise ValidationError({"level": _("A phase has one goal.")})
            return
        if wanted is None or self.parent_id is None:
            raise ValidationError({"parent": _("Say which result this one contributes to.")})
        if self.parent.phase_id != self.phase_id:
            raise ValidationError({"parent": _("A result contributes to a result of its phase.")})
        if self.parent.level != wanted:
            messages = {
                Level.OUTCOME: _("An outcome contributes to the goal."),
                Level.OUTPUT: _("An output contributes to an outcome."),
            }
            raise ValidationError({"parent": messages[self.level]})


class IndicatorMeasure(models.TextChoices):
    UNIT = "unit", _("Unit")
    PERCENTAGE = "percentage", _("Percentage")
    QUALITATIVE = "qualitative", _("Qualitative")


# IATI IndicatorMeasure codes.
IATI_MEASURE = {
    IndicatorMeasure.UNIT: "1",
    IndicatorMeasure.PERCENTAGE: "2",
    IndicatorMeasure.QUALITATIVE: "5",
}


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the records")
    ENTERED = "entered", _("Entered by hand with evidence")


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff know every indicator; observers those shown in a report for them."""
        if is_staff(user):
            return self
        if is_observer(user):
            from kenesh.monitoring.models.reporting import Report, ReportValue

            shown = ReportValue.objects.filter(report__in=Report.objects.visible_to(user))
            return self.filter(pk__in=shown.values("indicator_id"))
        return self.none()


class Indicator(models.Model):
    """An indicator and its reference sheet, under an outcome or output (or the goal)."""

    code = code_field()
    node = models.ForeignKey(
        ResultNode, verbose_name=_("result"), on_delete=models.CASCADE, related_name="indicators"
    )
    ref = text_field(_("reference"), max_length=20)
    name = text_field(_("name"), max_length=300)
    definition = long_text_field(_("definition"), max_length=3000, blank=True)
    unit = text_field(_("unit"), max_length=100, blank=True)
    measure = models.CharField(
        _("measure"), max_length=12, choices=IndicatorMeasure.choices, default=IndicatorMeasure.UNIT
    )
    method = long_text_field(_("method"), max_length=3000, blank=True)
    data_source = text_field(_("data source"), max_length=300, blank=True)
    frequency = text_field(_("frequency"), max_length=100, blank=True)
    responsible = text_field(_("who is responsible"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=IndicatorKind.choices)
    query_key = models.CharField(_("registered query"), max_length=100, blank=True)
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    # For entered values: whether they count people, so observers never see a small cell.
    # A computed indicator takes this from its registered query.
    counts_people = models.BooleanField(_("the value counts people"), default=True)
    baseline_value = models.DecimalField(_("baseline"), null=True, blank=True, **DIGITS)
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    baseline_note = long_text_field(_("baseline note"), max_length=2000, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["node__phase", "order", "ref", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "ref"],
                name="indicator_ref_unique_in_result",
                violation_error_message=_("Another indicator of this result has this reference."),
            ),
            models.CheckConstraint(
                condition=Q(kind=IndicatorKind.COMPUTED, query_key__gt="")
                | Q(kind=IndicatorKind.ENTERED, query_key=""),
                name="computed_indicators_have_a_query",
                violation_error_message=_(
                    "A computed indicator is bound to a registered query; an entered one is not."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.ref} {self.name}"

    @property
    def phase_id(self):
        return self.node.phase_id

    @property
    def is_computed(self) -> bool:
        return self.kind == IndicatorKind.COMPUTED

    def registered_dimensions(self) -> list[str]:
        """The dimension keys of the registered query (computed indicators only)."""
        return [d.key for d in get_indicator(self.query_key).dimensions]

    def clean(self):
        if not is_key_list(self.disaggregations):
            raise ValidationError(
                {"disaggregations": _("Disaggregations are a list of dimension names.")}
            )
        if self.kind == IndicatorKind.ENTERED:
            if self.query_key:
                raise ValidationError(
                    {"query_key": _("An indicator entered by hand is not bound to a query.")}
                )
            return
        if not self.query_key:
            raise ValidationError(
                {"query_key": _("Choose the registered query a computed indicator reads.")}
            )
        try:
            known = self.registered_dimensions()
        except UnknownIndicator as error:
            raise ValidationError({"query_key": error.message}) from None
        unknown = [key for key in self.disaggregations if key not in known]
        if unknown:
            raise ValidationError(
                {
                    "disaggregations": _(
                        "The query “%(key)s” cannot be split by %(unknown)s; it can be split "
                        "by: %(known)s."
                    )
                    % {
                        "key": self.query_key,
                        "unknown": ", ".join(unknown),
                        "known": ", ".join(known) or "—",
                    }
                }
            )
