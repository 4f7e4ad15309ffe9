"""Who may see or do what with convenings. Views, templates and feeds ask these.

Confidentiality decides: a closed convening (Track II) exists only for staff and its
participants; under the Chatham House rule, names stay with staff and participants and
notes carry no attribution for anyone but staff; observers see counts only.

A participant is someone holding a place (``models.HOLDING_PLACE``: invited or
accepted). Someone who declined is, for every rule here, as one never invited.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kenesh.access.predicates import (
    is_authenticated,
    is_member,
    is_mentor,
    is_observer,
    is_staff,
)
from kenesh.convenings.models import (
    HOLDING_PLACE,
    CalendarFeed,
    Confidentiality,
    Convening,
    Document,
    Inject,
    Participation,
    Role,
    Session,
    SessionRole,
    Team,
)
from kenesh.people.rules import has_profile

LEAD_ROLES = {Role.FACILITATOR, Role.MODERATOR, Role.ORGANISER}


def viewer_participation(user, convening) -> Participation | None:
    """The place ``user`` holds at ``convening`` (invited or accepted), asked once per
    object; None for someone never invited or who declined."""
    cache = convening.__dict__.setdefault("_viewer_participation", {})
    if user.pk not in cache:
        cache[user.pk] = (
            Participation.objects.holding_place()
            .filter(convening=convening, person__user=user)
            .prefetch_related("session_assignments")
            .first()
            if user.is_authenticated
            else None
        )
    return cache[user.pk]


@rules.predicate
def is_participant(user, convening) -> bool:
    """Holds a place: invited or accepted, not declined."""
    return viewer_participation(user, convening) is not None


@rules.predicate
def leads_it(user, convening) -> bool:
    """Facilitates, moderates or organises the convening or one of its sessions."""
    participation = viewer_participation(user, convening)
    if participation is None:
        return False
    if participation.role in LEAD_ROLES:
        return True
    return any(
        a.role in {SessionRole.FACILITATOR, SessionRole.MODERATOR}
        for a in participation.session_assignments.all()
    )


@rules.predicate
def is_closed(user, convening) -> bool:
    return convening.confidentiality == Confidentiality.CLOSED


@rules.predicate
def is_public(user, convening) -> bool:
    return convening.confidentiality == Confidentiality.PUBLIC


can_view_convening = is_staff | is_participant | ((is_member | is_observer) & ~is_closed)
can_see_details = is_staff | is_participant | (is_member & ~is_closed)
can_see_names = is_staff | is_participant | (is_member & is_public)
can_see_attribution = is_staff | ((is_participant | is_member) & is_public)
can_lead = is_staff | leads_it

rules.add_perm("convenings.view_convenings", is_authenticated)
rules.add_perm("convenings.view_overview", is_authenticated)
rules.add_perm("convenings.view_own_convenings", is_member & has_profile)
rules.add_perm("convenings.view_paths", is_staff | is_mentor)
rules.add_perm("convenings.manage", is_staff)
rules.add_perm("convenings.see_convening", can_view_convening)
rules.add_perm("convenings.see_details", can_see_details)
rules.add_perm("convenings.see_names", can_see_names)
rules.add_perm("convenings.see_attribution", can_see_attribution)
rules.add_perm("convenings.lead", can_lead)
rules.add_perm("convenings.view_exact_counts", is_staff)
for model in (
    "convening", "session", "participation", "sessionassignment", "document",
    "scenario", "team", "teammember", "inject", "decision", "calendarfeed",
):  # fmt: skip
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"convenings.{action}_{model}", is_staff)


def get_convening_for(user, code, *, to: str = "view") -> Convening:
    """The convening ``user`` may reach by ``code``: 404 where they may not know it
    exists, 403 where they may see it but not do ``to`` ("view", "details", "lead",
    "manage")."""
    convening = get_object_or_404(Convening.objects.visible_to(user), code=code)
    permission = {
        "view": "convenings.see_convening",
        "details": "convenings.see_details",
        "lead": "convenings.lead",
        "manage": "convenings.manage",
    }[to]
    if not user.has_perm(permission, convening):
        raise PermissionDenied
    return convening


def get_document_for(user, code) -> Document:
    document = get_object_or_404(
        Document.objects.select_related("convening").filter(
            convening__in=Convening.objects.visible_to(user)
        ),
        code=code,
    )
    if not user.has_perm("convenings.see_details", document.convening):
        raise PermissionDenied
    return document


def team_of(user, scenario) -> Team | None:
    """The team ``user`` plays in, if any; someone who declined after the teams were
    drawn plays in none."""
    return (
        Team.objects.filter(
            scenario=scenario,
            members__participation__person__user=user,
            members__participation__invitation__in=HOLDING_PLACE,
        ).first()
        if user.is_authenticated
        else None
    )


def can_log_decision(user, team) -> bool:
    return is_staff(user) or team_of(user, team.scenario) == team


def get_session_for(user, convening, code) -> Session:
    """A session of ``convening``, which the caller reached through
    ``get_convening_for``; 404 for a code of another convening."""
    return get_object_or_404(Session, convening=convening, code=code)


def get_own_participation(user, convening_code) -> Participation:
    """``user``'s own place at a convening, declined ones included (they may change
    their answer while answers are open); 404 for anyone else's."""
    return get_object_or_404(
        Participation.objects.select_related("convening", "person"),
        convening__code=convening_code,
        person__user=user,
    )


def own_calendar_feed(user) -> CalendarFeed | None:
    """``user``'s live personal calendar address, if they made one."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def get_calendar_feed(token) -> CalendarFeed:
    """The live feed behind a secret address (the address is the credential); 404 for
    a revoked or unknown one, or one of a deactivated user."""
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed


def get_inject_for(user, scenario, code) -> Inject:
    """An inject of ``scenario``, which the caller reached through the convening's
    access function; 404 for a code of another scenario."""
    return get_object_or_404(Inject, scenario=scenario, code=code)
