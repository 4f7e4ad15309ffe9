"""Digests: one mail a day or a week instead of a stream of messages.

A digest has two halves. First, the notices of the kinds the user chose to receive in
this digest (an invitation they chose not to get at once, say). Second, what happened
that they may see, gathered by parts that other apps register in their ``ready()``
(papers waiting for their review, new statements in their conversations, outcomes on
their recommendations, meetings coming up); these follow the user's choice for
``Kind.ACTIVITY``. Each part builds the lines for a whole batch of users in a few
queries, so the queries per batch stay the same however many users there are.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from kenesh.notifications import zones
from kenesh.notifications.models import Delivery, Frequency, Kind, Message, Notice

PERIODS = {
    Frequency.DAILY: datetime.timedelta(days=1),
    Frequency.WEEKLY: datetime.timedelta(days=7),
}
# A digest goes out once the recipient's own clock has passed this hour.
SEND_AFTER_HOUR = 7
BATCH = 500


@dataclass(frozen=True)
class Line:
    """One line of a digest. ``message`` is a lazy translation with ``params``, so that
    it is written in each recipient's language when their digest is rendered."""

    message: object
    params: dict = field(default_factory=dict)
    url: str = ""

    @property
    def text(self) -> str:
        # The lazy object itself takes the params: ngettext_lazy reads its number there.
        return str(self.message % self.params) if self.params else str(self.message)


@dataclass(frozen=True)
class Part:
    name: str
    title: object
    # (users, since per user id, until) -> user id -> lines
    build: Callable[[list, dict, datetime.datetime], dict[int, list[Line]]]
    order: int = 100


_parts: dict[str, Part] = {}


def register(part: Part) -> None:
    _parts.setdefault(part.name, part)


def parts() -> list[Part]:
    return sorted(_parts.values(), key=lambda p: p.order)


@dataclass(frozen=True)
class Section:
    title: object
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Digest:
    user: object
    period: str
    since: datetime.datetime
    notices: tuple[Notice, ...]
    sections: tuple[Section, ...]

    @property
    def empty(self) -> bool:
        return not self.notices and not any(s.lines for s in self.sections)

    @property
    def count(self) -> int:
        """How many items the digest carries (its subject says so)."""
        return len(self.notices) + sum(len(s.lines) for s in self.sections)


def _users(after_pk: int, limit: int):
    languages = Prefetch(
        "person__languages", queryset=apps.get_model("people", "Language").objects.only("code")
    )
    return list(
        get_user_model()
        .objects.filter(is_active=True, pk__gt=after_pk)
        .exclude(Q(email="") & (Q(person__isnull=True) | Q(person__email="")))
        .select_related("person", "delivery")
        .prefetch_related(languages)
        .order_by("pk")[:limit]
    )


def _delivery(user):
    try:
        return user.delivery
    except Delivery.DoesNotExist:
        return None


def _last(delivery, period):
    if delivery is None:
        return None
    return delivery.daily_digest_at if period == Frequency.DAILY else delivery.weekly_digest_at


def build_digests(users: list, *, period: str, now: datetime.datetime) -> list[Digest]:
    """The digests of ``period`` for ``users`` (loaded as ``_users`` loads them), due or
    not, empty or not: a fixed number of queries whatever their number."""
    length = PERIODS[period]
    delivery_of = {user.pk: _delivery(user) for user in users}
    held_kinds = {
        user.pk: {
            kind
            for kind in Kind.values
            if (delivery_of[user.pk] or Delivery(frequencies={})).frequency_of(kind) == period
        }
        for user in users
    }
    since = {user.pk: _last(delivery_of[user.pk], period) or now - length for user in users}
    notices: dict[int, list[Notice]] = {user.pk: [] for user in users}
    for notice in Notice.objects.filter(
        user__in=[u.pk for u in users], digested_at__isnull=True
    ).order_by("created_at", "pk"):
        if notice.kind in held_kinds[notice.user_id]:
            notices[notice.user_id].append(notice)
    activity_users = [u for u in users if Kind.ACTIVITY in held_kinds[u.pk]]
    built = [(part, part.build(activity_users, since, now)) for part in parts()]
    digests = []
    for user in users:
        sections = tuple(
            Section(part.title, tuple(lines_by_user.get(user.pk, ())))
            for part, lines_by_user in built
            if lines_by_user.get(user.pk)
        )
        digests.append(
            Digest(
                user=user,
                period=period,
                since=since[user.pk],
                notices=tuple(notices[user.pk]),
                sections=sections,
            )
        )
    return digests


def _due(user, period, now) -> bool:
    delivery = _delivery(user)
    last = _last(delivery, period)
    if last is not None and now - last < PERIODS[period] - datetime.timedelta(hours=2):
        return False
    person = getattr(user, "person", None)
    zone_name = (delivery.time_zone if delivery else "") or zones.default_zone_name(
        person.country if person is not None else ""
    )
    return now.astimezone(zones.zone_named(zone_name)).hour >= SEND_AFTER_HOUR


def send_due_digests(*, now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Send every digest that is due, in batches of ``batch`` users. Returns how many
    mails were queued."""
    now = now or timezone.now()
    queued = 0
    after = 0
    while True:
        users = _users(after, batch)
        if not users:
            return queued
        after = users[-1].pk
        for period in PERIODS:
            due = [u for u in users if _due(u, period, now)]
            if due:
                queued += send_digests(build_digests(due, period=period, now=now), now=now)


@transaction.atomic
def send_digests(digests: list[Digest], *, now: datetime.datetime) -> int:
    """Queue one mail per non-empty digest, mark what it carries as sent and the period
    as done for every user in ``digests``, empty or not. Returns the mails queued."""
    from kenesh.notifications import services, tasks

    if not digests:
        return 0
    period = digests[0].period
    messages, carried = [], []
    keys = {d.user.pk: f"digest:{period}:{d.user.code}:{now.date().isoformat()}" for d in digests}
    made = set(Message.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    for digest in digests:
        if digest.empty or keys[digest.user.pk] in made:
            continue
        person = getattr(digest.user, "person", None)
        recipient = services.recipient_from(
            person=person, user=digest.user, delivery=_delivery(digest.user)
        )
        parts = services.render(
            recipient,
            kind=Kind.DIGEST,
            template="notifications/mail/digest",
            context={"digest": digest, "weekly": period == Frequency.WEEKLY},
        )
        key = keys[digest.user.pk]
        messages.append(
            Message(
                key=key,
                kind=Kind.DIGEST,
                user=digest.user,
                person=person,
                to=recipient.email,
                language=recipient.language,
                subject=parts["subject"],
                text=parts["text"],
                html=parts["html"],
                headers=parts["headers"],
                status=Message.Status.QUEUED,
                next_attempt_at=now + services.BACKOFF[0],
            )
        )
        carried.extend(n.pk for n in digest.notices)
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    Notice.objects.filter(pk__in=carried).update(digested_at=now)
    users = [d.user for d in digests]
    existing = {d.user_id: d for d in Delivery.objects.filter(user__in=users)}
    field_name = "daily_digest_at" if period == Frequency.DAILY else "weekly_digest_at"
    missing = [Delivery(user=u, **{field_name: now}) for u in users if u.pk not in existing]
    Delivery.objects.bulk_create(missing, ignore_conflicts=True)
    Delivery.objects.filter(user__in=[u for u in users if u.pk in existing]).update(
        **{field_name: now}
    )
    queued = [m.key for m in messages]
    if queued:
        transaction.on_commit(lambda: tasks.deliver_many.enqueue(queued))
    return len(queued)
