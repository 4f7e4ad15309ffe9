"""The deliberation part of a digest: new statements in the reader's conversations."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kenesh.access.predicates import is_member, is_observer, is_staff
from kenesh.convenings.models import Confidentiality, Participation
from kenesh.deliberation.models import Participant, Statement, StatementStatus
from kenesh.notifications.digests import Line, Part

NEW_STATEMENTS = ngettext_lazy(
    "%(count)s new statement in “%(title)s”.",
    "%(count)s new statements in “%(title)s”.",
    "count",
)
# A conversation of a closed meeting is never named in mail, as the meeting is not.
NEW_STATEMENTS_CLOSED = ngettext_lazy(
    "%(count)s new statement in a conversation of a closed meeting; see the platform.",
    "%(count)s new statements in a conversation of a closed meeting; see the platform.",
    "count",
)


def _may_see(user, conversation, places) -> bool:
    """``rules.can_see_conversation`` for a conversation ``user`` takes part in, from what
    is loaded for the whole batch (``places``: the (user id, convening id) pairs where a
    user holds a place)."""
    closed = conversation["convening__confidentiality"] == Confidentiality.CLOSED
    if is_staff(user):
        return True
    if is_member(user):
        return not closed or (user.pk, conversation["convening_id"]) in places
    if is_observer(user):
        return not closed
    return False


def build(users, since, until) -> dict[int, list[Line]]:
    """For each of ``users``, accepted statements made by others since their ``since`` in
    conversations they take part in and may see, counted per conversation: three
    queries for the whole batch."""
    lines: dict[int, list[Line]] = {}
    by_pk = {u.pk: u for u in users}
    if not by_pk:
        return lines
    earliest = min(since[pk] for pk in by_pk)
    places_in = _places_in(list(by_pk))
    if not places_in:
        return lines
    places = _closed_places(places_in, list(by_pk))
    by_conversation = _new_statements(
        {row["conversation_id"] for row in places_in}, earliest, until
    )
    for row in places_in:
        user = by_pk[row["person__user_id"]]
        conversation = {
            "convening_id": row["conversation__convening_id"],
            "convening__confidentiality": row["conversation__convening__confidentiality"],
        }
        if not _may_see(user, conversation, places):
            continue
        count = sum(
            1
            for author_id, created_at in by_conversation.get(row["conversation_id"], ())
            if author_id != row["pk"] and created_at > since[user.pk]
        )
        if count:
            lines.setdefault(user.pk, []).append(_line(row, count))
    return lines


def _places_in(user_ids: list[int]) -> list[Mapping[str, Any]]:
    """Where each user takes part, and their own participant (not to count their
    statements), with what the digest says of each conversation; one query."""
    return list(
        Participant.objects.filter(person__user__in=user_ids)
        .values(
            "pk",
            "person__user_id",
            "conversation_id",
            "conversation__title",
            "conversation__code",
            "conversation__convening_id",
            "conversation__convening__confidentiality",
        )
        .order_by("conversation_id")
    )


def _closed_places(places_in: list[Mapping[str, Any]], user_ids: list[int]) -> set[tuple[int, int]]:
    """The (user id, convening id) pairs where a user holds a place at the closed
    meetings of these conversations; one query, none when no meeting is closed."""
    convening_ids = {
        row["conversation__convening_id"]
        for row in places_in
        if row["conversation__convening__confidentiality"] == Confidentiality.CLOSED
    }
    if not convening_ids:
        return set()
    return set(
        Participation.objects.holding_place()
        .filter(convening__in=convening_ids, person__user__in=user_ids)
        .values_list("person__user_id", "convening_id")
    )


def _new_statements(
    conversation_ids: set[int], earliest: datetime.datetime, until: datetime.datetime
) -> dict[int, list[tuple[int | None, datetime.datetime]]]:
    """The statements accepted in the conversations between ``earliest`` and ``until``,
    as (author participant, made at) by conversation; one query."""
    statements = Statement.objects.filter(
        conversation__in=conversation_ids,
        status=StatementStatus.ACCEPTED,
        created_at__gt=earliest,
        created_at__lte=until,
    ).values_list("conversation_id", "author_id", "created_at")
    by_conversation: dict[int, list[tuple[int | None, datetime.datetime]]] = {}
    for conversation_id, author_id, created_at in statements:
        by_conversation.setdefault(conversation_id, []).append((author_id, created_at))
    return by_conversation


def _line(row: Mapping[str, Any], count: int) -> Line:
    """The digest's line on ``count`` new statements in the conversation of ``row``; one
    of a closed meeting goes unnamed."""
    url = reverse("deliberation:conversation-detail", kwargs={"code": row["conversation__code"]})
    if row["conversation__convening__confidentiality"] == Confidentiality.CLOSED:
        return Line(NEW_STATEMENTS_CLOSED, {"count": count}, url)
    return Line(NEW_STATEMENTS, {"count": count, "title": row["conversation__title"]}, url)


PART = Part(
    name="deliberation.statements",
    title=_("In your conversations"),
    build=build,
    order=20,
)
