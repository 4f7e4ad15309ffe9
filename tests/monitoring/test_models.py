"""What each monitoring row may state, checked by the model before anything is written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kenesh.influence.models import Outcome
from kenesh.monitoring.models import (
    IATI_MEASURE,
    AssumptionEvidence,
    EnteredValue,
    Indicator,
    IndicatorKind,
    IndicatorMeasure,
    Level,
    Period,
    PeriodKind,
    Phase,
    ResultNode,
    Stance,
    Target,
)
from tests.monitoring.factories import (
    IndicatorFactory,
    PeriodFactory,
    PhaseFactory,
    ReportFactory,
)

D = datetime.date


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_phase_has_a_code_and_three_letter_currency(db):
    phase = PhaseFactory.build(currency="usd")
    with pytest.raises(ValidationError) as caught:
        phase.full_clean()
    assert "three capital letters" in messages(caught.value)
    phase = PhaseFactory()
    assert phase.code and str(phase) == phase.name


def test_a_phase_cannot_end_before_it_starts(db):
    phase = PhaseFactory.build(starts_on=D(2024, 1, 1), ends_on=D(2023, 1, 1))
    with pytest.raises(ValidationError) as caught:
        phase.full_clean()
    assert "cannot end before it starts" in messages(caught.value)


# --- results framework ---------------------------------------------------------------


def test_one_goal_per_phase_outcomes_under_the_goal_outputs_under_outcomes(framework):
    phase, goal, outcome = framework["phase"], framework["goal"], framework["outcome"]
    second_goal = ResultNode(phase=phase, level=Level.GOAL, ref="G2", title="Another goal")
    with pytest.raises(ValidationError) as caught:
        second_goal.full_clean()
    assert "A phase has one goal." in messages(caught.value)

    under_output = ResultNode(phase=phase, level=Level.OUTCOME, parent=outcome, ref="9", title="x")
    with pytest.raises(ValidationError) as caught:
        under_output.full_clean()
    assert "An outcome contributes to the goal." in messages(caught.value)

    output_under_goal = ResultNode(
        phase=phase, level=Level.OUTPUT, parent=goal, ref="1.9", title="x"
    )
    with pytest.raises(ValidationError) as caught:
        output_under_goal.full_clean()
    assert "An output contributes to an outcome." in messages(caught.value)

    orphan = ResultNode(phase=phase, level=Level.OUTPUT, ref="1.8", title="x")
    with pytest.raises(ValidationError) as caught:
        orphan.full_clean()
    assert "Say which result this one contributes to." in messages(caught.value)

    ResultNode(phase=phase, level=Level.OUTPUT, parent=outcome, ref="1.1.1", title="x").full_clean()


def test_a_result_contributes_to_a_result_of_its_own_phase(framework):
    other = PhaseFactory()
    node = ResultNode(
        phase=other, level=Level.OUTCOME, parent=framework["goal"], ref="1", title="x"
    )
    with pytest.raises(ValidationError) as caught:
        node.full_clean()
    assert "a result of its phase" in messages(caught.value)


def test_the_database_keeps_one_goal_per_phase(framework):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultNode.objects.create(
            phase=framework["phase"], level=Level.GOAL, ref="G2", title="Another goal"
        )


# --- indicators ----------------------------------------------------------------------


def test_an_indicator_bound_to_an_unknown_query_names_the_key(framework):
    indicator = IndicatorFactory.build(node=framework["outcome"], query_key="no-such-query")
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert "There is no computed indicator “no-such-query”." in messages(caught.value)
    assert "query_key" in caught.value.message_dict


def test_a_computed_indicator_is_split_only_by_its_querys_dimensions(framework):
    indicator = IndicatorFactory.build(
        node=framework["outcome"], ref="1.9", disaggregations=["country", "language"]
    )
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    text = messages(caught.value)
    assert "cannot be split by language" in text
    assert "country, gender, generation, sector, kind" in text


def test_a_computed_indicator_names_a_query_and_an_entered_one_none(framework):
    computed = IndicatorFactory.build(node=framework["outcome"], ref="1.9", query_key="")
    with pytest.raises(ValidationError) as caught:
        computed.full_clean()
    assert "Choose the registered query" in messages(caught.value)
    entered = IndicatorFactory.build(
        node=framework["outcome"], ref="1.9", kind=IndicatorKind.ENTERED, disaggregations=[]
    )
    with pytest.raises(ValidationError) as caught:
        entered.full_clean()
    assert "not bound to a query" in messages(caught.value)


def test_disaggregations_are_a_list_of_names(framework):
    indicator = framework["entered"]
    indicator.disaggregations = {"country": 1}
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert "list of dimension names" in messages(caught.value)


def test_measures_carry_their_iati_codes():
    assert IATI_MEASURE == {
        IndicatorMeasure.UNIT: "1",
        IndicatorMeasure.PERCENTAGE: "2",
        IndicatorMeasure.QUALITATIVE: "5",
    }


# --- periods and targets -------------------------------------------------------------


def test_periods_of_one_kind_may_not_overlap_and_the_message_names_the_other(framework):
    period = Period(
        phase=framework["phase"],
        kind=PeriodKind.INTERIM,
        name="Overlapping",
        starts_on=D(2023, 6, 1),
        ends_on=D(2023, 12, 31),
    )
    with pytest.raises(ValidationError) as caught:
        period.full_clean()
    assert "overlaps “First half of 2023”" in messages(caught.value)


def test_an_interim_period_may_span_quarters(framework):
    Period(
        phase=framework["phase"],
        kind=PeriodKind.QUARTERLY,
        name="Q2 2023",
        starts_on=D(2023, 4, 1),
        ends_on=D(2023, 6, 30),
    ).full_clean()


def test_a_period_lies_inside_its_phase_and_ends_after_it_starts(framework):
    outside = Period(
        phase=framework["phase"],
        kind=PeriodKind.FINAL,
        name="Too long",
        starts_on=D(2023, 1, 1),
        ends_on=D(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        outside.full_clean()
    assert "inside its phase (2023-01-01 to 2024-06-30)" in messages(caught.value)
    backwards = Period(
        phase=framework["phase"],
        kind=PeriodKind.FINAL,
        name="Backwards",
        starts_on=D(2024, 1, 1),
        ends_on=D(2023, 12, 1),
    )
    with pytest.raises(ValidationError) as caught:
        backwards.full_clean()
    assert "ends after it starts" in messages(caught.value)


def test_a_target_outside_the_phases_periods_is_refused(framework):
    elsewhere = PeriodFactory(phase=PhaseFactory())
    target = Target(indicator=framework["computed"], period=elsewhere, value=Decimal(5))
    with pytest.raises(ValidationError) as caught:
        target.full_clean()
    assert "one of the periods of its indicator's phase" in messages(caught.value)


# --- evidence and entered values -----------------------------------------------------


def _assumption(framework):
    from kenesh.monitoring.models import Assumption, ChangeStatement

    statement = ChangeStatement.objects.create(
        phase=framework["phase"], if_text="If", then_text="then", because_text="because"
    )
    return Assumption.objects.create(statement=statement, text="Experts are heard")


def test_evidence_points_to_exactly_one_thing(framework):
    assumption = _assumption(framework)
    outcome = Outcome.objects.create(
        change="A ministry adopted a water-sharing protocol",
        social_actor="A fictional ministry",
        when=D(2023, 5, 1),
        platform="Regional summit",
        significance="s",
        contribution="c",
    )
    both = AssumptionEvidence(
        assumption=assumption, stance=Stance.SUPPORTS, outcome=outcome, link="https://example.org"
    )
    with pytest.raises(ValidationError) as caught:
        both.full_clean()
    assert "exactly one thing" in messages(caught.value)
    neither = AssumptionEvidence(assumption=assumption, stance=Stance.SUPPORTS)
    with pytest.raises(ValidationError):
        neither.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        neither.save()
    AssumptionEvidence(
        assumption=assumption, stance=Stance.CHALLENGES, outcome=outcome
    ).full_clean()


def test_an_entered_value_needs_evidence(framework, personas):
    entry = EnteredValue(
        indicator=framework["entered"],
        period=framework["interim"],
        value=Decimal(3),
        entered_by=personas["staff"],
        entered_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "Attach the evidence" in messages(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()


def test_the_database_refuses_an_entered_value_approved_by_its_author(framework, personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        EnteredValue.objects.create(
            indicator=framework["entered"],
            period=framework["interim"],
            value=Decimal(3),
            evidence_link="https://example.org/clipping",
            entered_by=personas["staff"],
            entered_at=timezone.now(),
            approved_by=personas["staff"],
            approved_at=timezone.now(),
        )


def test_a_computed_indicator_takes_no_typed_value(framework, personas):
    entry = EnteredValue(
        indicator=framework["computed"],
        period=framework["interim"],
        value=Decimal(3),
        evidence_link="https://example.org",
        entered_by=personas["staff"],
        entered_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "computed from the records" in messages(caught.value)


def test_entered_breakdowns_follow_the_indicators_disaggregations(framework, personas):
    entry = EnteredValue(
        indicator=framework["entered"],
        period=framework["interim"],
        value=Decimal(3),
        breakdowns={"gender": {"female": 3}},
        evidence_link="https://example.org",
        entered_by=personas["staff"],
        entered_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "not disaggregated by “gender”" in messages(caught.value)
    entry.breakdowns = {"country": {"KG": "three"}}
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "needs a number" in messages(caught.value)
    entry.breakdowns = {"country": {"KG": 2, "TJ": 1}}
    entry.full_clean()


# --- reports -------------------------------------------------------------------------


def test_a_reports_narrative_is_rendered_sanitised(db):
    report = ReportFactory(progress="**Done**<script>alert(1)</script>")
    html = report.section_html("progress")
    assert "<strong>Done</strong>" in html
    assert "<script>" not in html
    with pytest.raises(KeyError):
        report.section_html("title")


def test_a_report_belongs_to_a_period_of_its_phase(framework):
    report = ReportFactory.build(phase=PhaseFactory(), period=framework["interim"])
    with pytest.raises(ValidationError) as caught:
        report.full_clean()
    assert "not one of the report's phase" in messages(caught.value)


def test_every_model_shown_in_a_url_has_a_public_code(framework):
    for model in (Phase, Indicator, Period, ResultNode):
        assert model._meta.get_field("code").unique
