"""Who may see or do what in deliberation. Votes are never shown person by person."""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from kenesh.access.predicates import is_authenticated, is_member, is_staff
from kenesh.deliberation.models import Conversation, Participant


@rules.predicate
def takes_part(user, conversation) -> bool:
    return (
        user.is_authenticated
        and Participant.objects.filter(conversation=conversation, person__user=user).exists()
    )


@rules.predicate
def open_to_members(user, conversation) -> bool:
    return conversation.open_to_members and conversation.anonymity == "named"


can_join = is_member & open_to_members
can_vote = takes_part | can_join

rules.add_perm("deliberation.view_conversations", is_authenticated)
rules.add_perm("deliberation.manage", is_staff)
rules.add_perm("deliberation.vote", can_vote)
rules.add_perm("deliberation.view_exact_results", is_staff)
for model in (
    "conversation",
    "statement",
    "participant",
    "vote",
    "analysis",
    "translation",
    "moderation",
):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"deliberation.{action}_{model}", is_staff)


def get_conversation_for(user, code, *, to: str = "view") -> Conversation:
    """404 where the user may not know the conversation; 403 where they may not ``to``."""
    conversation = get_object_or_404(
        Conversation.objects.visible_to(user).select_related("convening"), code=code
    )
    if to == "manage" and not user.has_perm("deliberation.manage"):
        raise PermissionDenied
    if to == "vote" and not user.has_perm("deliberation.vote", conversation):
        raise PermissionDenied
    return conversation
