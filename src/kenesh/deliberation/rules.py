"""Who may see or do what in deliberation. Votes are never shown person by person.

A conversation tied to a closed convening (Track II) exists only for staff and for that
convening's invited or accepted participants. An invitation link of a pseudonymous
conversation, once opened, is kept in the browser session: it opens that one
conversation's vote and results pages to whoever holds it, signed in or not.
"""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kenesh.access.predicates import is_authenticated, is_member, is_observer, is_staff
from kenesh.convenings.models import HOLDING_PLACE, Participation
from kenesh.deliberation.models import Anonymity, Conversation, Participant, Statement
from kenesh.people.rules import has_profile

SESSION_PREFIX = "kenesh-participant-"


@rules.predicate
def takes_part(user, conversation) -> bool:
    return (
        user.is_authenticated
        and Participant.objects.filter(conversation=conversation, person__user=user).exists()
    )


@rules.predicate
def open_to_members(user, conversation) -> bool:
    return conversation.open_to_members


@rules.predicate
def is_named(user, conversation) -> bool:
    return conversation.anonymity == Anonymity.NAMED


@rules.predicate
def in_closed_convening(user, conversation) -> bool:
    return conversation.in_closed_convening


@rules.predicate
def invited_to_its_convening(user, conversation) -> bool:
    """Invited to, or accepted, the convening the conversation belongs to."""
    return (
        user.is_authenticated
        and conversation.convening_id is not None
        and Participation.objects.filter(
            convening_id=conversation.convening_id,
            person__user=user,
            invitation__in=HOLDING_PLACE,
        ).exists()
    )


# The same rule as ``Conversation.objects.visible_to`` for one conversation.
member_may_see = (open_to_members | takes_part) & (~in_closed_convening | invited_to_its_convening)
can_see_conversation = (
    is_staff | (is_member & member_may_see) | (is_observer & ~in_closed_convening)
)
# Votes in a named conversation are tied to a roster record: staff vote as members do,
# where they have one.
can_vote = is_member & has_profile & is_named & member_may_see

rules.add_perm("deliberation.view_conversations", is_authenticated)
rules.add_perm("deliberation.see_conversation", can_see_conversation)
rules.add_perm("deliberation.manage", is_staff)
rules.add_perm("deliberation.vote", can_vote)
rules.add_perm("deliberation.view_exact_results", is_staff)
for model in (
    "conversation",
    "statement",
    "participant",
    "vote",
    "analysis",
    "analysisrun",
    "translation",
    "moderation",
):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"deliberation.{action}_{model}", is_staff)


def session_key(conversation) -> str:
    return f"{SESSION_PREFIX}{conversation.code}"


def remember_invitation(session, participant: Participant) -> None:
    """Keep an opened invitation link in this browser session."""
    session[session_key(participant.conversation)] = str(participant.code)


def invitation_in(session, conversation) -> Participant | None:
    """The pseudonymous participant whose invitation link this session holds for
    ``conversation``, if any."""
    if session is None:
        return None
    code = session.get(session_key(conversation))
    if not code:
        return None
    try:
        return Participant.objects.filter(
            conversation=conversation, code=code, person__isnull=True
        ).first()
    except (ValueError, TypeError, ValidationError):
        return None


def get_conversation_for(user, code, *, to: str = "view", session=None) -> Conversation:
    """The conversation ``user`` may reach by ``code``: 404 where they may not know it
    exists, 403 where they may see it but not do ``to`` ("view", "vote", "manage").
    ``session`` (the browser session) lets an invitation link held in it open its
    conversation to view and vote."""
    conversation = Conversation.objects.select_related("convening").filter(code=code).first()
    if conversation is None:
        raise Http404
    invitation = invitation_in(session, conversation) if to in {"view", "vote"} else None
    if invitation is None and not can_see_conversation.test(user, conversation):
        raise Http404
    if to == "manage" and not is_staff.test(user):
        raise PermissionDenied
    if to == "vote" and invitation is None and not may_vote(user, conversation):
        raise PermissionDenied
    return conversation


def may_vote(user, conversation) -> bool:
    """Whether ``user`` may vote in ``conversation`` as themselves. Asked of the rule
    itself, not ``has_perm``, which lets a superuser through without a roster record to
    tie the votes to."""
    return can_vote.test(user, conversation)


def own_participant(conversation, person) -> Participant | None:
    """The place ``person`` (the signed-in member's roster record) holds in
    ``conversation``, which the caller reached through ``get_conversation_for``; None
    until their first vote or statement."""
    if person is None:
        return None
    return Participant.objects.filter(conversation=conversation, person=person).first()


def get_invited_participant(token) -> Participant:
    """The pseudonymous place behind an invitation link (the link is the credential);
    404 for an unknown token or a place that belongs to a person."""
    participant = Participant.objects.filter(token=token).select_related("conversation").first()
    if participant is None or participant.person_id is not None:
        raise Http404
    return participant


def get_statement_for(user, code, *, accepted_only: bool = True) -> Statement:
    """A statement of a conversation ``user`` may see; 404 otherwise."""
    statement = (
        Statement.objects.select_related("conversation__convening").filter(code=code).first()
    )
    if statement is None or (accepted_only and statement.status != "accepted"):
        raise Http404
    if not can_see_conversation.test(user, statement.conversation):
        raise Http404
    return statement
