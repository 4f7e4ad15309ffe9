"""Writes to convenings. Each service is atomic, takes the actor and leaves an audit entry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenesh.convenings import assignment, invitations
from kenesh.convenings.models import (
    CalendarFeed,
    Convening,
    Decision,
    Document,
    Inject,
    Invitation,
    Participation,
    Role,
    Scenario,
    Session,
    SessionAssignment,
    Team,
    TeamMember,
)
from kenesh.core.audit import log_action
from kenesh.core.uploads import store_upload
from kenesh.notifications import links


class AlreadyReleased(Exception):
    """The inject was released before; releasing it again changes nothing."""


def _save_with_relations(instance, fields: dict, relations=("themes",)):
    related = {name: fields.pop(name) for name in relations if name in fields}
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=list(related))
    instance.save()
    for name, values in related.items():
        getattr(instance, name).set(values)
    return instance


@transaction.atomic
def create_convening(*, by, **fields) -> Convening:
    """Add a convening."""
    convening = _save_with_relations(Convening(), fields)
    log_action(convening, "convenings.convening.created", by=by)
    return convening


@transaction.atomic
def update_convening(*, convening: Convening, by, **fields) -> Convening:
    """Change a convening; its sessions must still fit its dates."""
    _save_with_relations(convening, fields)
    outside = [s.title for s in convening.sessions.all() if not _fits(s)]
    if outside:
        raise ValidationError(
            _("These sessions would fall outside the new dates: %(sessions)s.")
            % {"sessions": ", ".join(outside)}
        )
    log_action(convening, "convenings.convening.updated", by=by, data={"fields": sorted(fields)})
    return convening


def _fits(session: Session) -> bool:
    try:
        session.clean()
    except ValidationError:
        return False
    return True


@transaction.atomic
def save_session(*, session: Session, by, **fields) -> Session:
    """Add or change an agenda item; it must fall within the convening's dates."""
    creating = session.pk is None
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    session.save()
    log_action(
        session,
        "convenings.session.created" if creating else "convenings.session.updated",
        by=by,
        data={"convening": str(session.convening.code)},
    )
    return session


@transaction.atomic
def invite_people(*, convening: Convening, people, role: str, by) -> list[Participation]:
    """Invite ``people`` with ``role``. All or nothing: if any of them already has a
    place at the convening, nobody is invited and the error names them."""
    people = list(people)
    already = list(
        Participation.objects.filter(convening=convening, person__in=people).select_related(
            "person"
        )
    )
    if already:
        raise ValidationError(
            _("Already invited: %(names)s. Nobody was invited; remove them and try again.")
            % {"names": ", ".join(p.person.name for p in already)}
        )
    if not people:
        raise ValidationError(_("Choose at least one person to invite."))
    now = timezone.now()
    created = Participation.objects.bulk_create(
        Participation(convening=convening, person=person, role=role, invited_at=now)
        for person in people
    )
    log_action(
        convening,
        "convenings.people.invited",
        by=by,
        data={"people": [str(p.code) for p in people], "role": role},
    )
    invitations.send_invitations(created)
    return created


@transaction.atomic
def answer_invitation(*, participation: Participation, accept: bool, by) -> Participation:
    """The invitee accepts or declines, until the convening's answer day has passed."""
    convening = participation.convening
    if not convening.answers_open():
        raise ValidationError(
            _("Answers to this invitation closed on %(day)s. Write to the programme team.")
            % {"day": convening.answers_close_on.isoformat()}
        )
    participation.invitation = Invitation.ACCEPTED if accept else Invitation.DECLINED
    participation.answered_at = timezone.now()
    participation.save(update_fields=["invitation", "answered_at"])
    log_action(
        convening,
        "convenings.invitation.answered",
        by=by,
        data={"person": str(participation.person.code), "answer": participation.invitation},
    )
    return participation


@transaction.atomic
def record_attendance(*, convening: Convening, attended: set[int], roles: dict, by) -> None:
    """Staff record who came (participation ids in ``attended``) and each one's role
    (``roles``: participation id -> role). All or nothing: an id of no participation
    of this convening, or attendance for someone who declined, changes nothing."""
    places = {p.pk: p for p in convening.participations.select_for_update()}
    unknown = sorted((set(attended) | set(roles)) - set(places), key=str)
    if unknown:
        raise ValidationError(
            _(
                "These are not participants of this convening: %(ids)s. Nothing was "
                "saved; reload the page and try again."
            )
            % {"ids": ", ".join(str(i) for i in unknown[:5])},
            code="unknown",
        )
    declined = [places[i] for i in attended if not places[i].holds_place]
    if declined:
        raise ValidationError(
            _(
                "%(name)s declined the invitation, so their attendance cannot be "
                "recorded. Nothing was saved."
            )
            % {"name": declined[0].person.name},
            code="declined",
        )
    bad_roles = sorted({str(r) for r in roles.values()} - set(Role.values))
    if bad_roles:
        raise ValidationError(
            _("Unknown role: %(role)s. Nothing was saved.") % {"role": bad_roles[0]},
            code="unknown",
        )
    changed = []
    for participation in places.values():
        came = participation.pk in attended
        role = roles.get(participation.pk, participation.role)
        if participation.attended != came or participation.role != role:
            participation.attended = came
            participation.role = role
            participation.save(update_fields=["attended", "role"])
            changed.append(participation.pk)
    log_action(convening, "convenings.attendance.recorded", by=by, data={"changed": changed})


@transaction.atomic
def assign_session_role(*, session: Session, participation: Participation, role: str, by):
    """Name a participant speaker, facilitator or moderator of a session."""
    if participation.convening_id != session.convening_id:
        raise ValidationError(_("Only people taking part in this convening can hold a role."))
    if not participation.holds_place:
        raise ValidationError(
            _("%(name)s declined the invitation.") % {"name": participation.person}
        )
    assignment_row, created = SessionAssignment.objects.get_or_create(
        session=session, participation=participation, role=role
    )
    if not created:
        raise ValidationError(
            _("%(name)s already has this role in this session.") % {"name": participation.person}
        )
    log_action(
        session,
        "convenings.session.role_assigned",
        by=by,
        data={"person": str(participation.person.code), "role": role},
    )
    return assignment_row


@transaction.atomic
def attach_document(*, convening: Convening, upload, kind: str, title: str, content_type: str, by):
    """Store an uploaded file privately (the form has checked its type and size)."""
    document = Document(
        convening=convening,
        kind=kind,
        title=title,
        filename=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    # Check the record before the file is written, so a refusal leaves nothing behind.
    document.full_clean(exclude=["file"])
    store_upload(document.file, upload.name, upload)
    document.save()
    log_action(document, "convenings.document.attached", by=by, data={"size": upload.size})
    return document


@transaction.atomic
def release_inject(*, inject: Inject, by) -> Inject:
    """Release an inject to every player's screen, once."""
    inject = Inject.objects.select_for_update().get(pk=inject.pk)
    if inject.released_at is not None:
        raise AlreadyReleased
    inject.released_at = timezone.now()
    inject.released_by = by
    inject.save(update_fields=["released_at", "released_by"])
    log_action(inject, "convenings.inject.released", by=by)
    return inject


@transaction.atomic
def record_decision(*, team: Team, text: str, inject: Inject | None, by) -> Decision:
    """Add an entry to a team's decision log."""
    if inject is not None and (inject.scenario_id != team.scenario_id or not inject.released_at):
        raise ValidationError(_("A decision can only answer an inject already released."))
    decision = Decision(team=team, text=text, inject=inject, recorded_by=by)
    decision.full_clean()
    decision.save()
    log_action(team, "convenings.decision.recorded", by=by, data={"decision": decision.pk})
    return decision


@transaction.atomic
def assign_teams(*, scenario: Scenario, by) -> assignment.Assignment:
    """Spread the convening's accepted participants across the scenario's teams,
    replacing the previous assignment."""
    teams = list(scenario.teams.all())
    if not teams:
        raise ValidationError(_("Add teams to the scenario first."))
    participations = {
        str(p.pk): p
        for p in scenario.convening.participations.holding_place().select_related("person")
        if p.role not in {"facilitator", "organiser", "observer"}
    }
    players = [
        assignment.Player(id=key, generation=p.person.track, country=p.person.country)
        for key, p in participations.items()
    ]
    result = assignment.assign_teams(players, len(teams))
    TeamMember.objects.filter(team__scenario=scenario).delete()
    TeamMember.objects.bulk_create(
        TeamMember(team=team, participation=participations[key])
        for team, members in zip(teams, result.teams, strict=True)
        for key in members
    )
    log_action(scenario, "convenings.teams.assigned", by=by, data={"sizes": list(result.sizes)})
    return result


@transaction.atomic
def open_calendar_feed(*, user) -> CalendarFeed:
    """Revoke the user's current feed address, if any, and make a new one."""
    now = timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    feed = CalendarFeed.objects.create(user=user)
    log_action(feed, "convenings.calendar_feed.opened", by=user)
    return feed


@transaction.atomic
def revoke_calendar_feed(*, user) -> int:
    revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        log_action(user, "convenings.calendar_feed.revoked", by=user, data={"count": revoked})
    return revoked


@transaction.atomic
def answer_by_link(*, link: links.Link) -> tuple[Participation, bool]:
    """Answer as a signed link from the mail says. Returns the participation and
    whether this use answered (False: the link was used before, nothing changes).
    Raises ``links.LinkRefused`` when the invitation is gone, and the service's
    ``ValidationError`` when answers have closed (the link stays unspent)."""
    participation = invitations.participation_of(link)
    if not links.spend(link):
        return participation, False
    answer_invitation(
        participation=participation,
        accept=link.choice == "accept",
        by=participation.person.user,
    )
    return participation, True
