"""Finding a date for a convening: propose slots, mail the poll, record answers, choose.

What a poll mail may carry follows the convening's confidentiality, as invitations do
(see ``invitations``): for a closed convening only that a meeting of the programme needs
a date, with the link; for the others the title too. Never anyone else's name.
"""

import datetime
import uuid
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kenesh.convenings.models import Convening, Participation
from kenesh.convenings.poll_models import Answer, DatePoll, Slot, SlotAnswer
from kenesh.core.audit import log_action
from kenesh.notifications import links, zones
from kenesh.notifications import services as notify
from kenesh.notifications.models import Kind

LINK_ACTION = "date-poll"
MOST_SLOTS = 12


def convening_zone(convening: Convening) -> zoneinfo.ZoneInfo:
    """The zone the convening's days are counted in: its country's, else the platform's."""
    return zones.zone_named(zones.default_zone_name(convening.country))


def link_target(poll: DatePoll, participation: Participation) -> str:
    return f"{poll.code}:{participation.person.code}"


def participation_of(link: links.Link) -> Participation:
    """The place a poll link is for; refused if the poll or the place is gone (someone
    who declined holds no place)."""
    poll_code, _sep, person_code = (_uuid(part) for part in link.target.partition(":"))
    participation = (
        Participation.objects.holding_place()
        .select_related("convening__date_poll", "person__user")
        .filter(convening__date_poll__code=poll_code, person__code=person_code)
        .first()
        if poll_code and person_code
        else None
    )
    if participation is None:
        raise links.LinkRefused("wrong")
    return participation


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def poll_link(poll: DatePoll, participation: Participation, until: datetime.datetime) -> str:
    token = links.make(action=LINK_ACTION, target=link_target(poll, participation), until=until)
    return notify.absolute(reverse("convenings:poll-link", kwargs={"token": token}))


def _refuse_if_closed(poll: DatePoll) -> None:
    if poll.is_closed:
        raise ValidationError(_("A date has been chosen already: this poll is closed."))


@transaction.atomic
def propose_slots(*, convening: Convening, slots, by) -> DatePoll:
    """Add proposed times (pairs of aware start and end) to the convening's poll, opening
    it if need be. Refuses a time in the past, one that does not end after it starts,
    one proposed twice, and more than ``MOST_SLOTS`` in all."""
    poll, _created = DatePoll.objects.select_for_update().get_or_create(
        convening=convening, defaults={"created_by": by}
    )
    _refuse_if_closed(poll)
    slots = list(slots)
    if not slots:
        raise ValidationError(_("Propose at least one time."))
    now = timezone.now()
    existing = {(s.starts_at, s.ends_at) for s in poll.slots.all()}
    for starts_at, ends_at in slots:
        if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
            raise ValueError("Slots must be aware datetimes.")
        if starts_at <= now:
            raise ValidationError(
                {"starts_at": _("This time has passed already: propose one in the future.")}
            )
        if ends_at <= starts_at:
            raise ValidationError({"ends_at": _("A proposed time must end after it starts.")})
        if (starts_at, ends_at) in existing:
            raise ValidationError(_("This time has been proposed already."))
        existing.add((starts_at, ends_at))
    if len(existing) > MOST_SLOTS:
        raise ValidationError(
            ngettext(
                "A poll holds at most %(most)s proposed time.",
                "A poll holds at most %(most)s proposed times.",
                MOST_SLOTS,
            )
            % {"most": MOST_SLOTS}
        )
    made = Slot.objects.bulk_create([Slot(poll=poll, starts_at=s, ends_at=e) for s, e in slots])
    log_action(
        convening,
        "convenings.date_poll.slots_proposed",
        by=by,
        data={"poll": str(poll.code), "slots": [str(slot.code) for slot in made]},
    )
    return poll


@transaction.atomic
def withdraw_slot(*, slot: Slot, by) -> None:
    """Take back a proposed time, with the answers given for it."""
    poll = slot.poll
    _refuse_if_closed(poll)
    log_action(
        poll.convening,
        "convenings.date_poll.slot_withdrawn",
        by=by,
        data={"poll": str(poll.code), "slot": str(slot.code)},
    )
    slot.delete()


@transaction.atomic
def send_poll(*, convening: Convening, by) -> int:
    """Mail the poll to everyone holding a place, once each (keyed on the poll and the
    person: running it again mails only those invited since). Each mail lists the
    times still to come in the recipient's zone, with a link to answer without signing
    in that works until the last one begins. Returns how many mails were queued."""
    poll = DatePoll.objects.select_for_update().filter(convening=convening).first()
    if poll is None:
        raise ValidationError(_("Propose some times before sending the poll."))
    _refuse_if_closed(poll)
    slots = [slot for slot in poll.slots.all() if not slot.is_past]
    if not slots:
        raise ValidationError(_("Every proposed time has passed: propose new ones first."))
    until = slots[-1].starts_at
    closed = convening.is_closed
    places = (
        Participation.objects.holding_place()
        .filter(convening=convening)
        .select_related("person__user")
        .prefetch_related("person__languages")
    )
    sent = 0
    for participation in places:
        message = notify.send(
            to=participation.person,
            kind=Kind.DATE_POLL,
            template="convenings/mail/date_poll",
            context={
                "convening": None if closed else convening,
                "closed": closed,
                "slots": slots,
                "answer_url": poll_link(poll, participation, until),
            },
            key=f"poll:{poll.code}:{participation.person.code}",
            url=reverse("convenings:poll-answer", kwargs={"code": convening.code}),
        )
        sent += message is not None
    poll.sent_at = poll.sent_at or timezone.now()
    poll.save(update_fields=["sent_at"])
    log_action(
        convening,
        "convenings.date_poll.sent",
        by=by,
        data={"poll": str(poll.code), "queued": sent},
    )
    return sent


@transaction.atomic
def answer_poll(*, participation: Participation, answers: dict, by) -> int:
    """Record ``participation``'s answers (slot -> "yes", "maybe" or "no"); ``by`` is
    None when they answer from the mail's link. Answering again with the same answers
    changes nothing. Returns how many answers changed."""
    poll = DatePoll.objects.select_for_update().filter(convening=participation.convening).first()
    if poll is None:
        raise ValidationError(_("There is no date poll for this meeting."))
    _refuse_if_closed(poll)
    if not participation.holds_place:
        raise ValidationError(_("Only those invited to the meeting answer its date poll."))
    for slot, answer in answers.items():
        if slot.poll_id != poll.pk:
            raise ValidationError(_("This time was not proposed for this meeting."))
        if answer not in Answer.values:
            raise ValidationError(_("Answer yes, if need be, or no."))
        if slot.is_past:
            raise ValidationError(_("This time has passed already: it cannot be answered."))
    known = {
        a.slot_id: a
        for a in SlotAnswer.objects.filter(participation=participation, slot__poll=poll)
    }
    changed = []
    now = timezone.now()
    for slot, answer in answers.items():
        given = known.get(slot.pk)
        if given is not None and given.answer == answer:
            continue
        SlotAnswer.objects.update_or_create(
            slot=slot, participation=participation, defaults={"answer": answer, "answered_at": now}
        )
        changed.append(str(slot.code))
    if changed:
        log_action(
            participation.convening,
            "convenings.date_poll.answered",
            by=by,
            data={"poll": str(poll.code), "slots": changed, "by_link": by is None},
        )
    return len(changed)


@transaction.atomic
def answer_by_link(*, link: links.Link, answers: dict) -> tuple[Participation, int]:
    """Answer as the mail's link allows: once. Raises ``links.LinkRefused`` ("wrong")
    when the place is gone and ``LinkUsed`` when the link was used before; a refusal
    of the answers (``ValidationError``) leaves the link unspent."""
    participation = participation_of(link)
    if not answers:
        # An empty submission must not use up the link the mail gave.
        raise ValidationError(_("Mark at least one time before saving."))
    if not links.spend(link):
        raise LinkUsed
    changed = answer_poll(participation=participation, answers=answers, by=None)
    return participation, changed


class LinkUsed(Exception):
    """The poll link was used before: sign in to change the answers."""


def local_days(slot: Slot, zone: zoneinfo.ZoneInfo) -> tuple[datetime.date, datetime.date]:
    """The first and last day ``slot`` covers in ``zone``: a slot ending at midnight
    ends on the day before."""
    first = slot.starts_at.astimezone(zone).date()
    last = (slot.ends_at - datetime.timedelta(microseconds=1)).astimezone(zone).date()
    return first, max(first, last)


@transaction.atomic
def choose_slot(*, poll: DatePoll, slot: Slot, by) -> Convening:
    """Staff choose a proposed time: the convening's first and last day become the
    slot's days in the convening's own zone, and the poll closes. Refuses a time of
    another poll, one in the past, and one that would leave sessions outside the dates."""
    poll = DatePoll.objects.select_for_update().select_related("convening").get(pk=poll.pk)
    _refuse_if_closed(poll)
    if slot.poll_id != poll.pk:
        raise ValidationError(_("This time was not proposed for this meeting."))
    if slot.is_past:
        raise ValidationError(_("This time has passed already: choose one in the future."))
    convening = poll.convening
    before = (convening.starts_on, convening.ends_on)
    convening.starts_on, convening.ends_on = local_days(slot, convening_zone(convening))
    outside = [s.title for s in convening.sessions.all() if not _fits(s)]
    if outside:
        raise ValidationError(
            _("These sessions would fall outside the new dates: %(sessions)s.")
            % {"sessions": ", ".join(outside)}
        )
    convening.save(update_fields=["starts_on", "ends_on"])
    poll.chosen_slot = slot
    poll.closed_at = timezone.now()
    poll.save(update_fields=["chosen_slot", "closed_at"])
    log_action(
        convening,
        "convenings.date_poll.slot_chosen",
        by=by,
        data={
            "poll": str(poll.code),
            "slot": str(slot.code),
            "from": [day.isoformat() for day in before],
            "to": [convening.starts_on.isoformat(), convening.ends_on.isoformat()],
        },
    )
    return convening


def _fits(session) -> bool:
    try:
        session.clean()
    except ValidationError:
        return False
    return True
