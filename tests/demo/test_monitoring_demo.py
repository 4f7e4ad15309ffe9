"""The demo's monitoring: phase III with its theory of change, a framework of 15
indicators, an interim report submitted and a final one drafted, whose figures are the
ones the demo's records give (counted here straight from the records)."""

import datetime

import pytest
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from kenesh.access.predicates import is_staff
from kenesh.convenings.models import AudienceScope, Convening, Kind, Participation, SessionRole
from kenesh.demo import loader
from kenesh.demo import monitoring as demo_monitoring
from kenesh.influence.models import Outcome, Recommendation, Substantiation
from kenesh.mentoring.models import MentoringSession, Mentorship
from kenesh.monitoring import queries
from kenesh.monitoring.models import (
    EnteredValue,
    Indicator,
    IndicatorKind,
    Level,
    PeriodKind,
    Phase,
    Report,
    ReportStatus,
    ReportValue,
    ResultNode,
    Target,
)
from kenesh.papers.models import PolicyPaper, Status
from kenesh.people.models import Person, Track

START, END = demo_monitoring.PHASE_STARTS, demo_monitoring.PHASE_ENDS


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo at scale 1, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        loader.load_demo(scale=1)
        yield Phase.objects.get()
        transaction.set_rollback(True)


@pytest.fixture
def phase(demo, db):
    return demo


def _period(phase, kind):
    return phase.periods.get(kind=kind)


def _values(phase, kind) -> dict:
    period = _period(phase, kind)
    return {i.ref: m for i, m in _measures(phase, period)}


def _measures(phase, period):
    indicator_list = list(queries.indicators_of(phase))
    values = queries.values_for(phase, period, indicator_list)
    return [(i, values[i.pk]) for i in indicator_list]


def test_one_phase_iii_with_a_fictional_donor(phase):
    assert Phase.objects.count() == 1
    assert (phase.starts_on, phase.ends_on) == (datetime.date(2022, 5, 1), END)
    assert "Fictional" in phase.donor
    assert "fictional" in phase.name.lower()


def test_theory_of_change_rests_on_evidence_from_the_records(phase):
    statements = list(phase.statements.prefetch_related("assumptions__evidence"))
    assert 3 <= len(statements) <= 4
    for statement in statements:
        # The diagram prints IF / THEN / BECAUSE itself: the texts do not repeat them.
        for text in (statement.if_text, statement.then_text, statement.because_text):
            assert text and not text.startswith(("IF ", "THEN ", "BECAUSE "))
        assert statement.assumptions.exists()
    evidence = [e for s in statements for a in s.assumptions.all() for e in a.evidence.all()]
    assert {e.source for e in evidence} >= {"outcome", "assessment", "testimonial", "link"}
    assert {e.stance for e in evidence} == {"supports", "challenges"}


def test_framework_of_fifteen_indicators_two_thirds_computed(phase):
    nodes = ResultNode.objects.filter(phase=phase)
    assert nodes.filter(level=Level.GOAL).count() == 1
    assert nodes.filter(level=Level.OUTCOME).count() == 3
    assert nodes.filter(level=Level.OUTPUT).count() == 5
    indicators = Indicator.objects.filter(node__phase=phase)
    assert indicators.count() == 15
    assert indicators.filter(kind=IndicatorKind.COMPUTED).count() == 10
    assert indicators.exclude(baseline_value=None).count() >= 14


def test_entered_values_have_evidence_and_a_second_staff_approval(phase):
    entries = EnteredValue.objects.filter(indicator__node__phase=phase).select_related(
        "entered_by", "approved_by"
    )
    assert entries.count() == 5 * 2  # five entered indicators, two periods
    for entry in entries:
        assert entry.evidence_link.startswith("https://")
        assert entry.is_approved
        assert entry.approved_by != entry.entered_by
        assert is_staff(entry.approved_by) and is_staff(entry.entered_by)


def test_two_periods_inside_the_phase(phase):
    periods = list(phase.periods.order_by("starts_on", "ends_on"))
    assert [p.kind for p in periods] == [PeriodKind.INTERIM, PeriodKind.FINAL]
    for period in periods:
        assert phase.starts_on <= period.starts_on < period.ends_on <= phase.ends_on


def test_interim_report_submitted_with_frozen_values_final_still_a_draft(phase):
    interim = Report.objects.get(period__kind=PeriodKind.INTERIM)
    final = Report.objects.get(period__kind=PeriodKind.FINAL)
    assert interim.status == ReportStatus.SUBMITTED and interim.submitted_at
    assert ReportValue.objects.filter(report=interim).count() == 15
    assert queries.differences(interim) == []
    assert final.status == ReportStatus.DRAFT
    assert not final.values.exists()
    for name in ("context", "progress", "challenges", "next_steps"):
        assert getattr(final, name)
    narrative = final.context + final.progress + final.challenges + final.next_steps
    assert any("\u0400" <= c <= "\u04ff" for c in narrative)  # some Russian


@pytest.mark.parametrize("kind", [PeriodKind.INTERIM, PeriodKind.FINAL])
def test_targets_met_and_missed(phase, kind):
    period = _period(phase, kind)
    targets = dict(Target.objects.filter(period=period).values_list("indicator_id", "value"))
    met = missed = 0
    for indicator, measure in _measures(phase, period):
        if indicator.pk in targets and measure is not None and measure.total is not None:
            if measure.total >= targets[indicator.pk]:
                met += 1
            else:
                missed += 1
    assert met >= 5 and missed >= 1, (met, missed)


# --- the final report's figures, counted straight from the records ----------------------


def _took_part():
    return Q(attended=True) | Q(attended__isnull=True, invitation="accepted")


def _held(kind):
    came = Participation.objects.filter(_took_part(), convening=OuterRef("pk"))
    return Convening.objects.filter(kind=kind, starts_on__range=(START, END)).filter(Exists(came))


def _young_in(role):
    places = Participation.objects.filter(
        _took_part(), convening__starts_on__range=(START, END), person__track=Track.EMERGENT
    ).filter(Q(role=role) | Q(session_assignments__role=role))
    return Person.objects.filter(participations__in=places).distinct().count()


def test_final_report_states_what_the_records_show(phase):
    values = _values(phase, PeriodKind.FINAL)
    final = Report.objects.get(period__kind=PeriodKind.FINAL)

    rcwg = _held(Kind.RCWG).count()
    convened = Person.objects.filter(
        participations__in=Participation.objects.filter(
            _took_part(), convening__starts_on__range=(START, END)
        ).exclude(role__in=["organiser", "observer"])
    ).distinct()
    countries = set(convened.values_list("country", flat=True))
    active = Mentorship.objects.filter(started_on__lte=END).filter(
        Q(started_on__gte=START)
        | Exists(
            MentoringSession.objects.filter(mentorship=OuterRef("pk"), date__range=(START, END))
        )
    )
    mentored = active.values("mentee").distinct().count()
    papers = PolicyPaper.objects.filter(
        status=Status.PUBLISHED, published_at__date__range=(START, END)
    ).count()
    briefings = _held(Kind.BRIEFING)
    taken_up = Recommendation.objects.filter(outcomes__when__lte=END).distinct().count()

    assert values["1.1.1"].total == rcwg
    assert values["1.1"].total == convened.count()
    assert {c.key for c in values["1.1"].by("country").cells if c.value} == countries
    assert values["2.1.1"].total == mentored
    assert values["2.1"].total == _young_in(SessionRole.SPEAKER)
    assert values["2.2"].total == _young_in(SessionRole.FACILITATOR)
    assert values["3.1.1"].total == papers
    assert values["3.2.1"].total == briefings.count()
    assert (
        values["3.2.1"].by("scope").value_of("outside")
        == briefings.filter(audience_scope=AudienceScope.OUTSIDE).count()
    )
    assert values["G.1"].total == taken_up
    assert values["1.2.1"].total == _held(Kind.TRACK_II).count()

    # The kind of results the programme description's "Impact" section states.
    assert rcwg == 4
    assert convened.count() > 50 and countries == {"KZ", "KG", "TJ", "UZ", "AF"}
    assert mentored == 10
    assert 0 < values["2.2"].total < values["2.1"].total  # facilitators among the speakers
    assert papers == 14 and briefings.count() == 10
    assert Outcome.objects.filter(
        platform__icontains="Consultative Meeting", substantiation=Substantiation.VERIFIED
    ).exists()
    assert taken_up > 0

    # The narrative says the same figures.
    for phrase in (
        f"**{rcwg:,} RCWG meetings**",
        f"**{convened.count():,} experts**",
        f"**{len(countries)} countries**",
        f"**{mentored:,} emergent experts**",
        f"**{values['2.1'].total:,} spoke**",
        f"**{values['2.2'].total:,} facilitated**",
        f"**{papers:,} policy papers**",
        f"**{briefings.count():,} briefings**",
        f"**{taken_up:,} recommendations**",
        "Consultative Meeting of the Heads of State",
    ):
        assert phrase in final.progress, phrase


def test_interim_report_froze_the_values_of_its_period(phase):
    interim = Report.objects.get(period__kind=PeriodKind.INTERIM)
    frozen = {row.indicator_ref: row.value for row in interim.values.all()}
    today = _values(phase, PeriodKind.INTERIM)
    assert frozen["1.1.1"] == today["1.1.1"].total == 2
    assert frozen["2.2"] == 0  # no young expert facilitated in the first year
    assert f"{today['1.1.1'].total} RCWG meetings" in interim.progress
