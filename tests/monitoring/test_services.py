"""Monitoring's services: every refusal says why and changes nothing; a submitted report
keeps what it showed while the records move on."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kenesh.core.models import AuditEntry
from kenesh.core.testing.queries import count_queries
from kenesh.monitoring import queries, services
from kenesh.monitoring.models import (
    EnteredValue,
    IndicatorKind,
    Level,
    Period,
    PeriodKind,
    ReportStatus,
    ReportValue,
    Stance,
    Target,
)
from kenesh.people.models import Person
from tests.monitoring.conftest import convene, refused, snapshot
from tests.monitoring.factories import IndicatorFactory, PeriodFactory, PhaseFactory

D = datetime.date
LINK = "https://example.org/evidence"


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_staff_build_a_phase_with_its_theory_of_change_and_framework(personas):
    staff = personas["staff"]
    phase = services.create_phase(
        by=staff,
        name="Phase III",
        donor="Fictional Peace Fund",
        starts_on=D(2022, 5, 1),
        ends_on=D(2024, 6, 30),
        budget=Decimal("1500000"),
        currency="USD",
        iati_identifier="XM-DAC-00000-PHASE3",
    )
    statement = services.create_change_statement(
        phase=phase,
        by=staff,
        if_text="If experts of every generation meet regularly",
        then_text="then the region's policies draw on their analysis",
        because_text="because policymakers trust a regional voice",
    )
    assumption = services.create_assumption(
        statement=statement, by=staff, text="Policymakers attend briefings"
    )
    services.add_assumption_evidence(
        assumption=assumption, stance=Stance.SUPPORTS, link="https://example.org/a", by=staff
    )
    goal = services.create_result_node(
        phase=phase, by=staff, level=Level.GOAL, ref="G", title="Policy draws on experts"
    )
    outcome = services.create_result_node(
        phase=phase, by=staff, level=Level.OUTCOME, parent=goal, ref="1", title="Experts meet"
    )
    indicator = services.create_indicator(
        node=outcome,
        by=staff,
        ref="1.1",
        name="Experts convened",
        kind=IndicatorKind.COMPUTED,
        query_key="experts-convened",
        disaggregations=["country"],
    )
    period = services.create_period(
        phase=phase,
        by=staff,
        kind=PeriodKind.INTERIM,
        name="Year one",
        starts_on=D(2022, 5, 1),
        ends_on=D(2023, 4, 30),
    )
    services.create_target(indicator=indicator, period=period, value=Decimal(40), by=staff)
    services.update_indicator(indicator=indicator, by=staff, name="Distinct experts convened")
    assert actions() == [
        "monitoring.phase.created",
        "monitoring.statement.created",
        "monitoring.assumption.created",
        "monitoring.evidence.added",
        "monitoring.result.created",
        "monitoring.result.created",
        "monitoring.indicator.created",
        "monitoring.period.created",
        "monitoring.target.set",
        "monitoring.indicator.changed",
    ]
    assert AuditEntry.objects.order_by("id").last().data == {"fields": ["name"]}


# --- bad input: a clear message, nothing changed ------------------------------------------


def test_an_indicator_bound_to_an_unknown_query_is_refused(framework, personas):
    with refused("There is no computed indicator “made-up”."):
        services.create_indicator(
            node=framework["outcome"],
            by=personas["staff"],
            ref="1.9",
            name="Invented",
            kind=IndicatorKind.COMPUTED,
            query_key="made-up",
        )
    with refused("There is no computed indicator “made-up”."):
        services.update_indicator(
            indicator=framework["computed"], by=personas["staff"], query_key="made-up"
        )
    framework["computed"].refresh_from_db()
    assert framework["computed"].query_key == "experts-convened"


def test_overlapping_periods_of_one_kind_are_refused(framework, personas):
    with refused("This period overlaps “Q1 2023”"):
        services.create_period(
            phase=framework["phase"],
            by=personas["staff"],
            kind=PeriodKind.QUARTERLY,
            name="Misdated quarter",
            starts_on=D(2023, 3, 1),
            ends_on=D(2023, 5, 31),
        )
    services.create_period(
        phase=framework["phase"],
        by=personas["staff"],
        kind=PeriodKind.FINAL,
        name="The whole phase",
        starts_on=D(2023, 1, 1),
        ends_on=D(2024, 6, 30),
    )


def test_a_target_outside_the_phases_periods_is_refused(framework, personas):
    elsewhere = PeriodFactory(phase=PhaseFactory())
    with refused("one of the periods of its indicator's phase"):
        services.create_target(
            indicator=framework["computed"],
            period=elsewhere,
            value=Decimal(5),
            by=personas["staff"],
        )


def test_a_second_target_for_one_period_is_refused(framework, personas):
    services.create_target(
        indicator=framework["computed"],
        period=framework["interim"],
        value=Decimal(5),
        by=personas["staff"],
    )
    with refused("already has a target for this period"):
        services.create_target(
            indicator=framework["computed"],
            period=framework["interim"],
            value=Decimal(6),
            by=personas["staff"],
        )


def test_a_phase_cannot_shrink_away_from_its_periods(framework, personas):
    with refused("would lie outside the phase's dates"):
        services.update_phase(
            phase=framework["phase"], by=personas["staff"], starts_on=D(2023, 2, 1)
        )


def test_an_entered_value_without_evidence_is_refused(framework, personas):
    with refused("Attach the evidence: a file, a link, or both."):
        services.enter_value(
            indicator=framework["entered"],
            period=framework["interim"],
            value=Decimal(4),
            by=personas["staff"],
        )


def test_an_entered_value_is_not_approved_by_its_author(framework, personas):
    entry = services.enter_value(
        indicator=framework["entered"],
        period=framework["interim"],
        value=Decimal(4),
        evidence_link=LINK,
        by=personas["staff"],
    )
    with refused("other than the one who entered it"):
        services.approve_entered_value(entry=entry, by=personas["staff"])
    entry.refresh_from_db()
    assert entry.approved_by is None


def test_a_member_cannot_approve_an_entered_value(framework, personas):
    entry = services.enter_value(
        indicator=framework["entered"],
        period=framework["interim"],
        value=Decimal(4),
        evidence_link=LINK,
        by=personas["staff"],
    )
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.approve_entered_value(entry=entry, by=personas["expert"])
    assert snapshot() == before


def test_only_an_approved_value_counts_and_a_change_needs_approval_again(framework, personas):
    entered, interim = framework["entered"], framework["interim"]
    entry = services.enter_value(
        indicator=entered,
        period=interim,
        value=Decimal(4),
        breakdowns={"country": {"KG": 3, "TJ": 1}},
        evidence_link=LINK,
        by=personas["staff"],
    )
    assert queries.value_of(entered, interim) is None
    services.approve_entered_value(entry=entry, by=personas["administrator"])
    measure = queries.value_of(entered, interim)
    assert measure.total == 4
    assert measure.by("country").value_of("KG") == 3
    assert measure.people is False

    services.update_entered_value(entry=entry, by=personas["administrator"], value=Decimal(5))
    assert queries.value_of(entered, interim) is None
    entry.refresh_from_db()
    assert entry.entered_by == personas["administrator"]
    services.approve_entered_value(entry=entry, by=personas["staff"])
    assert queries.value_of(entered, interim).total == 5
    assert actions()[-3:] == [
        "monitoring.value.approved",
        "monitoring.value.changed",
        "monitoring.value.approved",
    ]


def test_evidence_files_are_stored_under_a_private_random_name(
    framework, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("clipping.pdf", b"%PDF-1.4 fictional", "application/pdf")
    entry = services.enter_value(
        indicator=framework["entered"],
        period=framework["interim"],
        value=Decimal(1),
        evidence_file=upload,
        by=personas["staff"],
    )
    assert entry.evidence_filename == "clipping.pdf"
    assert entry.evidence_file.name.startswith(f"monitoring/{framework['entered'].code}/")
    assert "clipping" not in entry.evidence_file.name
    assert (tmp_path / entry.evidence_file.name).read_bytes() == b"%PDF-1.4 fictional"


def test_evidence_that_is_not_what_its_name_says_is_refused(
    framework, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("clipping.pdf", b"MZ not a pdf", "application/pdf")
    with refused("does not match its name"):
        services.enter_value(
            indicator=framework["entered"],
            period=framework["interim"],
            value=Decimal(1),
            evidence_file=upload,
            by=personas["staff"],
        )
    assert not any(tmp_path.rglob("*"))


def test_an_entered_value_for_a_computed_indicator_is_refused(framework, personas):
    with refused("computed from the records"):
        services.enter_value(
            indicator=framework["computed"],
            period=framework["interim"],
            value=Decimal(4),
            evidence_link=LINK,
            by=personas["staff"],
        )


# --- values ------------------------------------------------------------------------------


def test_a_computed_value_keeps_only_the_indicators_disaggregations(framework):
    convene(3, country="KG")
    convene(2, country="TJ", gender="male")
    measure = queries.value_of(framework["computed"], framework["interim"])
    assert measure.total == 5
    assert [b.dimension for b in measure.breakdowns] == ["country", "gender"]
    assert measure.by("country").value_of("TJ") == 2
    assert queries.value_of(framework["computed"], framework["quarter"]).total == 5


# --- reports ------------------------------------------------------------------------------


def _report(framework, personas, **fields):
    return services.create_report(
        phase=framework["phase"],
        period=framework["interim"],
        title="Interim report 2023",
        by=personas["staff"],
        **fields,
    )


def test_a_report_for_an_empty_period_is_honest_not_an_error(framework, personas):
    report = _report(framework, personas)
    services.submit_report(report=report, by=personas["staff"])
    rows = {row.indicator_id: row for row in ReportValue.objects.filter(report=report)}
    computed, entered = rows[framework["computed"].pk], rows[framework["entered"].pk]
    assert computed.value == 0 and computed.breakdowns[0]["cells"] == []
    assert entered.value is None and entered.breakdowns == []
    assert computed.baseline == Decimal(10)
    assert queries.differences(report) == []


def test_a_submitted_report_keeps_its_values_and_shows_the_drift(framework, personas):
    convene(3, country="KG")
    Target.objects.create(
        indicator=framework["computed"], period=framework["interim"], value=Decimal(20)
    )
    report = _report(framework, personas, for_donor=True, shared_dimensions=["country"])
    services.submit_report(report=report, by=personas["staff"])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == personas["staff"]
    frozen = ReportValue.objects.get(report=report, indicator=framework["computed"])
    assert (frozen.value, frozen.target) == (Decimal(3), Decimal(20))
    assert frozen.breakdowns[0]["cells"] == [
        {"key": "KG", "label": "Kyrgyzstan", "value": 3, "n": None}
    ]

    # The records move on: two more experts, the indicator is renamed, an entered value.
    convene(2, country="TJ")
    services.update_indicator(indicator=framework["computed"], by=personas["staff"], name="Renamed")
    entry = services.enter_value(
        indicator=framework["entered"],
        period=framework["interim"],
        value=Decimal(7),
        evidence_link=LINK,
        by=personas["staff"],
    )
    services.approve_entered_value(entry=entry, by=personas["administrator"])

    frozen.refresh_from_db()
    assert frozen.value == Decimal(3)
    assert frozen.indicator_name == "Experts convened"
    assert queries.measure_of(frozen).total == 3
    drift = {d.indicator.pk: d for d in queries.differences(report)}
    assert set(drift) == {framework["computed"].pk, framework["entered"].pk}
    assert (
        drift[framework["computed"].pk].submitted_total,
        drift[framework["computed"].pk].today_total,
    ) == (3, 5)
    assert drift[framework["entered"].pk].submitted_total is None
    assert drift[framework["entered"].pk].today_total == 7


def test_a_change_in_a_cell_alone_is_a_difference(framework, personas):
    meeting = convene(2, country="KG")
    report = _report(framework, personas)
    services.submit_report(report=report, by=personas["staff"])
    # Same total, other cells: one Kyrgyz expert's record now says Tajikistan.
    moved = Person.objects.filter(participations__convening=meeting).first()
    moved.country = "TJ"
    moved.save()
    assert [d.indicator for d in queries.differences(report)] == [framework["computed"]]


def test_editing_a_submitted_report_is_refused(framework, personas):
    report = _report(framework, personas)
    services.submit_report(report=report, by=personas["staff"])
    with refused("a submitted report cannot be changed"):
        services.update_report(report=report, by=personas["staff"], title="Rewritten")
    with refused("a submitted report cannot be changed"):
        services.submit_report(report=report, by=personas["staff"])


def test_what_a_report_shares_with_the_donor_is_recorded(framework, personas):
    report = _report(framework, personas)
    services.update_report(
        report=report, by=personas["staff"], for_donor=True, shared_dimensions=["country"]
    )
    entry = AuditEntry.objects.filter(action="monitoring.report.sharing_set").get()
    assert entry.data == {"for_donor": True, "shared": ["country"]}
    assert entry.actor == personas["staff"]
    with refused("No indicator of this phase is disaggregated by sector"):
        services.update_report(report=report, by=personas["staff"], shared_dimensions=["sector"])


def test_a_report_for_another_phases_period_is_refused(framework, personas):
    other = PhaseFactory()
    with refused("not one of the report's phase"):
        services.create_report(
            phase=other,
            period=framework["interim"],
            title="Confused",
            by=personas["staff"],
        )


def test_submitting_costs_the_same_queries_with_few_and_many_records(framework, personas):
    IndicatorFactory(
        node=framework["outcome"],
        ref="1.3",
        query_key="rcwg-meetings-held",
        disaggregations=["venue_country"],
    )
    for number in range(3):
        Period.objects.create(
            phase=framework["phase"],
            kind=PeriodKind.OTHER,
            name=f"Window {number}",
            starts_on=D(2023, 1, 1) + datetime.timedelta(days=40 * number),
            ends_on=D(2023, 1, 30) + datetime.timedelta(days=40 * number),
        )
    few_period, many_period = Period.objects.filter(kind=PeriodKind.OTHER)[:2]
    convene(1, day=few_period.starts_on)
    for _n in range(10):
        convene(3, day=many_period.starts_on, country="UZ")

    def submit(period):
        def run():
            report = services.create_report(
                phase=framework["phase"], period=period, title="r", by=personas["staff"]
            )
            services.submit_report(report=report, by=personas["staff"])

        return run

    warm = Period.objects.filter(kind=PeriodKind.OTHER)[2]
    submit(warm)()
    few, few_sql = count_queries(submit(few_period))
    many, many_sql = count_queries(submit(many_period))
    assert few == many, f"{few} then {many}\n{few_sql}\n---\n{many_sql}"
    assert ReportValue.objects.filter(report__period=many_period).get(
        indicator=framework["computed"]
    ).value == Decimal(30)


def test_a_report_cannot_be_submitted_twice_at_once_or_from_nothing(framework, personas):
    report = _report(framework, personas)
    services.submit_report(report=report, by=personas["staff"])
    assert ReportValue.objects.filter(report=report).count() == 2
    assert EnteredValue.objects.count() == 0
    with pytest.raises(ValidationError):
        services.submit_report(report=report, by=personas["staff"])
    assert ReportValue.objects.filter(report=report).count() == 2


def test_an_indicator_with_typed_values_stays_entered(framework, personas):
    services.enter_value(
        indicator=framework["entered"],
        period=framework["interim"],
        value=Decimal(2),
        evidence_link=LINK,
        by=personas["staff"],
    )
    with refused("cannot become computed"):
        services.update_indicator(
            indicator=framework["entered"],
            by=personas["staff"],
            kind=IndicatorKind.COMPUTED,
            query_key="papers-published",
            disaggregations=[],
        )


def test_evidence_changes_its_stance_but_not_what_it_points_to(framework, personas):
    statement = services.create_change_statement(
        phase=framework["phase"], by=personas["staff"], if_text="a", then_text="b", because_text="c"
    )
    assumption = services.create_assumption(statement=statement, by=personas["staff"], text="d")
    with refused("exactly one thing"):
        services.add_assumption_evidence(
            assumption=assumption, stance=Stance.SUPPORTS, by=personas["staff"]
        )
    evidence = services.add_assumption_evidence(
        assumption=assumption, stance=Stance.SUPPORTS, link=LINK, by=personas["staff"]
    )
    evidence = services.update_assumption_evidence(
        evidence=evidence, by=personas["staff"], stance=Stance.CHALLENGES
    )
    assert evidence.stance == Stance.CHALLENGES
    with pytest.raises(ValueError):
        services.update_assumption_evidence(evidence=evidence, by=personas["staff"], link="")
