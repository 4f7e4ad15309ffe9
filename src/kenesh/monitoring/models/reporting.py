"""Reporting periods, targets, values entered by hand, and reports with the values they
froze when submitted."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.access.predicates import is_observer, is_staff
from kenesh.monitoring.models.base import (
    DIGITS,
    code_field,
    is_key_list,
    long_text_field,
    text_field,
)
from kenesh.monitoring.models.framework import Indicator, IndicatorKind, Phase
from kenesh.papers.rendering import markdown_to_html

# --- periods and targets -----------------------------------------------------------------


class PeriodKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly")
    INTERIM = "interim", _("Interim")
    FINAL = "final", _("Final")
    ANNUAL = "annual", _("Annual")
    OTHER = "other", pgettext_lazy("reporting period kind", "Other")


class Period(models.Model):
    """A reporting period of a phase. Periods of one kind do not overlap; an interim
    period may span several quarters."""

    code = code_field()
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="periods"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    name = text_field(_("name"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["phase", "starts_on", "ends_on", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="period_ends_after_it_starts",
                violation_error_message=_("A period ends after it starts."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not (self.starts_on and self.ends_on and self.phase_id):
            return
        if self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("A period ends after it starts.")})
        phase = self.phase
        if self.starts_on < phase.starts_on or self.ends_on > phase.ends_on:
            raise ValidationError(
                _("A period lies inside its phase (%(start)s to %(end)s).")
                % {"start": phase.starts_on, "end": phase.ends_on}
            )
        other = (
            Period.objects.filter(
                phase_id=self.phase_id,
                kind=self.kind,
                starts_on__lte=self.ends_on,
                ends_on__gte=self.starts_on,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                _(
                    "This period overlaps “%(other)s” (%(start)s to %(end)s), a period of the "
                    "same kind."
                )
                % {"other": other.name, "start": other.starts_on, "end": other.ends_on}
            )


class Target(models.Model):
    code = code_field()
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="targets"
    )
    value = models.DecimalField(_("target"), **DIGITS)
    note = long_text_field(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="one_target_per_period",
                violation_error_message=_("This indicator already has a target for this period."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.ref} {self.period}: {self.value}"

    def clean(self):
        if not (self.indicator_id and self.period_id):
            return
        if self.period.phase_id != self.indicator.node.phase_id:
            raise ValidationError(
                {"period": _("A target is set for one of the periods of its indicator's phase.")}
            )


# --- values entered by hand ---------------------------------------------------------------


def evidence_path(instance, filename):
    # The stored name carries no user input; the original name is kept in a field.
    return f"monitoring/{instance.indicator.code}/{uuid.uuid4().hex}"


class EnteredValue(models.Model):
    """A value typed in with its evidence. It counts once a second staff member, not its
    author, has approved it; changing it withdraws the approval."""

    code = code_field()
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="entries"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="entries"
    )
    value = models.DecimalField(_("value"), **DIGITS)
    # {dimension: {category: number}}, for the indicator's disaggregations.
    breakdowns = models.JSONField(_("disaggregations"), default=dict, blank=True)
    evidence_file = models.FileField(
        _("evidence (file)"), upload_to=evidence_path, blank=True, max_length=300
    )
    evidence_filename = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_link = models.URLField(_("evidence (link)"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("entered value")
        verbose_name_plural = _("entered values")
        ordering = ["indicator", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="one_entered_value_per_period",
                violation_error_message=_(
                    "This indicator already has a value for this period: change that one."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(evidence_file="") | ~Q(evidence_link=""),
                name="entered_value_has_evidence",
                violation_error_message=_("Attach the evidence: a file, a link, or both."),
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("entered_by")),
                name="approved_by_someone_else",
                violation_error_message=_(
                    "A value is approved by a staff member other than the one who entered it."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.ref} {self.period}: {self.value}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def clean(self):
        errors = {}
        if not self.evidence_file and not self.evidence_link:
            errors["evidence_link"] = _("Attach the evidence: a file, a link, or both.")
        if self.indicator_id:
            indicator = self.indicator
            if indicator.kind != IndicatorKind.ENTERED:
                errors["indicator"] = _(
                    "This indicator is computed from the records; its values are not typed in."
                )
            elif self.period_id and self.period.phase_id != indicator.node.phase_id:
                errors["period"] = _("The period is not one of the indicator's phase.")
            else:
                problem = _breakdowns_problem(self.breakdowns, indicator.disaggregations)
                if problem:
                    errors["breakdowns"] = problem
        if errors:
            raise ValidationError(errors)


def _breakdowns_problem(breakdowns, dimensions) -> str | None:
    if not isinstance(breakdowns, dict):
        return _("Disaggregations are given by dimension, then by category.")
    for dimension, cells in breakdowns.items():
        if dimension not in dimensions:
            return _("The indicator is not disaggregated by “%(dimension)s”.") % {
                "dimension": dimension
            }
        if not isinstance(cells, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in cells.values()
        ):
            return _("Each category of “%(dimension)s” needs a number.") % {"dimension": dimension}
    return None


# --- reports --------------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff know every report; observers (donors) the submitted ones marked for the
        donor; members none."""
        if is_staff(user):
            return self
        if is_observer(user):
            return self.filter(status=ReportStatus.SUBMITTED, for_donor=True)
        return self.none()


NARRATIVE = ("context", "progress", "challenges", "next_steps")


class Report(models.Model):
    """A programme report for one period: narrative written by staff, and the values of
    every indicator of the phase, frozen when it is submitted."""

    TRANSITIONS = {ReportStatus.DRAFT: {ReportStatus.SUBMITTED}, ReportStatus.SUBMITTED: set()}

    code = code_field()
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports"
    )
    title = text_field(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    for_donor = models.BooleanField(_("for the donor"), default=False)
    shared_dimensions = models.JSONField(
        _("disaggregations shared with the donor"), default=list, blank=True
    )
    context = long_text_field(_("context"), max_length=20000, blank=True)
    progress = long_text_field(_("progress"), max_length=20000, blank=True)
    challenges = long_text_field(_("challenges and adaptations"), max_length=20000, blank=True)
    next_steps = long_text_field(_("next steps"), max_length=20000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period__starts_on", "-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    def move_to(self, status) -> None:
        if status not in self.TRANSITIONS[self.status]:
            raise ValidationError(_("A submitted report cannot be changed."))
        self.status = status

    def section_html(self, name: str) -> str:
        """A narrative section as sanitised HTML (Markdown source)."""
        if name not in NARRATIVE:
            raise KeyError(name)
        return markdown_to_html(getattr(self, name))

    def clean(self):
        errors = {}
        if self.period_id and self.phase_id and self.period.phase_id != self.phase_id:
            errors["period"] = _("The period is not one of the report's phase.")
        if not is_key_list(self.shared_dimensions):
            errors["shared_dimensions"] = _(
                "The shared disaggregations are a list of dimension names."
            )
        if errors:
            raise ValidationError(errors)


class ReportValue(models.Model):
    """One indicator's value as a report showed it when submitted. Written once, at
    submission; later edits to the records or the indicator never change it."""

    code = code_field()
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    # The reference sheet as it read at submission.
    indicator_ref = models.CharField(_("reference"), max_length=20)
    indicator_name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    value = models.DecimalField(_("value"), null=True, blank=True, **DIGITS)
    # For a mean: over how many people (None for a count).
    n = models.PositiveIntegerField(_("over how many people"), null=True, blank=True)
    people = models.BooleanField(_("the value counts people"), default=True)
    # [{"dimension", "label", "exclusive", "cells": [{"key", "label", "value", "n"}]}]
    breakdowns = models.JSONField(_("disaggregations"), default=list, blank=True)
    target = models.DecimalField(_("target"), null=True, blank=True, **DIGITS)
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, **DIGITS)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_report"),
        ]

    def __str__(self):
        return f"{self.indicator_ref}: {self.value}"


def to_decimal(value) -> Decimal | None:
    """A measured value as stored: four places, None kept as None."""
    if value is None:
        return None
    return Decimal(str(round(value, 4))) if isinstance(value, float) else Decimal(value)
