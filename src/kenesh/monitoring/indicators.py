"""The registry of computed indicators: named queries over the platform's records.

Each indicator has a stable key, a name, a unit, a method saying exactly what it counts,
its disaggregations, and a function from a reporting window (first and last day, both
included) to a ``Measure``. Every function runs a fixed number of queries, however many
records there are: counts are grouped in the database, and the one mean (skills growth)
reads one list of plain values.

What counts, everywhere:
- A convening falls into a window by its first day; a paper by its publication date; a
  cohort decision by the day it was taken; an outcome by the day the change happened.
- Took part: the convenings app's one definition (``convenings.queries.took_part``): the
  person came, or accepted and attendance is not recorded yet. Invited without an answer,
  declined, or recorded absent does not count.
- Held: a convening is held if at least one person took part in it. Convenings have no
  "cancelled" status, so a convening nobody took part in (called off, or everyone
  recorded absent) is not counted as held.
- People are counted once however often they came, with their country, gender, track and
  sector as the roster records them today. Withdrawn and erased people still count: an
  erased person's record keeps those fields under a pseudonym. Demo records are not told
  apart from real ones.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kenesh.convenings.models import (
    AudienceScope,
    Convening,
    Kind,
    Participation,
    Role,
    SessionAssignment,
    SessionRole,
)
from kenesh.convenings.queries import took_part
from kenesh.influence.models import Level, Outcome, Presentation, Progress, Recommendation
from kenesh.influence.models import Substantiation as Sub
from kenesh.mentoring.models import (
    SKILLS,
    Application,
    Assessment,
    Assessor,
    CohortDecision,
    MentoringSession,
    Mentorship,
    Stage,
)
from kenesh.monitoring import arithmetic
from kenesh.monitoring.arithmetic import Breakdown, Cell, Measure, Window, count_breakdown
from kenesh.papers.models import AuthorRole, Authorship, PolicyPaper
from kenesh.papers.models import Status as PaperStatus
from kenesh.people.models import Country, Gender, LanguageCode, Person, Sector, Track


class UnknownIndicator(LookupError):
    """No computed indicator has this key; ``message`` says so in the user's language."""

    def __init__(self, key: str):
        self.key = key
        self.message = _("There is no computed indicator “%(key)s”.") % {"key": key}
        super().__init__(self.message)


class InvalidWindow(ValueError):
    def __init__(self):
        self.message = _("A reporting window cannot end before it starts.")
        super().__init__(self.message)


@dataclass(frozen=True)
class Dimension:
    key: str
    # A lazy translation: equal and hashed by key alone, so a dimension is the same
    # whichever language is active when it is looked up.
    label: object = field(compare=False)
    exclusive: bool = True


COUNTRY = Dimension("country", gettext_lazy("Country"))
GENDER = Dimension("gender", gettext_lazy("Gender"))
GENERATION = Dimension("generation", gettext_lazy("Generation (track)"))
SECTOR = Dimension("sector", gettext_lazy("Sector"))
KIND = Dimension("kind", gettext_lazy("Kind of convening"), exclusive=False)
VENUE_COUNTRY = Dimension("venue_country", gettext_lazy("Country of the venue"))
SCOPE = Dimension("scope", gettext_lazy("Inside or outside the region"))
PRESENTED_SCOPE = Dimension("scope", gettext_lazy("Inside or outside the region"), exclusive=False)
LANGUAGE = Dimension("language", gettext_lazy("Language"))
LEVEL = Dimension("level", gettext_lazy("Level"))
STATUS = Dimension("status", gettext_lazy("Status at the window's end"))
SUBSTANTIATION = Dimension("substantiation", gettext_lazy("Substantiation"))
SKILL = Dimension("skill", gettext_lazy("Skill"), exclusive=False)

NOT_RECORDED = "unrecorded"
NOT_IN_LIST = "elsewhere"
EXTRA_LABELS = {
    NOT_RECORDED: gettext_lazy("Not recorded"),
    NOT_IN_LIST: gettext_lazy("Outside the country list, or online"),
}


@dataclass(frozen=True)
class ComputedIndicator:
    key: str
    name: object
    unit: object
    method: object
    dimensions: tuple[Dimension, ...]
    function: Callable[[Window], Measure]
    # A stock as of the window's last day (recommendations by status), not a flow of
    # things that happened within the window.
    cumulative: bool = False

    def compute(self, window: Window) -> Measure:
        return self.function(window)


REGISTRY: dict[str, ComputedIndicator] = {}


def register(key, *, name, unit, method, dimensions, cumulative=False):
    def decorator(function):
        REGISTRY[key] = ComputedIndicator(
            key, name, unit, method, tuple(dimensions), function, cumulative
        )
        return function

    return decorator


def get_indicator(key: str) -> ComputedIndicator:
    """The computed indicator ``key``; ``UnknownIndicator`` if there is none."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise UnknownIndicator(key) from None


def dimension_labels() -> dict:
    """Every dimension a registered query can be split by, in registry order: key -> its
    label (lazy, so it reads in the language of the page that shows it)."""
    labels = {}
    for computed in REGISTRY.values():
        for dimension in computed.dimensions:
            labels.setdefault(dimension.key, dimension.label)
    return labels


def window(start, end) -> Window:
    """A reporting window from ``start`` to ``end``, both included."""
    if end < start:
        raise InvalidWindow
    return Window(start, end)


def compute(key: str, start, end) -> Measure:
    """The value of indicator ``key`` over the window, with its disaggregations."""
    return get_indicator(key).compute(window(start, end))


# --- shared pieces -------------------------------------------------------------------

PERSON_FIELDS = {
    COUNTRY: ("country", Country.choices),
    GENDER: ("gender", Gender.choices),
    GENERATION: ("track", Track.choices),
    SECTOR: ("sector", Sector.choices),
}
# Those on the roster who take part as experts; organisers and observers do not.
EXPERT_ROLES = [
    Role.PARTICIPANT,
    Role.SPEAKER,
    Role.FACILITATOR,
    Role.MODERATOR,
    Role.RAPPORTEUR,
    Role.MENTOR,
]


def _grouped(queryset, field, counted="pk") -> dict[str, int]:
    """Distinct ``counted`` per value of ``field``, in one grouped query."""
    rows = queryset.values_list(field).annotate(n=Count(counted, distinct=True)).order_by()
    return {("" if key is None else key): n for key, n in rows}


def _breakdown(dimension: Dimension, counts: dict, choices=()) -> Breakdown:
    labels = {**dict(choices), **EXTRA_LABELS}
    return count_breakdown(
        dimension.key, dimension.label, counts, labels=labels, exclusive=dimension.exclusive
    )


def _people(person_ids, dimensions, *, by_kind=None) -> Measure:
    """Count the distinct people whose ids ``person_ids`` (a subquery) gives, by each of
    ``dimensions``; with ``by_kind`` (participations), also by kind of convening."""
    people = Person.objects.filter(pk__in=person_ids)
    breakdowns = [
        _breakdown(d, _grouped(people, PERSON_FIELDS[d][0]), PERSON_FIELDS[d][1])
        for d in dimensions
    ]
    if by_kind is not None:
        breakdowns.append(
            _breakdown(KIND, _grouped(by_kind, "convening__kind", "person"), Kind.choices)
        )
    return Measure(people.count(), tuple(breakdowns))


def _things(queryset, parts) -> Measure:
    """Count the rows of ``queryset`` (not people), by each (dimension, field, choices)."""
    breakdowns = tuple(_breakdown(d, _grouped(queryset, f), choices) for d, f, choices in parts)
    return Measure(queryset.count(), breakdowns, people=False)


def _starting_in(w: Window, prefix="") -> Q:
    return Q(**{f"{prefix}starts_on__range": (w.start, w.end)})


def _came(w: Window):
    """Participations of experts who took part in a convening starting in ``w``."""
    return Participation.objects.filter(
        took_part(), _starting_in(w, "convening__"), role__in=EXPERT_ROLES
    )


def _held(w: Window, kind: str):
    came = Participation.objects.filter(took_part(), convening=OuterRef("pk"))
    return Convening.objects.filter(_starting_in(w), Exists(came), kind=kind)


def _venue_country():
    """The venue's country code; ``NOT_IN_LIST`` for a place outside the list or online."""
    return Coalesce(NullIf("country", Value("")), Value(NOT_IN_LIST), output_field=CharField())


def _meetings(w: Window, kind: str) -> Measure:
    meetings = _held(w, kind).annotate(venue=_venue_country())
    return _things(meetings, [(VENUE_COUNTRY, "venue", Country.choices)])


# --- convenings ----------------------------------------------------------------------


@register(
    "experts-convened",
    name=gettext_lazy("Experts convened"),
    unit=pgettext_lazy("indicator unit", "people"),
    method=gettext_lazy(
        "Distinct people who took part (came, or accepted where attendance is not "
        "recorded) as participant, speaker, facilitator, moderator, rapporteur or mentor "
        "in any convening starting in the period; each person counts once."
    ),
    dimensions=[COUNTRY, GENDER, GENERATION, SECTOR, KIND],
)
def experts_convened(w: Window) -> Measure:
    came = _came(w)
    return _people(came.values("person_id"), [COUNTRY, GENDER, GENERATION, SECTOR], by_kind=came)


@register(
    "rcwg-meetings-held",
    name=gettext_lazy("RCWG meetings held"),
    unit=gettext_lazy("meetings"),
    method=gettext_lazy(
        "RCWG meetings whose first day falls in the period and at which at least one "
        "person took part."
    ),
    dimensions=[VENUE_COUNTRY],
)
def rcwg_meetings_held(w: Window) -> Measure:
    return _meetings(w, Kind.RCWG)


@register(
    "track-ii-rounds-held",
    name=gettext_lazy("Track II rounds held"),
    unit=gettext_lazy("rounds"),
    method=gettext_lazy(
        "Track II dialogue rounds whose first day falls in the period and at which at "
        "least one person took part."
    ),
    dimensions=[VENUE_COUNTRY],
)
def track_ii_rounds_held(w: Window) -> Measure:
    return _meetings(w, Kind.TRACK_II)


@register(
    "briefings-held",
    name=gettext_lazy("Policymaker briefings held"),
    unit=gettext_lazy("briefings"),
    method=gettext_lazy(
        "Briefings whose day falls in the period and at which at least one person took "
        "part, inside or outside the region as the briefing records its audience."
    ),
    dimensions=[SCOPE, VENUE_COUNTRY],
)
def briefings_held(w: Window) -> Measure:
    briefings = _held(w, Kind.BRIEFING).annotate(
        venue=_venue_country(),
        scope=Coalesce(
            NullIf("audience_scope", Value("")), Value(NOT_RECORDED), output_field=CharField()
        ),
    )
    return _things(
        briefings,
        [(SCOPE, "scope", AudienceScope.choices), (VENUE_COUNTRY, "venue", Country.choices)],
    )


def _young_in_role(w: Window, role: str) -> Measure:
    """Emergent experts who took part in a convening of ``w`` in ``role``: their place's
    role, or a session role at that convening."""
    in_session = SessionAssignment.objects.filter(participation=OuterRef("pk"), role=role)
    held = _came(w).filter(person__track=Track.EMERGENT).filter(Q(role=role) | Exists(in_session))
    return _people(held.values("person_id"), [COUNTRY, GENDER, SECTOR], by_kind=held)


@register(
    "young-experts-spoke",
    name=gettext_lazy("Young experts who spoke"),
    unit=pgettext_lazy("indicator unit", "people"),
    method=gettext_lazy(
        "Distinct emergent experts who took part as speakers (their place's role or a "
        "session role) in a convening starting in the period."
    ),
    dimensions=[COUNTRY, GENDER, SECTOR, KIND],
)
def young_experts_spoke(w: Window) -> Measure:
    return _young_in_role(w, SessionRole.SPEAKER)


@register(
    "young-experts-facilitated",
    name=gettext_lazy("Young experts who facilitated"),
    unit=pgettext_lazy("indicator unit", "people"),
    method=gettext_lazy(
        "Distinct emergent experts who took part as facilitators (their place's role or a "
        "session role) in a convening starting in the period; moderators are not counted."
    ),
    dimensions=[COUNTRY, GENDER, SECTOR, KIND],
)
def young_experts_facilitated(w: Window) -> Measure:
    return _young_in_role(w, SessionRole.FACILITATOR)


# --- mentoring -----------------------------------------------------------------------

APPLICATION_DIMENSIONS = [
    (COUNTRY, "country", Country.choices),
    (GENDER, "gender", Gender.choices),
    (SECTOR, "sector", Sector.choices),
]


@register(
    "emergent-experts-selected",
    name=gettext_lazy("Emergent experts selected"),
    unit=pgettext_lazy("indicator unit", "people"),
    method=gettext_lazy(
        "Applicants chosen in the cohort decision taken in the period for each call; "
        "where a call was decided again, only its latest decision up to the period's "
        "end counts."
    ),
    dimensions=[COUNTRY, GENDER, SECTOR],
)
def emergent_experts_selected(w: Window) -> Measure:
    later = CohortDecision.objects.filter(
        call=OuterRef("call"), at__date__lte=w.end, at__gt=OuterRef("at")
    )
    decisions = CohortDecision.objects.filter(at__date__range=(w.start, w.end)).exclude(
        Exists(later)
    )
    chosen = CohortDecision.chosen.through.objects.filter(cohortdecision__in=decisions)
    applications = Application.objects.filter(pk__in=chosen.values("application_id"))
    measure = _things(applications, APPLICATION_DIMENSIONS)
    return Measure(measure.total, measure.breakdowns)


@register(
    "emergent-experts-mentored",
    name=gettext_lazy("Emergent experts mentored"),
    unit=pgettext_lazy("indicator unit", "people"),
    method=gettext_lazy(
        "Distinct young experts with a mentorship that started in the period, or started "
        "before it and had a mentoring session in it."
    ),
    dimensions=[COUNTRY, GENDER, SECTOR],
)
def emergent_experts_mentored(w: Window) -> Measure:
    session = MentoringSession.objects.filter(
        mentorship=OuterRef("pk"), date__range=(w.start, w.end)
    )
    active = Mentorship.objects.filter(started_on__lte=w.end).filter(
        Q(started_on__gte=w.start) | Exists(session)
    )
    return _people(active.values("mentee_id"), [COUNTRY, GENDER, SECTOR])


STAGE_ORDER = {Stage.PRE: 0, Stage.MID: 1, Stage.POST: 2}


@register(
    "skills-growth",
    name=gettext_lazy("Mean growth in assessed skills"),
    unit=gettext_lazy("points on the 1 to 5 rubric"),
    method=gettext_lazy(
        "For each young expert whose latest mentor's assessment was recorded in the "
        "period: the mean change over the skills assessed both times, from their first "
        "mentor's assessment (by stage) to their latest up to the period's end; then the "
        "mean over those young experts."
    ),
    dimensions=[COUNTRY, GENDER, SKILL],
)
def skills_growth(w: Window) -> Measure:
    rows = Assessment.objects.filter(
        assessor=Assessor.MENTOR, created_at__date__lte=w.end
    ).values_list(
        "mentorship__mentee_id",
        "mentorship__mentee__country",
        "mentorship__mentee__gender",
        "stage",
        "created_at",
        "scores",
    )
    assessed = defaultdict(list)
    who = {}
    for person, country, gender, stage, at, scores in rows:
        assessed[person].append((stage, at, scores))
        who[person] = (country, gender)
    growths, by_skill = {}, defaultdict(list)
    for person, assessments in assessed.items():
        pair = arithmetic.first_and_latest(assessments, STAGE_ORDER)
        if pair is None or timezone.localtime(pair[1][1]).date() < w.start:
            continue
        first, latest = pair[0][2], pair[1][2]
        change = arithmetic.growth(first, latest)
        if change is None:
            continue
        growths[person] = change
        for skill, delta in arithmetic.skill_changes(first, latest).items():
            by_skill[skill].append(delta)

    def means(index, choices) -> Breakdown:
        groups = defaultdict(list)
        for person, change in growths.items():
            groups[who[person][index]].append(change)
        labels = dict(choices)
        order = [k for k in labels if k in groups] + sorted(k for k in groups if k not in labels)
        cells = tuple(
            Cell(k, labels.get(k, k), arithmetic.mean(groups[k]), len(groups[k])) for k in order
        )
        dimension = (COUNTRY, GENDER)[index]
        return Breakdown(dimension.key, dimension.label, cells, dimension.exclusive)

    skills = tuple(
        Cell(k, label, arithmetic.mean(by_skill[k]), len(by_skill[k]))
        for k, label in SKILLS
        if by_skill[k]
    )
    return Measure(
        arithmetic.mean(growths.values()),
        (
            means(0, Country.choices),
            means(1, Gender.choices),
            Breakdown(SKILL.key, SKILL.label, skills, False),
        ),
        n=len(growths),
    )


# --- papers --------------------------------------------------------------------------


def _published(w: Window):
    return PolicyPaper.objects.filter(
        status=PaperStatus.PUBLISHED, published_at__date__range=(w.start, w.end)
    )


@register(
    "papers-published",
    name=gettext_lazy("Policy papers published"),
    unit=gettext_lazy("papers"),
    method=gettext_lazy(
        "Policy papers published (status published) with a publication date in the period."
    ),
    dimensions=[LANGUAGE],
)
def papers_published(w: Window) -> Measure:
    return _things(_published(w), [(LANGUAGE, "language", LanguageCode.choices)])


@register(
    "papers-across-generations",
    name=gettext_lazy("Papers co-written across generations"),
    unit=gettext_lazy("papers"),
    method=gettext_lazy(
        "Papers published in the period with at least one seasoned and one emergent "
        "expert among their lead and co-authors; a mentor credited as mentor is not an "
        "author here."
    ),
    dimensions=[LANGUAGE],
)
def papers_across_generations(w: Window) -> Measure:
    authors = Authorship.objects.filter(
        paper=OuterRef("pk"), role__in=[AuthorRole.LEAD, AuthorRole.CO_AUTHOR]
    )
    papers = _published(w).filter(
        Exists(authors.filter(person__track=Track.SEASONED)),
        Exists(authors.filter(person__track=Track.EMERGENT)),
    )
    return _things(papers, [(LANGUAGE, "language", LanguageCode.choices)])


# --- influence -----------------------------------------------------------------------


def _recommendations(queryset, extra=()) -> Measure:
    return _things(
        queryset,
        [(LEVEL, "level", Level.choices), (STATUS, "progress", Progress.choices), *extra],
    )


@register(
    "recommendations-presented",
    name=gettext_lazy("Recommendations presented"),
    unit=pgettext_lazy("indicator unit", "recommendations"),
    method=gettext_lazy(
        "Distinct recommendations presented at a briefing whose day falls in the period; "
        "one presented at several briefings counts once."
    ),
    dimensions=[LEVEL, STATUS, PRESENTED_SCOPE],
)
def recommendations_presented(w: Window) -> Measure:
    presentations = Presentation.objects.filter(_starting_in(w, "briefing__"))
    presented = Recommendation.objects.with_progress(as_of=w.end).filter(
        pk__in=presentations.values("recommendation_id")
    )
    measure = _recommendations(presented)
    scope = _grouped(
        presentations.annotate(
            scope=Coalesce(
                NullIf("briefing__audience_scope", Value("")),
                Value(NOT_RECORDED),
                output_field=CharField(),
            )
        ),
        "scope",
        "recommendation",
    )
    return Measure(
        measure.total,
        (*measure.breakdowns, _breakdown(PRESENTED_SCOPE, scope, AudienceScope.choices)),
        people=False,
    )


@register(
    "recommendations-taken-up",
    name=gettext_lazy("Recommendations taken up"),
    unit=pgettext_lazy("indicator unit", "recommendations"),
    method=gettext_lazy(
        "Recommendations that, on the period's last day, an outcome that had happened by "
        "then took up (including those implemented): the status the influence records "
        "derive from evidence, as of that day."
    ),
    cumulative=True,
    dimensions=[LEVEL, STATUS],
)
def recommendations_taken_up(w: Window) -> Measure:
    taken = Recommendation.objects.with_progress(as_of=w.end).filter(
        progress__in=[Progress.TAKEN_UP, Progress.IMPLEMENTED]
    )
    return _recommendations(taken)


@register(
    "recommendations-implemented",
    name=gettext_lazy("Recommendations implemented"),
    unit=pgettext_lazy("indicator unit", "recommendations"),
    method=gettext_lazy(
        "Recommendations that, on the period's last day, an outcome that had happened by "
        "then records as implemented."
    ),
    cumulative=True,
    dimensions=[LEVEL],
)
def recommendations_implemented(w: Window) -> Measure:
    done = Recommendation.objects.with_progress(as_of=w.end).filter(progress=Progress.IMPLEMENTED)
    return _things(done, [(LEVEL, "level", Level.choices)])


@register(
    "outcomes-substantiated",
    name=gettext_lazy("Outcomes substantiated or verified"),
    unit=pgettext_lazy("indicator unit", "outcomes"),
    method=gettext_lazy(
        "Outcomes whose change happened in the period and that are marked substantiated "
        "or verified today (the records keep no date of substantiation)."
    ),
    dimensions=[SUBSTANTIATION],
)
def outcomes_substantiated(w: Window) -> Measure:
    outcomes = Outcome.objects.filter(
        when__range=(w.start, w.end), substantiation__in=[Sub.SUBSTANTIATED, Sub.VERIFIED]
    )
    return _things(outcomes, [(SUBSTANTIATION, "substantiation", Sub.choices)])


@register(
    "outcomes-verified",
    name=gettext_lazy("Outcomes verified"),
    unit=pgettext_lazy("indicator unit", "outcomes"),
    method=gettext_lazy(
        "Outcomes whose change happened in the period and that are marked verified today."
    ),
    dimensions=[],
)
def outcomes_verified(w: Window) -> Measure:
    outcomes = Outcome.objects.filter(when__range=(w.start, w.end), substantiation=Sub.VERIFIED)
    return Measure(outcomes.count(), people=False)
