"""Reads for date-poll pages: counts per proposed time, one person's answers, and the
staff's grid of who answered what."""

from dataclasses import dataclass

from django.db.models import Count, Q

from kenesh.convenings.models import Participation
from kenesh.convenings.poll_models import Answer, DatePoll, Slot, SlotAnswer
from kenesh.notifications import services as notify


@dataclass(frozen=True)
class SlotCounts:
    slot: object
    yes: int
    maybe: int
    no: int


def poll_of(convening) -> DatePoll | None:
    return DatePoll.objects.select_related("chosen_slot").filter(convening=convening).first()


def viewer_zone(user):
    """Where ``user`` reads times: their chosen zone, else their country's."""
    return notify.recipient_for(user=user).zone


def slot_counts(poll: DatePoll) -> list[SlotCounts]:
    """Each proposed time with how many holding a place answered each way."""
    holding = Q(answers__participation__in=Participation.objects.holding_place())
    slots = poll.slots.annotate(
        **{
            f"n_{answer}": Count("answers", filter=holding & Q(answers__answer=answer))
            for answer in Answer.values
        }
    )
    # The n_* counts are the annotations above, which mypy cannot see through **{...}.
    return [SlotCounts(s, s.n_yes, s.n_maybe, s.n_no) for s in slots]  # type: ignore[attr-defined]


def answers_of(participation, poll: DatePoll) -> dict:
    """Slot id -> answer given by ``participation``."""
    return dict(
        SlotAnswer.objects.filter(participation=participation, slot__poll=poll).values_list(
            "slot_id", "answer"
        )
    )


def answer_grid(poll: DatePoll):
    """For staff: each person holding a place with their answer per proposed time (""
    where none), slots in order."""
    slots = list(poll.slots.all())
    given = {(a.participation_id, a.slot_id): a for a in SlotAnswer.objects.filter(slot__poll=poll)}
    places = (
        Participation.objects.holding_place()
        .filter(convening_id=poll.convening_id)
        .select_related("person")
        .order_by("person__name_latin")
    )
    return slots, [(place, [given.get((place.pk, slot.pk)) for slot in slots]) for place in places]


def has_sent_poll(convening) -> bool:
    """Whether the convening has a date poll its participants were asked to answer."""
    return DatePoll.objects.filter(convening=convening, sent_at__isnull=False).exists()


def slot_of(poll: DatePoll, code) -> Slot | None:
    """The proposed time ``code`` of ``poll`` (the caller has checked the convening);
    None for a code of no time, or of another poll's."""
    return Slot.objects.filter(poll=poll, code=code).first()
