"""The deliberation part of a digest: new statements in the reader's conversations."""

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
    # Where each user takes part, and their own participant (not to count their statements).
    places_in = list(
        Participant.objects.filter(person__user__in=list(by_pk))
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
    if not places_in:
        return lines
    conversation_ids = {row["conversation_id"] for row in places_in}
    convening_ids = {
        row["conversation__convening_id"]
        for row in places_in
        if row["conversation__convening__confidentiality"] == Confidentiality.CLOSED
    }
    places = set()
    if convening_ids:
        places = set(
            Participation.objects.holding_place()
            .filter(convening__in=convening_ids, person__user__in=list(by_pk))
            .values_list("person__user_id", "convening_id")
        )
    statements = list(
        Statement.objects.filter(
            conversation__in=conversation_ids,
            status=StatementStatus.ACCEPTED,
            created_at__gt=earliest,
            created_at__lte=until,
        ).values_list("conversation_id", "author_id", "created_at")
    )
    by_conversation: dict[int, list] = {}
    for conversation_id, author_id, created_at in statements:
        by_conversation.setdefault(conversation_id, []).append((author_id, created_at))
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
        if not count:
            continue
        closed = conversation["convening__confidentiality"] == Confidentiality.CLOSED
        url = reverse(
            "deliberation:conversation-detail", kwargs={"code": row["conversation__code"]}
        )
        if closed:
            line = Line(NEW_STATEMENTS_CLOSED, {"count": count}, url)
        else:
            line = Line(NEW_STATEMENTS, {"count": count, "title": row["conversation__title"]}, url)
        lines.setdefault(user.pk, []).append(line)
    return lines


PART = Part(
    name="deliberation.statements",
    title=_("In your conversations"),
    build=build,
    order=20,
)
