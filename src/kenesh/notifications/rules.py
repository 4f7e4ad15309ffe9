"""Who may see what of messages: each user their own notifications and settings; staff
the outbox (every message sent, to whom, and whether it was delivered)."""

from uuid import UUID

import rules
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404

from kenesh.access.models import User
from kenesh.access.predicates import is_authenticated, is_staff
from kenesh.notifications.models import Message

rules.add_perm("notifications.view_own", is_authenticated)
rules.add_perm("notifications.view_outbox", is_staff)
rules.add_perm("notifications.retry_message", is_staff)


def get_message_for(user: User | AnonymousUser, code: UUID | str) -> Message:
    """A message of the outbox: staff only (the view's permission says so); a code that
    names nothing is a 404."""
    return get_object_or_404(Message.objects.select_related("person", "user"), code=code)
