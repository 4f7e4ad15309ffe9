"""Each computed indicator against counts made by hand on one small programme.

The reporting window is the first half of 2023: 1 January to 30 June, both included.
Who is counted, and why, is said beside each number.
"""

import datetime
import itertools

import pytest
from django.utils import timezone

from kenesh.convenings.models import Invitation, SessionAssignment
from kenesh.core.testing.queries import count_queries
from kenesh.influence.models import Outcome, Presentation, Recommendation
from kenesh.mentoring.models import (
    SKILLS,
    Application,
    Assessment,
    Call,
    CohortDecision,
    MentoringSession,
    Mentorship,
)
from kenesh.monitoring import indicators
from kenesh.monitoring.arithmetic import Audience, shown_to, unbalanced
from kenesh.papers.models import Authorship, PolicyPaper
from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory
from tests.factories import PersonFactory

START = datetime.date(2023, 1, 1)
END = datetime.date(2023, 6, 30)
D = datetime.date


def at(day: datetime.date, hour=12) -> datetime.datetime:
    """Noon in the platform's time zone on ``day``."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def value(key, start=START, end=END):
    return indicators.compute(key, start, end)


def came(convening, person, role="participant", **fields):
    return ParticipationFactory(convening=convening, person=person, role=role, **fields)


def in_session(participation, role):
    session = SessionFactory(convening=participation.convening)
    SessionAssignment.objects.create(session=session, participation=participation, role=role)


def scores(level):
    return {key: level for key, _label in SKILLS}


@pytest.fixture
def programme(db):
    """The people, convenings, mentoring, papers and influence records the tests count."""
    p = {}
    # Seasoned: A (Kyrgyzstan, woman, academia), B (Kazakhstan, man, government).
    p["A"] = PersonFactory(withdrawn_at=timezone.now())  # withdrawn: still counts
    p["B"] = PersonFactory(country="KZ", gender="male", sector="government")
    # Emergent: C (Tajikistan, woman, civil society), D (Uzbekistan, man, academia).
    p["C"] = PersonFactory(country="TJ", track="emergent", sector="civil_society")
    p["D"] = PersonFactory(country="UZ", gender="male", track="emergent")
    # H: seasoned, erased (pseudonymised), from Afghanistan, gender not said, security.
    p["H"] = PersonFactory(
        country="AF", gender="undisclosed", sector="security", erased_at=timezone.now()
    )
    # Never counted: E invited without answer, F accepted but absent, O organiser,
    # G emergent who came only after the window, I emergent who declined.
    for name in "EFO":
        p[name] = PersonFactory()
    p["G"] = PersonFactory(track="emergent")
    p["I"] = PersonFactory(track="emergent", country="TJ")

    # -- convenings --
    rcwg = ConveningFactory(kind="rcwg", starts_on=START, ends_on=D(2023, 1, 2), country="KG")
    came(rcwg, p["A"])
    came(rcwg, p["B"], "speaker")
    in_session(came(rcwg, p["C"]), "speaker")  # C spoke in a session
    came(rcwg, p["E"], invitation=Invitation.INVITED, attended=None)
    came(rcwg, p["F"], attended=False)
    came(rcwg, p["O"], "organiser")

    track2 = ConveningFactory(kind="track2", starts_on=END, ends_on=D(2023, 7, 1), country="TJ")
    came(track2, p["A"])
    came(track2, p["C"], "facilitator", attended=None)  # accepted, attendance not recorded
    in_session(came(track2, p["D"]), "facilitator")
    came(track2, p["H"])
    came(track2, p["I"], "facilitator", invitation=Invitation.DECLINED, attended=None)

    after = ConveningFactory(kind="rcwg", starts_on=D(2023, 7, 1), ends_on=D(2023, 7, 1))
    came(after, p["G"], "speaker")
    before = ConveningFactory(kind="rcwg", starts_on=D(2022, 12, 31), ends_on=START)
    came(before, p["D"], "speaker")
    # Called off: everyone invited, no one came.
    off = ConveningFactory(kind="rcwg", starts_on=D(2023, 3, 1), ends_on=D(2023, 3, 1))
    came(off, p["A"], invitation=Invitation.INVITED, attended=None)
    came(off, p["B"], attended=False)

    p["inside"] = inside = ConveningFactory(
        kind="briefing",
        starts_on=D(2023, 3, 10),
        ends_on=D(2023, 3, 10),
        country="KZ",
        audience="Fictional ministry",
        audience_scope="inside",
    )
    came(inside, p["B"], "speaker")
    p["outside"] = outside = ConveningFactory(
        kind="briefing",
        starts_on=D(2023, 4, 10),
        ends_on=D(2023, 4, 10),
        country="",
        city="Brussels",
        host_country="Belgium",
        audience="Fictional forum",
        audience_scope="outside",
    )
    came(outside, p["D"], "speaker")
    not_held = ConveningFactory(
        kind="briefing",
        starts_on=D(2023, 5, 10),
        ends_on=D(2023, 5, 10),
        country="UZ",
        audience="Fictional agency",
    )
    came(not_held, p["A"], invitation=Invitation.DECLINED, attended=None)
    p["old"] = old = ConveningFactory(
        kind="briefing",
        starts_on=D(2022, 11, 1),
        ends_on=D(2022, 11, 1),
        audience="Old",
        audience_scope="inside",
    )
    came(old, p["B"], "speaker")

    _mentoring(p)
    _papers_and_influence(p)
    return p


EMAILS = itertools.count()


def _application(call, **fields):
    fields = {
        "name": "Fictional Applicant",
        "email": f"a{next(EMAILS)}@example.org",
        "country": "TJ",
        "gender": "female",
        "sector": "academia",
        "birth_year": 2000,
        "consent_at": timezone.now(),
        "cv": "cv.pdf",
        "writing_sample": "s.pdf",
        **fields,
    }
    return Application.objects.create(call=call, **fields)


def _decide(call, chosen, day):
    decision = CohortDecision.objects.create(call=call)
    decision.chosen.set(chosen)
    CohortDecision.objects.filter(pk=decision.pk).update(at=at(day))


def _call(title):
    return Call.objects.create(title=title, opens_on=D(2022, 1, 1), closes_on=D(2022, 2, 1))


def _mentoring(p):
    first, late, redone = _call("First"), _call("Late"), _call("Redone")
    a = {n: _application(first) for n in (1, 2)}
    a[3] = _application(first, country="UZ", gender="male")
    a[4] = _application(late)
    a[5] = _application(redone)
    a[6] = _application(redone, country="KZ")
    _decide(first, [a[1], a[2]], D(2023, 2, 1))
    _decide(first, [a[2], a[3]], D(2023, 2, 15))  # supersedes the first decision
    _decide(late, [a[4]], D(2023, 7, 2))  # after the window
    _decide(redone, [a[5]], D(2023, 3, 1))
    _decide(redone, [a[6]], D(2023, 8, 1))  # taken after the window: not yet in force

    def pair(mentor, mentee, started):
        return Mentorship.objects.create(mentor=p[mentor], mentee=p[mentee], started_on=started)

    def session(mentorship, day):
        MentoringSession.objects.create(mentorship=mentorship, date=day, mode="online", topics="x")

    def assess(mentorship, stage, level, day, assessor="mentor"):
        made = Assessment.objects.create(
            mentorship=mentorship, stage=stage, assessor=assessor, scores=level
        )
        Assessment.objects.filter(pk=made.pk).update(created_at=at(day))

    c = pair("A", "C", D(2023, 2, 1))  # started in the window
    pair("B", "C", D(2023, 3, 1))  # C's second mentor: C still counts once
    d = pair("B", "D", D(2022, 10, 1))
    session(d, D(2023, 5, 5))  # started before, met in the window
    g = pair("A", "G", D(2022, 10, 1))
    session(g, D(2022, 11, 1))  # met only before the window
    i = pair("B", "I", D(2023, 7, 5))  # starts after the window

    assess(c, "pre", scores(2), D(2023, 1, 15))
    assess(c, "post", scores(4), D(2023, 6, 1))  # C grew by 2
    assess(c, "post", scores(5), D(2023, 6, 1), assessor="self")  # self-assessment: not used
    assess(d, "pre", scores(3), D(2022, 10, 10))
    assess(d, "mid", {**scores(4), "speaking": 3}, D(2023, 4, 1))  # D: 5 skills +1 -> 5/6
    assess(d, "post", scores(5), D(2023, 7, 10))  # after the window: not yet there
    assess(g, "pre", scores(1), D(2022, 10, 10))
    assess(g, "mid", scores(3), D(2022, 12, 1))  # G's latest is before the window
    assess(i, "pre", scores(1), D(2023, 2, 1))  # one stage only: no growth


def _paper(title, day, language="ru", status="published"):
    return PolicyPaper.objects.create(
        title=title, status=status, language=language, published_at=day and at(day)
    )


def _papers_and_influence(p):
    def authors(paper, *pairs):
        for order, (name, role) in enumerate(pairs):
            Authorship.objects.create(paper=paper, person=p[name], role=role, order=order)

    p1 = _paper("One", D(2023, 3, 1))
    authors(p1, ("A", "lead"), ("C", "co_author"))  # across generations
    authors(_paper("Two", END, "en"), ("A", "lead"), ("B", "co_author"))  # seasoned only
    authors(_paper("Three", D(2023, 7, 1)), ("A", "lead"), ("D", "co_author"))  # after
    authors(_paper("Four", None, status="approved"), ("A", "lead"), ("C", "co_author"))
    authors(_paper("Five", D(2023, 4, 1)), ("D", "lead"), ("A", "mentor"))  # mentor only

    def recommendation(level):
        return Recommendation.objects.create(
            paper=p1, text="Fictional recommendation", addressee="Ministry", level=level
        )

    r1, r2, r3, r4 = (recommendation(lv) for lv in ("national", "regional", "regional", "national"))
    for rec, briefing in ((r1, "inside"), (r1, "outside"), (r2, "outside"), (r3, "old")):
        Presentation.objects.create(recommendation=rec, briefing=p[briefing], response="noted")

    def outcome(day, recs, substantiation="claimed", implements=False):
        made = Outcome.objects.create(
            change="A fictional change",
            social_actor="A ministry",
            when=day,
            platform="x",
            significance="x",
            contribution="x",
            substantiation=substantiation,
            substantiated_by="An independent reviewer",
            evidence="A link",
            implements=implements,
        )
        made.recommendations.set(recs)

    outcome(D(2023, 5, 1), [r1], "verified")  # r1 taken up
    outcome(D(2023, 6, 15), [r2], "substantiated", implements=True)  # r2 implemented
    outcome(D(2023, 8, 1), [r3], implements=True)  # after the window
    outcome(D(2023, 2, 1), [r4])  # r4 taken up without a briefing; claimed only


# --- the registry --------------------------------------------------------------------


def test_every_indicator_says_what_it_counts():
    assert len(indicators.REGISTRY) >= 12
    for key, indicator in indicators.REGISTRY.items():
        assert indicator.key == key
        assert str(indicator.name) and str(indicator.unit) and str(indicator.method)


def test_an_unknown_key_is_a_clear_error():
    with pytest.raises(indicators.UnknownIndicator) as error:
        indicators.get_indicator("experts-invented")
    assert "experts-invented" in error.value.message


def test_a_window_ending_before_it_starts_is_refused():
    with pytest.raises(indicators.InvalidWindow):
        indicators.compute("experts-convened", END, START)


def test_every_indicator_has_its_breakdowns_and_they_add_up(programme):
    for key, indicator in indicators.REGISTRY.items():
        measure = indicator.compute(indicators.window(START, END))
        assert [b.dimension for b in measure.breakdowns] == [d.key for d in indicator.dimensions], (
            key
        )
        assert unbalanced(measure) == [], key


def test_an_empty_window_is_an_honest_zero(programme):
    for key, indicator in indicators.REGISTRY.items():
        if indicator.cumulative:
            continue  # a stock as of the window's end: tested below
        measure = value(key, D(2030, 1, 1), D(2030, 12, 31))
        assert measure.total in (0, None), key
        assert all(not b.cells for b in measure.breakdowns), key


# --- convenings ----------------------------------------------------------------------


def test_experts_convened_counts_each_person_who_came_once(programme):
    measure = value("experts-convened")
    # A (RCWG and Track II: once), B, C, D, H (erased, still counted). Not E (invited,
    # no answer), F (absent), O (organiser), G (after the window), I (declined).
    assert measure.total == 5
    assert dict(_cells(measure, "country")) == {"KG": 1, "KZ": 1, "TJ": 1, "UZ": 1, "AF": 1}
    assert dict(_cells(measure, "gender")) == {"female": 2, "male": 2, "undisclosed": 1}
    # Seasoned A, B, H; emergent C, D.
    assert dict(_cells(measure, "generation")) == {"seasoned": 3, "emergent": 2}
    assert dict(_cells(measure, "sector")) == {
        "government": 1,
        "civil_society": 1,
        "academia": 2,
        "security": 1,
    }
    # RCWG: A, B, C. Track II: A, C, D, H. Briefings: B, D. People at several kinds
    # count under each, so kinds add up to more than 5.
    assert dict(_cells(measure, "kind")) == {"rcwg": 3, "track2": 4, "briefing": 2}


def test_window_boundaries_are_included(programme):
    # The RCWG meeting starts on 1 January, the Track II round on 30 June.
    assert value("rcwg-meetings-held").total == 1
    assert value("track-ii-rounds-held").total == 1
    # One day later at each end leaves both out; the meeting of 1 July comes in.
    assert value("rcwg-meetings-held", D(2023, 1, 2), D(2023, 7, 1)).total == 1
    assert value("track-ii-rounds-held", D(2023, 1, 2), D(2023, 6, 29)).total == 0
    # A single day: only the RCWG meeting's people (A, B, C).
    assert value("experts-convened", START, START).total == 3


def test_meetings_held_leave_out_those_no_one_came_to(programme):
    # RCWG in the window: 1 January (held) and 1 March (no one came: not held).
    measure = value("rcwg-meetings-held")
    assert measure.total == 1
    assert dict(_cells(measure, "venue_country")) == {"KG": 1}
    assert dict(_cells(value("track-ii-rounds-held"), "venue_country")) == {"TJ": 1}


def test_briefings_inside_and_outside_the_region(programme):
    measure = value("briefings-held")
    # 10 March in Kazakhstan (inside), 10 April in Brussels (outside); 10 May: no one
    # came; November 2022: before the window.
    assert measure.total == 2
    assert dict(_cells(measure, "scope")) == {"inside": 1, "outside": 1}
    assert dict(_cells(measure, "venue_country")) == {"KZ": 1, "elsewhere": 1}


def test_young_experts_who_spoke_and_facilitated(programme):
    spoke = value("young-experts-spoke")
    # C spoke in a session of the RCWG meeting; D spoke at the Brussels briefing. D's
    # talk of 31 December and G's of 1 July are outside the window.
    assert spoke.total == 2
    assert dict(_cells(spoke, "kind")) == {"rcwg": 1, "briefing": 1}
    assert dict(_cells(spoke, "country")) == {"TJ": 1, "UZ": 1}
    facilitated = value("young-experts-facilitated")
    # C (the place's role, accepted, attendance not recorded) and D (a session role) at
    # the Track II round; I declined.
    assert facilitated.total == 2
    assert dict(_cells(facilitated, "kind")) == {"track2": 2}
    assert dict(_cells(facilitated, "gender")) == {"female": 1, "male": 1}


# --- mentoring -----------------------------------------------------------------------


def test_emergent_experts_selected_by_the_decision_in_force(programme):
    measure = value("emergent-experts-selected")
    # First call: its second decision (2 and 3) replaced the first (1 and 2). Redone
    # call: 5, chosen on 1 March (its re-decision of 1 August is after the window).
    # Late call: decided after the window.
    assert measure.total == 3
    assert dict(_cells(measure, "country")) == {"TJ": 2, "UZ": 1}
    assert dict(_cells(measure, "gender")) == {"female": 2, "male": 1}
    # Over the second half of the year, the August decision (6) is in force.
    assert value("emergent-experts-selected", D(2023, 7, 1), D(2023, 12, 31)).total == 2


def test_emergent_experts_mentored(programme):
    measure = value("emergent-experts-mentored")
    # C (two mentorships begun in the window: once) and D (begun before, met in May).
    # G met only before the window; I's mentorship begins after it.
    assert measure.total == 2
    assert dict(_cells(measure, "country")) == {"TJ": 1, "UZ": 1}


def test_mean_growth_in_assessed_skills(programme):
    measure = value("skills-growth")
    # C: every skill 2 -> 4, +2. D: 3 -> 4 on five skills, speaking unchanged: 5/6.
    # G's latest assessment is before the window; I has one stage only.
    assert measure.n == 2
    assert measure.total == pytest.approx((2 + 5 / 6) / 2)
    assert _cells(measure, "country") == [("TJ", 2), ("UZ", pytest.approx(5 / 6))]
    skills = dict(_cells(measure, "skill"))
    assert skills["research"] == pytest.approx(1.5)  # (2 + 1) / 2
    assert skills["speaking"] == pytest.approx(1)  # (2 + 0) / 2
    # By the end of July, D's post assessment (all 5) counts: +2 for D too.
    assert value("skills-growth", START, D(2023, 7, 31)).total == pytest.approx(2)


# --- papers and influence --------------------------------------------------------------


def test_papers_published_and_co_written_across_generations(programme):
    published = value("papers-published")
    # One (1 March), Two (30 June), Five (1 April); Three is after, Four unpublished.
    assert published.total == 3
    assert dict(_cells(published, "language")) == {"ru": 2, "en": 1}
    # Only One has a seasoned and an emergent author; Five's seasoned A is its mentor.
    assert value("papers-across-generations").total == 1


def test_recommendations_presented_taken_up_implemented(programme):
    presented = value("recommendations-presented")
    # r1 (two briefings: once) and r2; r3 was presented before the window.
    assert presented.total == 2
    assert dict(_cells(presented, "status")) == {"taken_up": 1, "implemented": 1}
    assert dict(_cells(presented, "scope")) == {"inside": 1, "outside": 2}  # r1 at both
    taken = value("recommendations-taken-up")
    # By 30 June: r1 and r4 taken up, r2 implemented; r3's outcome comes in August.
    assert taken.total == 3
    assert dict(_cells(taken, "status")) == {"taken_up": 2, "implemented": 1}
    assert dict(_cells(taken, "level")) == {"national": 2, "regional": 1}
    assert value("recommendations-implemented").total == 1  # r2
    # Status as of the window's end: on 31 March only r4 had an outcome.
    assert value("recommendations-taken-up", START, D(2023, 3, 31)).total == 1
    assert value("recommendations-implemented", START, D(2023, 12, 31)).total == 2
    # A stock, not a flow: a later window with no new evidence keeps the same count.
    assert value("recommendations-taken-up", D(2030, 1, 1), D(2030, 3, 31)).total == 4
    assert value("recommendations-taken-up", D(2020, 1, 1), D(2020, 3, 31)).total == 0


def test_outcomes_substantiated_and_verified(programme):
    measure = value("outcomes-substantiated")
    # May (verified) and June (substantiated); February's is only claimed; August's is after.
    assert measure.total == 2
    assert dict(_cells(measure, "substantiation")) == {"substantiated": 1, "verified": 1}
    assert value("outcomes-verified").total == 1


def test_observers_see_no_small_cell_of_a_computed_indicator(programme):
    measure = value("experts-convened")
    shown = shown_to(measure, Audience.OBSERVER)
    assert shown.total == 5
    assert all(c.value is None for c in shown.breakdowns[0].cells)  # one per country


def _cells(measure, dimension):
    return [(c.key, c.value) for c in measure.by(dimension).cells]


# --- cost ----------------------------------------------------------------------------


def _more_records(n, serial):
    """``n`` more of everything the indicators count, inside the window."""
    rcwg = ConveningFactory(kind="rcwg", starts_on=D(2023, 2, 1), ends_on=D(2023, 2, 1))
    briefing = ConveningFactory(
        kind="briefing",
        starts_on=D(2023, 2, 2),
        ends_on=D(2023, 2, 2),
        audience="x",
        audience_scope="outside",
    )
    call = _call(f"Call {next(serial)}")
    mentor = PersonFactory()
    chosen = []
    for k in range(n):
        young = PersonFactory(track="emergent", country=("KG", "TJ", "UZ")[k % 3])
        in_session(came(rcwg, young, "speaker"), "facilitator")
        came(briefing, young, "speaker")
        mentorship = Mentorship.objects.create(
            mentor=PersonFactory(), mentee=young, started_on=START
        )
        for stage, level in (("pre", 1), ("post", 3)):
            Assessment.objects.create(
                mentorship=mentorship, stage=stage, assessor="mentor", scores=scores(level)
            )
        Assessment.objects.filter(mentorship=mentorship).update(created_at=at(D(2023, 3, 1)))
        paper = _paper(f"Paper {next(serial)}", D(2023, 3, 1))
        Authorship.objects.create(paper=paper, person=mentor, role="lead")
        Authorship.objects.create(paper=paper, person=young, role="co_author")
        rec = Recommendation.objects.create(paper=paper, text="x", addressee="x", level="national")
        Presentation.objects.create(recommendation=rec, briefing=briefing, response="noted")
        outcome = Outcome.objects.create(
            change="x",
            social_actor="x",
            when=D(2023, 4, 1),
            platform="x",
            significance="x",
            contribution="x",
            substantiation="verified",
            substantiated_by="x",
            evidence="x",
            implements=k % 2 == 0,
        )
        outcome.recommendations.set([rec])
        chosen.append(_application(call))
    _decide(call, chosen, D(2023, 3, 1))


def test_indicator_queries_do_not_grow_with_the_records(db):
    serial = itertools.count()
    _more_records(3, serial)
    few = {key: count_queries(lambda k=key: value(k)) for key in indicators.REGISTRY}
    few_totals = {key: value(key).total for key in indicators.REGISTRY}
    _more_records(27, serial)
    for key in indicators.REGISTRY:
        many = count_queries(lambda k=key: value(k))
        assert few[key][0] == many[0], (
            f"{key}: {few[key][0]} queries for 3 records, {many[0]} for 30.\n"
            f"-- few:\n{few[key][1]}\n-- many:\n{many[1]}"
        )
        assert few[key][0] <= 8, key
    # And the records were counted: 3 young experts, then 30.
    assert few_totals["young-experts-facilitated"] == 3
    assert value("young-experts-facilitated").total == 30
    assert value("experts-convened").total == 30
    assert value("papers-across-generations").total == 30
    assert value("skills-growth").total == pytest.approx(2)


@pytest.mark.django_db
def test_every_indicator_computes_in_russian_as_in_english():
    """Dimensions are keyed by their key, not their translated label (a Russian reader
    once got a KeyError)."""
    import datetime

    from django.utils import translation

    from kenesh.monitoring import indicators

    start, end = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
    for key in indicators.REGISTRY:
        english = indicators.compute(key, start, end)
        with translation.override("ru"):
            russian = indicators.compute(key, start, end)
        assert russian.total == english.total, key
