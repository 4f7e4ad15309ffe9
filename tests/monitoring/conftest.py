import datetime
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError

from kenesh.core.models import AuditEntry
from kenesh.monitoring import models as m
from tests.convenings.factories import ConveningFactory, ParticipationFactory
from tests.factories import PersonFactory
from tests.monitoring.factories import (
    EnteredIndicatorFactory,
    GoalFactory,
    IndicatorFactory,
    OutcomeNodeFactory,
    PeriodFactory,
    PhaseFactory,
)

MONITORING_MODELS = [
    m.Phase,
    m.ChangeStatement,
    m.Assumption,
    m.AssumptionEvidence,
    m.ResultNode,
    m.Indicator,
    m.Period,
    m.Target,
    m.EnteredValue,
    m.Report,
    m.ReportValue,
]


def snapshot():
    """Row counts of every monitoring table, and the audit trail's length."""
    counts = {model.__name__: model.objects.count() for model in MONITORING_MODELS}
    counts["audit"] = AuditEntry.objects.count()
    return counts


@contextmanager
def refused(message: str):
    """The block is refused with a ValidationError saying ``message``; nothing changes."""
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        yield caught
    assert message in " ".join(caught.value.messages), caught.value.messages
    assert snapshot() == before


@pytest.fixture
def framework(db):
    """A phase (2023 to mid-2024) with a goal, an outcome, one computed indicator
    (experts convened by country and gender), one entered indicator, and two periods:
    the first half of 2023 (interim) and its first quarter."""
    phase = PhaseFactory()
    goal = GoalFactory(phase=phase)
    outcome = OutcomeNodeFactory(phase=phase, parent=goal, ref="1")
    computed = IndicatorFactory(node=outcome, ref="1.1")
    entered = EnteredIndicatorFactory(node=outcome, ref="1.2")
    interim = PeriodFactory(phase=phase)
    quarter = PeriodFactory(
        phase=phase,
        kind=m.PeriodKind.QUARTERLY,
        name="Q1 2023",
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2023, 3, 31),
    )
    return {
        "phase": phase,
        "goal": goal,
        "outcome": outcome,
        "computed": computed,
        "entered": entered,
        "interim": interim,
        "quarter": quarter,
    }


def convene(count: int, *, day=datetime.date(2023, 3, 1), country="KG", gender="female"):
    """A meeting on ``day`` that ``count`` new experts attended."""
    convening = ConveningFactory(starts_on=day, ends_on=day)
    for _n in range(count):
        ParticipationFactory(
            convening=convening, person=PersonFactory(country=country, gender=gender)
        )
    return convening
