"""Reads of monitoring: an indicator's value in a period, the values of a phase, a
submitted report's frozen values as measures, and where today's values differ."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from kenesh.monitoring import indicators
from kenesh.monitoring.arithmetic import Breakdown, Cell, Measure
from kenesh.monitoring.models import (
    EnteredValue,
    Indicator,
    IndicatorKind,
    Period,
    Report,
    ReportValue,
)

logger = logging.getLogger(__name__)


def _restricted(measure: Measure, dimensions) -> Measure:
    """``measure`` with only the breakdowns the indicator asks for, in its order."""
    by_key = {b.dimension: b for b in measure.breakdowns}
    kept = tuple(by_key[key] for key in dimensions if key in by_key)
    return Measure(measure.total, kept, measure.n, measure.people)


def _number(value):
    """A stored Decimal as the int or float arithmetic works with."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _known_dimensions() -> dict[str, tuple[object, dict]]:
    """Names of the dimensions a typed value may be split by, and of their categories:
    a typed value stores only the keys ("country": {"KG": 4})."""
    from kenesh.people.models import Country, Gender, Sector, Track

    return {
        "country": (indicators.COUNTRY.label, dict(Country.choices)),
        "venue_country": (indicators.VENUE_COUNTRY.label, dict(Country.choices)),
        "gender": (indicators.GENDER.label, dict(Gender.choices)),
        "generation": (indicators.GENERATION.label, dict(Track.choices)),
        "sector": (indicators.SECTOR.label, dict(Sector.choices)),
    }


def _entered_measure(indicator: Indicator, entry: EnteredValue) -> Measure:
    known = _known_dimensions()
    breakdowns = []
    for dimension in indicator.disaggregations:
        if dimension not in entry.breakdowns:
            continue
        label, categories = known.get(dimension, (dimension, {}))
        cells = tuple(
            Cell(key, categories.get(key, key), value)
            for key, value in (entry.breakdowns.get(dimension) or {}).items()
        )
        breakdowns.append(Breakdown(dimension, label, cells, exclusive=True))
    return Measure(_number(entry.value), tuple(breakdowns), people=indicator.counts_people)


def value_of(indicator: Indicator, period: Period) -> Measure | None:
    """The indicator's value over the period: for a computed indicator, its registered
    query over the period's days, with the indicator's disaggregations; for an entered
    one, the approved value, else None (an unapproved value does not count)."""
    if indicator.kind == IndicatorKind.COMPUTED:
        try:
            measure = indicators.compute(indicator.query_key, period.starts_on, period.ends_on)
        except indicators.UnknownIndicator:
            # Saved against a query a later release no longer has: no value, rather than
            # no dashboard, report or export at all. The indicator's page names the query.
            logger.warning("Indicator %s is bound to the unknown query %r.", indicator.code,
                           indicator.query_key[:100])  # fmt: skip
            return None
        return _restricted(measure, indicator.disaggregations)
    entry = EnteredValue.objects.filter(
        indicator=indicator, period=period, approved_at__isnull=False
    ).first()
    return None if entry is None else _entered_measure(indicator, entry)


def indicators_of(phase):
    """The phase's indicators in framework order, with their result."""
    return (
        Indicator.objects.filter(node__phase=phase)
        .select_related("node")
        .order_by("node__order", "node__ref", "order", "ref", "id")
    )


def values_for(phase, period: Period, indicator_list=None) -> dict[int, Measure | None]:
    """Every indicator's value over ``period``, by indicator id. Queries: one for the
    indicators, one for the approved entered values, and each computed indicator's fixed
    number; none grows with the records."""
    indicator_list = list(indicators_of(phase)) if indicator_list is None else indicator_list
    entries = {
        e.indicator_id: e
        for e in EnteredValue.objects.filter(
            period=period,
            approved_at__isnull=False,
            indicator__in=[i.pk for i in indicator_list if not i.is_computed],
        )
    }
    values = {}
    for indicator in indicator_list:
        if indicator.is_computed:
            values[indicator.pk] = value_of(indicator, period)
        else:
            entry = entries.get(indicator.pk)
            values[indicator.pk] = None if entry is None else _entered_measure(indicator, entry)
    return values


def frozen_breakdowns(measure: Measure | None) -> list[dict]:
    """A measure's breakdowns as stored in a ``ReportValue``: labels in the platform's
    language at the time of submission."""
    if measure is None:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {
                "dimension": b.dimension,
                "label": str(b.label),
                "exclusive": b.exclusive,
                "cells": [
                    {"key": c.key, "label": str(c.label), "value": c.value, "n": c.n}
                    for c in b.cells
                ],
            }
            for b in measure.breakdowns
        ]


def measure_of(row: ReportValue) -> Measure:
    """A submitted value as a ``Measure``, for ``arithmetic.shown_to`` and the exports."""
    breakdowns = tuple(
        Breakdown(
            b["dimension"],
            b.get("label", b["dimension"]),
            tuple(
                Cell(c["key"], c.get("label", c["key"]), c["value"], c.get("n")) for c in b["cells"]
            ),
            b.get("exclusive", True),
        )
        for b in row.breakdowns
    )
    return Measure(_number(row.value), breakdowns, row.n, row.people)


def report_values(report: Report):
    """The values a submitted report froze, in framework order."""
    return (
        ReportValue.objects.filter(report=report)
        .select_related("indicator__node")
        .order_by("indicator__node__order", "indicator__node__ref", "indicator__order", "id")
    )


@dataclass(frozen=True)
class Difference:
    """An indicator whose value today is not the one its report submitted."""

    indicator: Indicator
    submitted: ReportValue
    today: Measure | None

    @property
    def submitted_total(self):
        return _number(self.submitted.value)

    @property
    def today_total(self):
        return None if self.today is None else self.today.total


def _cells(breakdowns: list[dict]) -> set:
    return {(b["dimension"], c["key"], c["value"]) for b in breakdowns for c in b.get("cells", [])}


def differences(report: Report) -> list[Difference]:
    """The indicators of a submitted report whose value, or a cell of whose
    disaggregations, differs today from what the report submitted. Empty for a draft,
    which froze nothing."""
    rows = list(report_values(report))
    if not rows:
        return []
    today = values_for(report.phase, report.period, [row.indicator for row in rows])
    found = []
    for row in rows:
        now = today[row.indicator_id]
        now_total = None if now is None else now.total
        then_total = _number(row.value)
        same_total = (
            now_total == then_total
            if now_total is None or then_total is None
            else round(now_total, 4) == round(then_total, 4)
        )
        if not same_total or _cells(frozen_breakdowns(now)) != _cells(row.breakdowns):
            found.append(Difference(row.indicator, row, now))
    return found


# --- stories of change ---------------------------------------------------------------------


def stories_of(period: Period):
    """Testimonials that tell of the period: given in it, or of young experts whose
    mentoring began in it (a testimonial is often recorded after the cycle it tells of).
    The one rule for the report page and its files."""
    from django.db.models import Exists, OuterRef, Q

    from kenesh.mentoring.models import Mentorship, Testimonial

    mentored = Mentorship.objects.filter(
        mentee=OuterRef("person"),
        started_on__gte=period.starts_on,
        started_on__lte=period.ends_on,
    )
    given = Q(consent_at__date__gte=period.starts_on, consent_at__date__lte=period.ends_on)
    return (
        Testimonial.objects.filter(given | Q(Exists(mentored)))
        .select_related("person")
        .order_by("consent_at", "pk")
    )


def attribution(testimonial, viewer) -> str:
    """A testimonial's consented attribution: the name only where the testimonial asks for
    it and the person consented to quotes with attribution, and never a withdrawn
    person's (``shown_name``; a file, read outside the platform, passes no viewer)."""
    from django.utils.translation import gettext as _

    from kenesh.mentoring.models import Attribution
    from kenesh.people.display import shown_name

    person = testimonial.person
    if testimonial.attribution == Attribution.NAME and person.quote_consent_at is not None:
        return shown_name(person, viewer, latin=True)
    return _("a young expert from %(country)s") % {"country": person.get_country_display()}
