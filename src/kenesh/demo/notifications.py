"""The demo's messages: the upcoming RCWG meeting's invitations sent (they wait in the
outbox until the worker hands them to the mail backend, a folder of files in the demo),
the young expert's choices (Russian, invitations in the daily digest), and today's
digest for each demo login. Every message is made by the platform's own services."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from kenesh.access.models import User
from kenesh.convenings import invitations, poll_services
from kenesh.convenings.models import Convening, Kind, Participation
from kenesh.core.settings_store import set_setting
from kenesh.notifications import digests
from kenesh.notifications.models import Delivery, Frequency
from kenesh.notifications.models import Kind as MessageKind

PROGRAMME_NAME = "Central Asia Regional Expert Dialogue (fictional demo)"
PROGRAMME_NAME_RU = "Региональный экспертный диалог Центральной Азии (вымышленная демоверсия)"
# The printed papers' cover thanks a funder: a fictional one.
FUNDER_ACKNOWLEDGEMENT = (
    "This paper was prepared with the support of the Steppe Bridges Foundation, "
    "a fictional funder of this demonstration."
)
FUNDER_ACKNOWLEDGEMENT_RU = (
    "Документ подготовлен при поддержке фонда «Мосты степи» — вымышленного донора "
    "этой демонстрационной версии."
)
ADDRESSES = {
    "admin": "administrator@example.org",
    "staff": "programme.officer@example.org",
    "donor": "donor.representative@example.org",
}


def load_notifications() -> None:
    set_setting("programme_name", PROGRAMME_NAME)
    set_setting("programme_name_ru", PROGRAMME_NAME_RU)
    set_setting("funder_acknowledgement", FUNDER_ACKNOWLEDGEMENT)
    set_setting("funder_acknowledgement_ru", FUNDER_ACKNOWLEDGEMENT_RU)
    for username, address in ADDRESSES.items():
        User.objects.filter(username=username).update(email=address)
    young = User.objects.get(username="young")
    Delivery.objects.create(
        user=young,
        language="ru",
        frequencies={MessageKind.INVITATION: Frequency.DAILY},
    )
    upcoming = (
        Convening.objects.filter(kind=Kind.RCWG, starts_on__gt=timezone.localdate())
        .filter(participations__isnull=False)
        .order_by("starts_on", "pk")
        .first()
    )
    if upcoming is not None:
        places = list(
            Participation.objects.filter(convening=upcoming)
            .select_related("convening", "person__user")
            .prefetch_related("person__languages")
            .order_by("pk")
        )
        # One invitee keeps in touch by messenger only: the outbox shows that no mail
        # could go to them, as staff would see it.
        silent = next((p.person for p in places if p.person.user_id is None), None)
        if silent is not None:
            silent.email = ""
            silent.save(update_fields=["email"])
        Participation.objects.filter(convening=upcoming).update(invited_at=timezone.now())
        for place in places:
            with transaction.atomic():
                invitations.send_invitation(place)
        _date_poll(upcoming, places)
    now = timezone.now()
    logins = list(
        User.objects.filter(username__in=["admin", "staff", "mentor", "expert", "young", "donor"])
        .exclude(email="", person__isnull=True)
        .select_related("person", "delivery")
        .prefetch_related("person__languages")
    )
    digests.send_digests(digests.build_digests(logins, period=Frequency.DAILY, now=now), now=now)


def _date_poll(convening, places) -> None:
    """Staff ask when the meeting suits best: three two-day slots from the planned first
    day on, in the host city's zone; about two thirds of the invitees answer, a few of
    them from the mail's link (no one signed in)."""
    staff = User.objects.get(username="staff")
    zone = poll_services.convening_zone(convening)
    slots = []
    for weeks in (0, 1, 3):
        first = convening.starts_on + datetime.timedelta(weeks=weeks)
        slots.append(
            (
                datetime.datetime.combine(first, datetime.time(9), zone),
                datetime.datetime.combine(first + datetime.timedelta(days=1),
                                          datetime.time(18), zone),
            )
        )  # fmt: skip
    if slots[0][0] <= timezone.now():
        return  # the planned meeting has passed: nothing left to poll
    poll = poll_services.propose_slots(convening=convening, slots=slots, by=staff)
    poll_services.send_poll(convening=convening, by=staff)
    rng = random.Random(2027)
    proposed = list(poll.slots.order_by("starts_at"))
    for place in places:
        if not place.person.email or rng.random() > 0.65:
            continue
        answers = {
            slot: rng.choices(["yes", "maybe", "no"], weights=weights)[0]
            for slot, weights in zip(proposed, ([6, 2, 1], [3, 3, 2], [2, 2, 4]), strict=True)
        }
        poll_services.answer_poll(
            participation=place,
            answers=answers,
            by=place.person.user if place.person.user_id else None,
        )
