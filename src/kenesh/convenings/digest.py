"""The convenings' parts of a digest: meetings coming up for the reader and, for staff,
answers to invitations and mail that could not be delivered.

A closed convening is never named in mail (mail is forwarded and kept on servers the
programme does not control): its lines give a date and send the reader to the platform.
"""

import datetime
from collections import Counter

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from kenesh.access.predicates import is_staff
from kenesh.convenings.models import Confidentiality, Invitation, Participation
from kenesh.notifications import services as notify
from kenesh.notifications.digests import Line, Part
from kenesh.notifications.models import Message

UPCOMING_DAYS = 7
# Written when the digest is rendered, in the recipient's language.
local_date = lazy(date_format, str)

BEGINS = _("“%(title)s” begins on %(date)s.")
BEGINS_CLOSED = _("A closed meeting you take part in begins on %(date)s; see the platform.")
ANSWERS = ngettext_lazy(
    "%(count)s new answer to the invitations to “%(title)s” "
    "(%(accepted_phrase)s, %(declined_phrase)s).",
    "%(count)s new answers to the invitations to “%(title)s” "
    "(%(accepted_phrase)s, %(declined_phrase)s).",
    "count",
)
ANSWERS_CLOSED = ngettext_lazy(
    "%(count)s new answer to the invitations to a closed meeting beginning on %(date)s "
    "(%(accepted_phrase)s, %(declined_phrase)s).",
    "%(count)s new answers to the invitations to a closed meeting beginning on %(date)s "
    "(%(accepted_phrase)s, %(declined_phrase)s).",
    "count",
)
ACCEPTED = ngettext_lazy("%(count)s accepted", "%(count)s accepted", "count")
DECLINED = ngettext_lazy("%(count)s declined", "%(count)s declined", "count")
# A number said with its own plural forms, in the recipient's language when rendered.
counted = lazy(lambda phrase, count: str(phrase % {"count": count}), str)
FAILED = ngettext_lazy(
    "%(count)s message could not be delivered; see the outbox.",
    "%(count)s messages could not be delivered; see the outbox.",
    "count",
)
# A message's fate is known once every attempt has been made: count it in the digest
# whose period ends this long after it was made, so that each is counted once.
DELIVERY_SPAN = sum(notify.BACKOFF, datetime.timedelta()) + notify.SENDING_TIMEOUT


def build_upcoming(users, since, until) -> dict[int, list[Line]]:
    """Convenings beginning within ``UPCOMING_DAYS`` days where each of ``users`` holds a
    place (invited or accepted, never declined): one query for the whole batch."""
    lines: dict[int, list[Line]] = {}
    if not users:
        return lines
    today = timezone.localdate(until)
    places = (
        Participation.objects.holding_place()
        .filter(
            person__user__in=[u.pk for u in users],
            convening__starts_on__gte=today,
            convening__starts_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS),
        )
        .order_by("convening__starts_on", "convening_id")
        .values_list(
            "person__user_id",
            "convening__code",
            "convening__title",
            "convening__starts_on",
            "convening__confidentiality",
        )
    )
    for user_id, code, title, starts_on, confidentiality in places:
        when = local_date(starts_on, "DATE_FORMAT")
        if confidentiality == Confidentiality.CLOSED:
            line = Line(BEGINS_CLOSED, {"date": when}, reverse("convenings:my-convenings"))
        else:
            line = Line(
                BEGINS,
                {"title": title, "date": when},
                reverse("convenings:convening-detail", kwargs={"code": code}),
            )
        lines.setdefault(user_id, []).append(line)
    return lines


def _answer_lines(staff, since, until) -> dict[int, list[Line]]:
    lines: dict[int, list[Line]] = {}
    earliest = min(since[u.pk] for u in staff)
    answers = list(
        Participation.objects.filter(
            answered_at__gt=earliest,
            answered_at__lte=until,
            invitation__in=[Invitation.ACCEPTED, Invitation.DECLINED],
        )
        .order_by("convening__starts_on", "convening_id")
        .values_list(
            "convening_id",
            "convening__code",
            "convening__title",
            "convening__starts_on",
            "convening__confidentiality",
            "invitation",
            "answered_at",
        )
    )
    for user in staff:
        counts: dict[int, Counter] = {}
        about = {}
        for pk, code, title, starts_on, confidentiality, invitation, answered_at in answers:
            if answered_at <= since[user.pk]:
                continue
            counts.setdefault(pk, Counter())[invitation] += 1
            about[pk] = (code, title, starts_on, confidentiality)
        for pk, count in counts.items():
            code, title, starts_on, confidentiality = about[pk]
            params = {
                "count": count.total(),
                "accepted_phrase": counted(ACCEPTED, count[Invitation.ACCEPTED]),
                "declined_phrase": counted(DECLINED, count[Invitation.DECLINED]),
            }
            url = reverse("convenings:participants", kwargs={"code": code})
            if confidentiality == Confidentiality.CLOSED:
                params["date"] = local_date(starts_on, "DATE_FORMAT")
                line = Line(ANSWERS_CLOSED, params, url)
            else:
                line = Line(ANSWERS, {**params, "title": title}, url)
            lines.setdefault(user.pk, []).append(line)
    return lines


def _failed_lines(staff, since, until) -> dict[int, list[Line]]:
    lines: dict[int, list[Line]] = {}
    earliest = min(since[u.pk] for u in staff)
    made = list(
        Message.objects.filter(
            status=Message.Status.FAILED,
            created_at__gt=earliest - DELIVERY_SPAN,
            created_at__lte=until - DELIVERY_SPAN,
        ).values_list("created_at", flat=True)
    )
    url = reverse("notifications:outbox") + "?status=failed"
    for user in staff:
        count = sum(1 for created_at in made if created_at > since[user.pk] - DELIVERY_SPAN)
        if count:
            lines[user.pk] = [Line(FAILED, {"count": count}, url)]
    return lines


def build_for_staff(users, since, until) -> dict[int, list[Line]]:
    """For the staff among ``users``: answers to invitations since their ``since``,
    counted per convening, and mail that could not be delivered: two queries for the
    whole batch (none without staff)."""
    staff = [u for u in users if is_staff(u)]
    if not staff:
        return {}
    lines = _answer_lines(staff, since, until)
    for user_id, failed in _failed_lines(staff, since, until).items():
        lines.setdefault(user_id, []).extend(failed)
    return lines


UPCOMING = Part(
    name="convenings.upcoming",
    title=_("Meetings in the coming week"),
    build=build_upcoming,
    order=40,
)
FOR_STAFF = Part(
    name="convenings.staff",
    title=_("For the programme team"),
    build=build_for_staff,
    order=90,
)
