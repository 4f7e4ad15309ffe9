"""Reads shaped for the convenings pages."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from kenesh.convenings.models import (
    PATH_STEPS,
    Confidentiality,
    Convening,
    Invitation,
    Kind,
    Participation,
    Role,
    SessionAssignment,
)
from kenesh.people import queries as people_queries
from kenesh.people.models import Person, Track


def took_part(prefix: str = "") -> Q:
    """Participations whose person came, or accepted where attendance is not recorded."""
    return Q(**{f"{prefix}attended": True}) | (
        Q(**{f"{prefix}attended__isnull": True}) & Q(**{f"{prefix}invitation": Invitation.ACCEPTED})
    )


TOOK_PART = took_part()


def convening_list(user, *, kind: str | None = None):
    """Convenings ``user`` may know of, with how many took part, newest first."""
    qs = Convening.objects.visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        people_count=Count("participations", filter=took_part("participations__"), distinct=True)
    ).order_by("-starts_on", "title")


def participants(convening):
    """Everyone with a place at the convening, with their person and session roles."""
    return (
        convening.participations.select_related("person", "person__organization")
        .prefetch_related("session_assignments__session")
        .order_by("person__country", "person__name_latin")
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
    held: dict  # kind -> number held (ended before today)
    planned: dict  # kind -> number still to come
    experts_convened: int
    countries: int
    emergent_convened: int
    women_convened: int
    rcwg_experts: int
    rcwg_countries: int
    emergent_steps: dict  # highest path step label -> number of emergent experts


def overview() -> Overview:
    """The programme in numbers, all counted from the records, in a fixed few queries."""
    today = timezone.localdate()
    by_kind = Convening.objects.values("kind").annotate(
        held=Count("id", filter=Q(ends_on__lt=today)),
        planned=Count("id", filter=Q(ends_on__gte=today)),
    )
    held = dict.fromkeys(Kind.values, 0)
    planned = dict.fromkeys(Kind.values, 0)
    for row in by_kind:
        held[row["kind"]] = row["held"]
        planned[row["kind"]] = row["planned"]
    came = Participation.objects.filter(TOOK_PART)
    # People counted once each, however many convenings they came to.
    people = Person.objects.filter(pk__in=came.values("person_id"))
    totals = people.aggregate(
        experts=Count("id"),
        countries=Count("country", distinct=True),
        emergent=Count("id", filter=Q(track=Track.EMERGENT)),
        women=Count("id", filter=Q(gender="female")),
    )
    rcwg = Person.objects.filter(pk__in=came.filter(convening__kind=Kind.RCWG).values("person_id"))
    rcwg_totals = rcwg.aggregate(experts=Count("id"), countries=Count("country", distinct=True))
    steps = Counter(emergent_highest_steps().values())
    return Overview(
        held=held,
        planned=planned,
        experts_convened=totals["experts"],
        countries=totals["countries"],
        emergent_convened=totals["emergent"],
        women_convened=totals["women"],
        rcwg_experts=rcwg_totals["experts"],
        rcwg_countries=rcwg_totals["countries"],
        emergent_steps=dict(steps),
    )


@dataclass(frozen=True)
class Step:
    convening: Convening
    role: str  # the highest role held there, as a Role value
    attended: bool | None

    @property
    def role_label(self) -> str:
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


def _visible_steps_filter(viewer):
    """Convenings whose participants ``viewer`` may know: None means all (staff, or the
    programme-wide counts, which name no one)."""
    if viewer is None or viewer.has_perm("convenings.view_exact_counts"):
        return None
    return Q(convening__confidentiality=Confidentiality.PUBLIC) | Q(
        convening__participations__person__user=viewer,
        convening__participations__invitation__in=[Invitation.INVITED, Invitation.ACCEPTED],
    )


def paths(people, *, viewer) -> list[Path]:
    """Each person's roles across the convenings they took part in, oldest first,
    limited to the convenings whose participants ``viewer`` may know."""
    people = list(people)
    participations = (
        Participation.objects.filter(TOOK_PART, person__in=people)
        .select_related("convening")
        .prefetch_related("session_assignments")
        .order_by("convening__starts_on", "convening__title")
    )
    visible = _visible_steps_filter(viewer)
    if visible is not None:
        participations = participations.filter(visible).distinct()
    steps = defaultdict(list)
    for participation in participations:
        steps[participation.person_id].append(
            Step(participation.convening, effective_role(participation), participation.attended)
        )
    return [Path(person, steps[person.pk]) for person in people]


def emergent_paths(*, viewer) -> list[Path]:
    people = Person.objects.filter(track=Track.EMERGENT).order_by("country", "name_latin")
    return [p for p in paths(people, viewer=viewer) if p.steps]


def emergent_highest_steps() -> dict[int, str]:
    """The highest path role each emergent expert has held, by person id, from two
    queries of plain values (the overview counts these for the whole programme)."""
    came = Participation.objects.filter(TOOK_PART, person__track=Track.EMERGENT)
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
    return (
        Participation.objects.filter(person__user=user)
        .select_related("convening")
        .order_by("-convening__starts_on")
    )
