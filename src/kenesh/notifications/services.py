"""The one way the platform sends a message: ``send``.

Other apps call ``send`` with the person or user it is for, a kind, and a template of
their own; this module picks the recipient's language and time zone, renders the text
and HTML parts, puts a line on their notifications page, and either queues the mail or
keeps it for their digest, as they chose for that kind. Mail goes out from a background
task (``tasks.deliver``) and is tried again when the server refuses or does not answer.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kenesh.access.models import User
from kenesh.core.audit import log_action
from kenesh.core.settings_store import get_setting
from kenesh.notifications import links, zones
from kenesh.notifications.models import MANDATORY, Delivery, Frequency, Kind, Message, Notice

logger = logging.getLogger(__name__)

# Waits before the second, third and fourth attempt; after the last, the mail is failed.
BACKOFF = (
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=15),
    datetime.timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A message claimed for sending this long ago without an outcome (its worker died) is
# queued again.
SENDING_TIMEOUT = datetime.timedelta(minutes=15)


def programme_name() -> str:
    """The programme's name in the active language: Russian when a Russian name is set."""
    if (translation.get_language() or "").split("-")[0] == "ru":
        russian = get_setting("programme_name_ru") or settings.KENESH_PROGRAMME_NAME_RU
        if russian:
            return russian
    return get_setting("programme_name") or settings.KENESH_PROGRAMME_NAME


def site_url() -> str:
    return settings.KENESH_SITE_URL.rstrip("/")


def absolute(path: str) -> str:
    return f"{site_url()}{path}" if path.startswith("/") else path


@dataclass(frozen=True)
class Address:
    """Someone known only by an address (an applicant without an account), who reads
    ``language``."""

    email: str
    name: str = ""
    language: str = ""


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    zone: ZoneInfo
    user: User | None
    person: object | None  # a roster Person (the people app is above this one)
    delivery: Delivery | None

    def frequency_of(self, kind: str) -> str:
        if self.delivery is not None:
            return self.delivery.frequency_of(kind)
        return Delivery(frequencies={}).frequency_of(kind)


def _language_of(person, delivery) -> str:
    """The user's choice; else, for a person of the roster, Russian where it is a
    working language and English is not, or both are and they are not from
    Afghanistan; else the platform's default."""
    available = {code for code, _name in settings.LANGUAGES}
    if delivery is not None and delivery.language in available:
        return delivery.language
    if person is not None and person.pk:
        spoken = {language.code for language in person.languages.all()}
        if "ru" in spoken and ("en" not in spoken or person.country != "AF"):
            return "ru"
        if "en" in spoken:
            return "en"
    return settings.LANGUAGE_CODE


def address_of(person) -> str:
    """Where mail to a roster person goes: their login's address, else the roster's
    contact one; empty when neither is known."""
    return (person.user.email if person.user_id else "") or person.email


def recipient_for(*, person=None, user=None) -> Recipient:
    """Where and how a message reaches ``person`` (of the roster) or ``user``."""
    if person is None and user is not None:
        person = getattr(user, "person", None) if user.pk else None
    if user is None and person is not None and person.user_id:
        user = person.user
    delivery = None
    if user is not None and user.pk:
        delivery = Delivery.objects.filter(user=user).first()
    return recipient_from(person=person, user=user, delivery=delivery)


def recipient_from(*, person, user, delivery) -> Recipient:
    """``recipient_for`` with what it needs already loaded (digests load it in batches;
    the person's ``languages`` should be prefetched)."""
    email = (user.email if user is not None else "") or (person.email if person else "")
    name = person.name if person is not None else (user.get_full_name() or user.username)
    zone_name = (delivery.time_zone if delivery else "") or zones.default_zone_name(
        person.country if person is not None else ""
    )
    return Recipient(
        email=email,
        name=name,
        language=_language_of(person, delivery),
        zone=zones.zone_named(zone_name),
        user=user if user is not None and user.pk and user.is_active else None,
        person=person,
        delivery=delivery,
    )


def unsubscribe_url(user, kind: str) -> str:
    token = links.make(
        action="unsubscribe",
        target=str(user.code),
        choice=kind,
        until=timezone.now() + links.LONGEST,
    )
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": token}))


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def _plain(name: str, context: dict) -> str:
    """A text template rendered without HTML escaping (a name with an apostrophe stays
    one in a mail's subject and text)."""
    # Kenesh has the Django template engine alone, whose templates wrap the engine's.
    template = get_template(name).template  # type: ignore[attr-defined]
    return template.render(Context(context, autoescape=False))


def render(recipient: Recipient, *, kind: str, template: str, context: dict) -> dict:
    """The subject, text and HTML of a message, in the recipient's language and zone."""
    with translation.override(recipient.language), timezone.override(recipient.zone):
        unsubscribe = (
            unsubscribe_url(recipient.user, kind)
            if recipient.user is not None and kind not in MANDATORY
            else ""
        )
        full = {
            **context,
            "recipient": recipient,
            "programme_name": programme_name(),
            "site_url": site_url(),
            "unsubscribe_url": unsubscribe,
            "settings_url": absolute(reverse("notifications:settings")),
            "kind_label": Kind(kind).label,
        }
        subject = " ".join(_plain(f"{template}_subject.txt", full).split())
        text = _plain(f"{template}.txt", full).strip() + "\n"
        html = render_to_string(f"{template}.html", full)
    headers = {}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return {"subject": subject[:300], "text": text, "html": html, "headers": headers}


def send(*, to, kind: str, template: str, context: dict, key: str | None = None,
         url: str = "", attachments: tuple[Attachment, ...] = (),
         force_mail: bool = False) -> Message | None:  # fmt: skip
    """Tell ``to`` (a Person, a User or an ``Address``) something of ``kind``.

    ``template`` names three templates: ``<template>_subject.txt``, ``.txt`` and
    ``.html``, rendered in the recipient's language and time zone. A user gets a line on
    their notifications page (the subject, linking to ``url``); the mail goes out at
    once, waits for their digest, or not at all, as they chose for ``kind``
    (``force_mail``: at once whatever they chose, for mail they must receive). ``key``
    names what the message is for: a second ``send`` with the same key does nothing.
    Returns the queued message, or None when no mail is queued now."""
    if key and Message.objects.filter(key=key).exists():
        return None
    if isinstance(to, Address):
        recipient = Recipient(
            email=to.email, name=to.name, user=None, person=None, delivery=None,
            language=to.language or translation.get_language() or settings.LANGUAGE_CODE,
            zone=zones.zone_named(""),
        )  # fmt: skip
    else:
        person, user = (to, None) if hasattr(to, "name_latin") else (None, to)
        recipient = recipient_for(person=person, user=user)
    parts = render(recipient, kind=kind, template=template, context=context)
    frequency = Frequency.AT_ONCE if force_mail else recipient.frequency_of(kind)
    now = timezone.now()
    if recipient.user is not None:
        Notice.objects.create(
            user=recipient.user,
            kind=kind,
            text=parts["subject"][:500],
            url=url,
            digested_at=now if frequency == Frequency.AT_ONCE else None,
        )
    if recipient.user is not None and frequency != Frequency.AT_ONCE:
        if key:
            # Remember the key, so that a held message is not made again either.
            _record(recipient, kind, key, parts, (), status=Message.Status.HELD, held=True)
        return None
    if not recipient.email:
        _record(recipient, kind, key, parts, (), status=Message.Status.FAILED,
                error=_("No e-mail address is known for this person."))  # fmt: skip
        return None
    return _record(recipient, kind, key, parts, attachments, status=Message.Status.QUEUED)


def _record(recipient, kind, key, parts, attachments, *, status, error="", held=False):
    message = Message(
        key=key or None,
        kind=kind,
        user=recipient.user,
        person=recipient.person,
        to=recipient.email,
        language=recipient.language,
        subject=parts["subject"],
        text="" if held else parts["text"],
        html="" if held else parts["html"],
        headers=parts["headers"],
        attachments=[
            {"filename": a.filename, "content": a.content, "mimetype": a.mimetype}
            for a in attachments
        ],
        status=status,
        last_error=error,
        next_attempt_at=timezone.now() + BACKOFF[0] if status == Message.Status.QUEUED else None,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return None  # the same key was recorded meanwhile: it is being sent already
    if status == Message.Status.QUEUED:
        _enqueue_on_commit(message.pk)
    return message if status == Message.Status.QUEUED else None


def _enqueue_on_commit(message_id: int) -> None:
    from kenesh.notifications.tasks import deliver

    transaction.on_commit(lambda: deliver.enqueue(message_id))


def _permanent(error: Exception) -> bool:
    """Whether the server refused for good (a 5xx answer), so trying again is useless."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def _claim(message_id: int) -> Message | None:
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, next_attempt_at=timezone.now() + SENDING_TIMEOUT
    )
    return Message.objects.filter(pk=message_id).first() if claimed else None


def deliver(message_id: int) -> str:
    """Hand one queued message to the mail server. Only one worker can claim it; a
    refusal for good fails it, any other error queues it again after a wait, up to
    ``MAX_ATTEMPTS`` tries. Returns the message's status."""
    message = _claim(message_id)
    if message is None:
        return "not queued"
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=message.headers or None,
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    for attachment in message.attachments:
        mail.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        mail.send()
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        message.attempts += 1
        message.last_error = (f"{type(error).__name__}: {error}")[:500]
        if _permanent(error) or message.attempts >= MAX_ATTEMPTS:
            message.status = Message.Status.FAILED
            message.next_attempt_at = None
            logger.warning("Mail %s failed for good: %s", message.code, message.last_error)
        else:
            message.status = Message.Status.QUEUED
            message.next_attempt_at = timezone.now() + BACKOFF[message.attempts - 1]
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return message.status
    message.attempts += 1
    message.status = Message.Status.SENT
    message.sent_at = timezone.now()
    message.next_attempt_at = None
    message.last_error = ""
    message.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
    return message.status


def retry_due_messages() -> int:
    """Queue again what waits for another attempt, and what a dead worker was sending.
    Returns how many were queued."""
    now = timezone.now()
    due = list(
        Message.objects.filter(
            status__in=[Message.Status.QUEUED, Message.Status.SENDING], next_attempt_at__lte=now
        ).values_list("pk", "status")
    )
    stuck = [pk for pk, status in due if status == Message.Status.SENDING]
    if stuck:
        Message.objects.filter(pk__in=stuck, status=Message.Status.SENDING).update(
            status=Message.Status.QUEUED
        )
    # One update for all: if this round's task is lost too, the next round finds them.
    Message.objects.filter(pk__in=[pk for pk, _status in due]).update(
        next_attempt_at=now + BACKOFF[0]
    )
    from kenesh.notifications.tasks import deliver

    for pk, _status in due:
        deliver.enqueue(pk)
    return len(due)


@transaction.atomic
def retry_message(*, message: Message, by) -> Message:
    """Staff send a failed message again, with a fresh count of attempts."""
    if message.status != Message.Status.FAILED:
        raise ValidationError(_("Only a failed message can be sent again."))
    if not message.to:
        raise ValidationError(_("This person has no e-mail address: add one, then invite again."))
    if not message.text:
        raise ValidationError(_("This message was kept for a digest and has no text of its own."))
    message.status = Message.Status.QUEUED
    message.attempts = 0
    message.next_attempt_at = timezone.now() + BACKOFF[0]
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    log_action(message, "notifications.message.retried", by=by)
    _enqueue_on_commit(message.pk)
    return message


# In the platform -----------------------------------------------------------------------


def mark_read(*, user, notices=None) -> int:
    """Mark ``user``'s notices (all unread ones when ``notices`` is None) as read."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notices is not None:
        unread = unread.filter(pk__in=[n.pk for n in notices])
    return unread.update(read_at=timezone.now())


@transaction.atomic
def save_delivery(*, user, language: str, time_zone: str, frequencies: dict) -> Delivery:
    """Record how messages reach ``user``. A kind they must receive cannot be turned off."""
    if time_zone and not zones.is_zone(time_zone):
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    bad = {k for k, v in frequencies.items() if k in MANDATORY or v not in Frequency.values}
    if bad:
        raise ValidationError(_("Some choices cannot be made for these messages."))
    delivery, _created = Delivery.objects.get_or_create(user=user)
    delivery.language = language
    delivery.time_zone = time_zone
    delivery.frequencies = dict(frequencies)
    delivery.save()
    log_action(user, "notifications.delivery.saved", by=user, data={"frequencies": frequencies})
    return delivery


@transaction.atomic
def unsubscribe(*, link: links.Link) -> tuple[object, str]:
    """A one-click unsubscribe from a mail: that kind of mail no longer comes."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(code=link.target, is_active=True).first()
    if user is None or link.choice not in Kind.values or link.choice in MANDATORY:
        raise links.LinkRefused("wrong")
    delivery, _created = Delivery.objects.select_for_update().get_or_create(user=user)
    delivery.frequencies = {**(delivery.frequencies or {}), link.choice: Frequency.NEVER}
    delivery.save(update_fields=["frequencies"])
    log_action(user, "notifications.delivery.unsubscribed", by=user, data={"kind": link.choice})
    return user, link.choice
