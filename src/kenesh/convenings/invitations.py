"""Invitations and reminders by mail, under each convening's confidentiality.

What a mail may carry follows from the convening's confidentiality, because mail is
forwarded, read over shoulders and kept on servers the programme does not control:

- public and Chatham House: the title, dates, place, the agenda and an ``.ics`` file,
  with signed links to accept or decline; never the name of anyone else taking part;
- closed (Track II): only that an invitation awaits on the platform, with a link to sign
  in. No title, date, place or agenda, no calendar file, no link that answers.
"""

import datetime
import secrets

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kenesh.convenings import ical
from kenesh.convenings.models import Convening, Invitation, Participation, reminder_days_of
from kenesh.notifications import links
from kenesh.notifications import services as notify
from kenesh.notifications.models import Kind

ANSWER_ACTION = "invitation"
# Invitees who have not answered are reminded this many days before answers close.
ANSWER_REMINDER_DAYS = 3


def link_target(participation: Participation) -> str:
    return f"{participation.convening.code}:{participation.person.code}"


def participation_of(link: links.Link) -> Participation:
    """The invitation a signed link is for; refused if it no longer exists."""
    convening_code, _sep, person_code = link.target.partition(":")
    participation = (
        Participation.objects.select_related("convening", "person__user")
        .filter(convening__code=convening_code, person__code=person_code)
        .first()
    )
    if participation is None or link.choice not in {"accept", "decline"}:
        raise links.LinkRefused("wrong")
    if participation.convening.is_closed:
        # Closed since the mail went: such an invitation is answered signed in only.
        raise links.LinkRefused("sign_in")
    return participation


def answers_close_at(convening: Convening) -> datetime.datetime:
    """The end of the last day answers are taken, in the platform's zone."""
    day = convening.answers_close_on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def answer_links(participation: Participation) -> dict[str, str]:
    """Signed one-use links to accept and decline, sharing one nonce: once either is
    used, both are spent. They work until answers close."""
    nonce = secrets.token_urlsafe(12)
    until = answers_close_at(participation.convening)
    return {
        choice: notify.absolute(
            reverse(
                "convenings:invitation-link",
                kwargs={
                    "token": links.make(
                        action=ANSWER_ACTION,
                        target=link_target(participation),
                        choice=choice,
                        until=until,
                        nonce=nonce,
                    )
                },
            )
        )
        for choice in ("accept", "decline")
    }


def _calendar(convening: Convening) -> tuple[notify.Attachment, ...]:
    content = ical.calendar_for([convening], name=convening.title).decode()
    return (notify.Attachment("invitation.ics", content, "text/calendar"),)


def send_invitation(participation: Participation) -> None:
    """Mail one invitee their invitation, once (keyed on the convening and person)."""
    convening = participation.convening
    closed = convening.is_closed
    open_for_answers = convening.answers_open()
    context = {
        "convening": convening,
        "participation": participation,
        "closed": closed,
        "sessions": [] if closed else list(convening.sessions.order_by("starts_at")),
        "answer": answer_links(participation) if not closed and open_for_answers else {},
        "platform_url": notify.absolute(reverse("convenings:my-convenings")),
    }
    notify.send(
        to=participation.person,
        kind=Kind.INVITATION,
        template="convenings/mail/invitation",
        context=context,
        key=f"invitation:{convening.code}:{participation.person.code}",
        url=reverse("convenings:my-convenings"),
        attachments=() if closed else _calendar(convening),
    )


def send_invitations(participations) -> None:
    """Mail each of ``participations`` (just created) its invitation, after commit."""
    ids = [p.pk for p in participations]

    def send_all():
        for participation in (
            Participation.objects.filter(pk__in=ids)
            .select_related("convening", "person__user")
            .prefetch_related("person__languages")
        ):
            with transaction.atomic():
                send_invitation(participation)

    transaction.on_commit(send_all)


# Reminders ---------------------------------------------------------------------------


def _upcoming(today: datetime.date, horizon: int):
    return Convening.objects.filter(
        starts_on__gt=today, starts_on__lte=today + datetime.timedelta(days=horizon)
    ).exclude(reminder_days="")


def send_meeting_reminders(*, today: datetime.date | None = None) -> int:
    """Remind those holding a place (never who declined) ``n`` days before a convening
    begins, for each ``n`` of its ``reminder_days`` that has come: the nearest one only,
    once per person and ``n``. Returns how many were sent or held for digests."""
    today = today or timezone.localdate()
    sent = 0
    for convening in _upcoming(today, 60):
        days_left = (convening.starts_on - today).days
        due = [n for n in reminder_days_of(convening.reminder_days) if n >= days_left]
        if not due:
            continue
        n = min(due)
        places = (
            Participation.objects.holding_place()
            .filter(convening=convening)
            .select_related("person__user")
            .prefetch_related("person__languages")
        )
        sessions = [] if convening.is_closed else list(convening.sessions.order_by("starts_at"))
        for participation in places:
            with transaction.atomic():
                message = notify.send(
                    to=participation.person,
                    kind=Kind.REMINDER,
                    template="convenings/mail/reminder",
                    context={
                        "convening": convening,
                        "participation": participation,
                        "closed": convening.is_closed,
                        "days_left": days_left,
                        "sessions": sessions,
                        "platform_url": notify.absolute(reverse("convenings:my-convenings")),
                    },
                    key=f"reminder:{convening.code}:{participation.person.code}:{n}",
                    url=reverse("convenings:my-convenings"),
                )
            sent += message is not None
    return sent


def send_answer_reminders(*, today: datetime.date | None = None) -> int:
    """Remind invitees who have not answered, once, when answers close within
    ``ANSWER_REMINDER_DAYS`` days. Returns how many were queued."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=ANSWER_REMINDER_DAYS)
    # Answers close on the answer day, or the day before the start: only convenings
    # where one of them is near are read.
    closing = Convening.objects.filter(starts_on__gt=today).filter(
        Q(answer_by__range=(today, soon)) | Q(starts_on__lte=soon + datetime.timedelta(days=1))
    )
    sent = 0
    for convening in closing:
        if not convening.answers_open(today):
            continue
        if (convening.answers_close_on - today).days > ANSWER_REMINDER_DAYS:
            continue
        unanswered = (
            Participation.objects.filter(convening=convening, invitation=Invitation.INVITED)
            .select_related("convening", "person__user")
            .prefetch_related("person__languages")
        )
        for participation in unanswered:
            closed = convening.is_closed
            with transaction.atomic():
                message = notify.send(
                    to=participation.person,
                    kind=Kind.REMINDER,
                    template="convenings/mail/answer_reminder",
                    context={
                        "convening": convening,
                        "closed": closed,
                        "answer": {} if closed else answer_links(participation),
                        "platform_url": notify.absolute(reverse("convenings:my-convenings")),
                    },
                    key=f"answer-reminder:{convening.code}:{participation.person.code}",
                    url=reverse("convenings:my-convenings"),
                )
            sent += message is not None
    return sent


def send_reminders() -> int:
    """The periodic job: both kinds of reminder."""
    return send_meeting_reminders() + send_answer_reminders()
