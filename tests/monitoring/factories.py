"""Fictional phases, frameworks, periods and reports for the monitoring tests."""

import datetime
from decimal import Decimal

import factory

from kenesh.monitoring.models import (
    Indicator,
    IndicatorKind,
    Level,
    Period,
    PeriodKind,
    Phase,
    Report,
    ResultNode,
    Target,
)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    name = factory.Sequence(lambda n: f"Fictional phase {n}")
    donor = "Fictional Peace Fund"
    starts_on = datetime.date(2023, 1, 1)
    ends_on = datetime.date(2024, 6, 30)
    budget = Decimal("1000000.00")
    currency = "USD"
    iati_identifier = factory.Sequence(lambda n: f"XM-DAC-00000-PHASE{n}")


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResultNode

    phase = factory.SubFactory(PhaseFactory)
    level = Level.GOAL
    parent = None
    ref = "G"
    title = "A region whose policy draws on its own experts"


class OutcomeNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResultNode

    parent = factory.SubFactory(GoalFactory)
    phase = factory.SelfAttribute("parent.phase")
    level = Level.OUTCOME
    ref = factory.Sequence(lambda n: f"{n + 1}")
    title = "Experts from every country work together"


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A computed indicator: distinct experts convened, by country and gender."""

    class Meta:
        model = Indicator

    node = factory.SubFactory(OutcomeNodeFactory)
    ref = factory.Sequence(lambda n: f"1.{n + 1}")
    name = "Experts convened"
    unit = "people"
    kind = IndicatorKind.COMPUTED
    query_key = "experts-convened"
    disaggregations = factory.LazyFunction(lambda: ["country", "gender"])
    baseline_value = Decimal("10")


class EnteredIndicatorFactory(IndicatorFactory):
    name = "Media mentions of the group's recommendations"
    unit = "mentions"
    kind = IndicatorKind.ENTERED
    query_key = ""
    disaggregations = factory.LazyFunction(lambda: ["country"])
    counts_people = False
    baseline_value = None


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    phase = factory.SubFactory(PhaseFactory)
    kind = PeriodKind.INTERIM
    name = "First half of 2023"
    starts_on = datetime.date(2023, 1, 1)
    ends_on = datetime.date(2023, 6, 30)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.SubFactory(
        PeriodFactory, phase=factory.SelfAttribute("..indicator.node.phase")
    )
    value = Decimal("20")


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    period = factory.SubFactory(PeriodFactory)
    phase = factory.SelfAttribute("period.phase")
    title = "Interim report"
    context = "The region in **2023**."
