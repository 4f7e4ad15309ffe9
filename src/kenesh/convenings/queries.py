"""Reads shaped for the convenings pages."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.functional import Promise

from kenesh.convenings.models import (
    HOLDING_PLACE,
    PATH_STEPS,
    Convening,
    Invitation,
    Kind,
    Participation,
    Role,
    SessionAssignment,
    TeamMember,
)
from kenesh.people import disclosure
from kenesh.people import queries as people_queries
from kenesh.people.models import Person, Track
from kenesh.people.queries import SMALL_CELL, Cell


def took_part(prefix: str = "") -> Q:
    """Participations whose person came, or accepted where attendance is not recorded."""
    return Q(**{f"{prefix}attended": True}) | (
        Q(**{f"{prefix}attended__isnull": True}) & Q(**{f"{prefix}invitation": Invitation.ACCEPTED})
    )


TOOK_PART = took_part()


def exact_counts(viewer) -> bool:
    """Staff see counts as they are; everyone else through small-cell protection."""
    return viewer is not None and viewer.has_perm("convenings.view_exact_counts")


def shown_counts(counts: list[int], viewer, *, total: int | None = None) -> list[Cell]:
    """Counts of people as ``viewer`` may see them, protected together as one row of a
    table by ``people.disclosure``: exact for staff; for anyone else 1 to 4 shows as
    "<5", and a count that would give a hidden one away shows as "5+".

    ``total`` is the number the row adds up to when it is shown elsewhere and the
    counts leave some people out (emergent experts without a path step, say): the rest
    joins the row, unshown, so the total cannot be used to work a hidden count out.
    """
    if exact_counts(viewer):
        return [Cell(n) for n in counts]
    row = list(counts)
    if total is not None:
        row.append(total - sum(counts))
    marks = disclosure.protect([row], SMALL_CELL)
    return [Cell(n, marks.cells[0][i]) for i, n in enumerate(counts)]


def shown_count(n: int, viewer) -> Cell:
    """One count of people as ``viewer`` may see it: the rule every convenings page
    follows (list, page, programme overview), so they never disagree."""
    return shown_counts([n], viewer)[0]


def convening_list(user, *, kind: str | None = None):
    """Convenings ``user`` may know of, with how many took part, newest first."""
    qs = Convening.objects.visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        people_count=Count("participations", filter=took_part("participations__"), distinct=True)
    ).order_by("-starts_on", "title")


def with_shown_counts(convenings, viewer) -> list[Convening]:
    """The convenings of a list page, each with ``took_part``: how many took part, as
    ``viewer`` may see it."""
    rows = list(convenings)
    for convening in rows:
        convening.took_part = shown_count(convening.people_count, viewer)
    return rows


def took_part_in(convening, viewer) -> Cell:
    """How many took part in one convening, as the list shows it to ``viewer``."""
    return shown_count(convening.participations.filter(TOOK_PART).count(), viewer)


def participants(convening, *, with_declined: bool = False):
    """The people with a place at the convening, with their person and session roles;
    those who declined only when ``with_declined`` (staff's pages)."""
    places = convening.participations.all()
    if not with_declined:
        places = places.holding_place()
    return (
        places.select_related("person", "person__organization")
        .prefetch_related("session_assignments__session")
        .order_by("person__country", "person__name_latin")
    )


def teams_with_players(scenario):
    """A scenario's teams with the people still playing in them: someone who declined
    after the teams were drawn no longer counts as a player."""
    players = TeamMember.objects.filter(participation__invitation__in=HOLDING_PLACE)
    return scenario.teams.prefetch_related(
        Prefetch("members", queryset=players.select_related("participation__person"))
    )


def agenda(convening):
    return convening.sessions.prefetch_related(
        Prefetch(
            "assignments",
            queryset=SessionAssignment.objects.select_related("participation__person"),
        )
    )


def composition(convenings, *, by: str, exact: bool):
    """Who came to ``convenings`` (one or many), by country and ``by``; people counted
    once however many convenings they came to."""
    came = Participation.objects.filter(TOOK_PART, convening__in=convenings)
    people = Person.objects.filter(pk__in=came.values("person_id"))
    return people_queries.diversity(people, by=by, exact=exact)


@dataclass(frozen=True)
class Overview:
    """The programme in numbers as one viewer may see them: convenings they may not know
    of are not counted at all, and counts of people pass through ``shown_counts``."""

    held: dict  # kind -> number held (ended before today)
    planned: dict  # kind -> number still to come
    experts_convened: Cell
    countries: int | None  # None when the number of experts is hidden
    emergent_convened: Cell
    women_convened: Cell
    rcwg_experts: Cell
    rcwg_countries: int | None  # None when the number of experts is hidden
    emergent_steps: dict  # highest path step (participant .. facilitator) -> Cell
    composition: people_queries.Diversity  # by the dimension asked for


STEP_ROLES = (Role.PARTICIPANT, Role.SPEAKER, Role.MODERATOR, Role.FACILITATOR)


def overview(*, viewer, by: str = "gender") -> Overview:
    """The programme in numbers for ``viewer``, all counted from the records of the
    convenings they may know exist, in a fixed few queries.

    Women and emergent experts are read from the protected breakdowns by gender and by
    track (the tables the page shows), so the headline figures and the tables hide
    the same cells."""
    exact = exact_counts(viewer)
    today = timezone.localdate()
    convenings = Convening.objects.visible_to(viewer)
    by_kind = (
        convenings.order_by()
        .values("kind")
        .annotate(
            held=Count("id", filter=Q(ends_on__lt=today)),
            planned=Count("id", filter=Q(ends_on__gte=today)),
        )
    )
    held = dict.fromkeys(Kind.values, 0)
    planned = dict.fromkeys(Kind.values, 0)
    for row in by_kind:
        held[row["kind"]] = row["held"]
        planned[row["kind"]] = row["planned"]
    came = Participation.objects.filter(TOOK_PART, convening__in=convenings)
    # People counted once each, however many convenings they came to.
    people = Person.objects.filter(pk__in=came.values("person_id"))
    breakdowns = {
        dimension: people_queries.diversity(people, by=dimension, exact=exact)
        for dimension in ("gender", "track")
    }
    if by not in breakdowns:
        breakdowns[by] = people_queries.diversity(people, by=by, exact=exact)
    by_gender, by_track = breakdowns["gender"], breakdowns["track"]
    experts = by_gender.crosstab.total
    rcwg = Person.objects.filter(pk__in=came.filter(convening__kind=Kind.RCWG).values("person_id"))
    rcwg_totals = rcwg.aggregate(experts=Count("id"), countries=Count("country", distinct=True))
    rcwg_experts = shown_count(rcwg_totals["experts"], viewer)
    emergent = _column_total(by_track, Track.EMERGENT)
    highest = Counter(emergent_highest_steps(convenings=convenings).values())
    steps = shown_counts([highest[r] for r in STEP_ROLES], viewer, total=emergent.count)
    return Overview(
        held=held,
        planned=planned,
        experts_convened=experts,
        countries=None if experts.suppressed else by_gender.countries,
        emergent_convened=emergent,
        women_convened=_column_total(by_gender, "female"),
        rcwg_experts=rcwg_experts,
        rcwg_countries=None if rcwg_experts.suppressed else rcwg_totals["countries"],
        emergent_steps=dict(zip(STEP_ROLES, steps, strict=True)),
        composition=breakdowns[by],
    )


def _column_total(summary: people_queries.Diversity, value: str) -> Cell:
    """The protected total of one column (a gender, a track) of a breakdown."""
    for (column, _label), cell in zip(
        summary.crosstab.columns, summary.crosstab.column_totals, strict=True
    ):
        if column == value:
            return cell
    return Cell(0)


@dataclass(frozen=True)
class Step:
    convening: Convening
    role: str  # the highest role held there, as a Role value
    attended: bool | None

    @property
    def role_label(self) -> str | Promise:  # a choice's label is a lazy translation
        return Role(self.role).label


@dataclass(frozen=True)
class Path:
    person: Person
    steps: list

    @property
    def highest(self) -> str | None:
        ranked = [s.role for s in self.steps if PATH_STEPS.get(s.role)]
        return max(ranked, key=lambda r: PATH_STEPS[r]) if ranked else None


def effective_role(participation) -> str:
    """The highest of a participation's own role and its session roles, on the path's
    scale (participant < speaker < moderator/facilitator)."""
    roles = [participation.role, *(a.role for a in participation.session_assignments.all())]
    return max(roles, key=_rank)


def paths(people, *, viewer) -> list[Path]:
    """Each person's roles across the convenings they took part in, oldest first,
    limited to the convenings whose participants ``viewer`` may know (None: all, for
    figures that name no one)."""
    people = list(people)
    participations = (
        Participation.objects.filter(TOOK_PART, person__in=people)
        .select_related("convening")
        .prefetch_related("session_assignments")
        .order_by("convening__starts_on", "convening__title")
    )
    if viewer is not None:
        participations = participations.filter(
            convening__in=Convening.objects.names_visible_to(viewer)
        )
    steps = defaultdict(list)
    for participation in participations:
        steps[participation.person_id].append(
            Step(participation.convening, effective_role(participation), participation.attended)
        )
    return [Path(person, steps[person.pk]) for person in people]


def emergent_paths(*, viewer) -> list[Path]:
    """The paths of the emergent experts whose profile ``viewer`` may open."""
    people = (
        Person.objects.visible_to(viewer)
        .filter(track=Track.EMERGENT)
        .order_by("country", "name_latin")
    )
    return [p for p in paths(people, viewer=viewer) if p.steps]


def emergent_highest_steps(*, convenings=None) -> dict[int, str]:
    """The highest path role each emergent expert has held at ``convenings`` (default:
    all), by person id, from two queries of plain values."""
    came = Participation.objects.filter(TOOK_PART, person__track=Track.EMERGENT)
    if convenings is not None:
        came = came.filter(convening__in=convenings)
    highest: dict[int, str] = {}

    def consider(person_id, role):
        if PATH_STEPS.get(role) and (
            person_id not in highest or _rank(role) > _rank(highest[person_id])
        ):
            highest[person_id] = role

    for person_id, role in came.values_list("person_id", "role"):
        consider(person_id, role)
    assignments = SessionAssignment.objects.filter(participation__in=came)
    for person_id, role in assignments.values_list("participation__person_id", "role"):
        consider(person_id, role)
    return highest


def _rank(role: str) -> tuple[int, bool]:
    return (PATH_STEPS.get(role, 0), role == Role.FACILITATOR)


def my_participations(user):
    """Every invitation ``user`` had, declined ones too: their own page keeps a line
    saying they declined, without the convening's details."""
    return (
        Participation.objects.filter(person__user=user)
        .select_related("convening")
        .order_by("-convening__starts_on")
    )
