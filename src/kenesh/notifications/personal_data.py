"""What the notifications app holds on a person: how their mail reaches them, the mail
sent to them and their notifications. Registered in ``NotificationsConfig.ready()``.

Erasure deletes their notifications and settings and blanks the address and text of
every message to them, keeping only that a message of a kind was sent (the outbox's
counts stay right)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.core.personal_data import Section
from kenesh.notifications.models import Delivery, Message, Notice


def _messages(person):
    condition = Q(person=person)
    if person.user_id:
        condition |= Q(user_id=person.user_id)
    return Message.objects.filter(condition)


def export(person) -> list[Section]:
    delivery = Delivery.objects.filter(user_id=person.user_id).first() if person.user_id else None
    sections = [
        Section(
            "messages",
            _("Messages sent to you"),
            (
                ("created_at", _("Made")),
                ("kind", _("Kind")),
                ("to", pgettext_lazy("message recipient", "To")),
                ("subject", _("Subject")),
                ("status", _("Status")),
                ("sent_at", _("Sent")),
            ),
            [
                {
                    "created_at": m.created_at,
                    "kind": m.get_kind_display(),
                    "to": m.to,
                    "subject": m.subject,
                    "status": m.get_status_display(),
                    "sent_at": m.sent_at,
                }
                for m in _messages(person).order_by("created_at")
            ],
        )
    ]
    if person.user_id:
        sections.append(
            Section(
                "delivery",
                _("How messages reach you"),
                (
                    ("language", _("Language")),
                    ("time_zone", _("Time zone")),
                    ("frequencies", _("Choices")),
                ),
                [
                    {
                        "language": delivery.language,
                        "time_zone": delivery.time_zone,
                        "frequencies": ", ".join(
                            f"{k}: {v}" for k, v in sorted(delivery.frequencies.items())
                        ),
                    }
                ]
                if delivery
                else [],
            )
        )
        sections.append(
            Section(
                "notifications",
                _("Notifications"),
                (("created_at", _("Made")), ("text", _("Text")), ("read_at", _("Read"))),
                [
                    {"created_at": n.created_at, "text": n.text, "read_at": n.read_at}
                    for n in Notice.objects.filter(user_id=person.user_id).order_by("created_at")
                ],
            )
        )
    return sections


def erase(person, by) -> None:
    _messages(person).update(to="", subject="", text="", html="", headers={}, attachments=[])
    if person.user_id:
        Notice.objects.filter(user_id=person.user_id).delete()
        Delivery.objects.filter(user_id=person.user_id).delete()
