import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a message is about. Each user chooses, per kind, how it reaches them."""

    INVITATION = "invitation", _("Invitations to convenings")
    REMINDER = "reminder", _("Reminders before meetings and answer days")
    DATE_POLL = "date_poll", _("Finding a date for a meeting")
    REVIEW = "review", _("Papers waiting for your review")
    PAPER = "paper", _("Steps of papers you write or review")
    ACTIVITY = "activity", _("What happened in your conversations and recommendations")
    DIGEST = "digest", _("Digest")
    APPLICATION = "application", _("Applications to calls")
    ACCOUNT = "account", _("Your account")


# Mail a person must receive whatever they chose: about their account, and answers to an
# application they made (an applicant may have no account to choose with).
MANDATORY = frozenset({Kind.ACCOUNT, Kind.APPLICATION, Kind.DIGEST})
# The kinds a user chooses for, in the order the settings page lists them.
CHOOSABLE = (
    Kind.INVITATION,
    Kind.REMINDER,
    Kind.DATE_POLL,
    Kind.REVIEW,
    Kind.PAPER,
    Kind.ACTIVITY,
)


class Frequency(models.TextChoices):
    AT_ONCE = "now", _("At once")
    DAILY = "daily", _("In a daily digest")
    WEEKLY = "weekly", _("In a weekly digest")
    NEVER = "never", _("Never by e-mail")


# Until a user chooses: what asks for an answer comes at once, the rest in a daily digest.
DEFAULT_FREQUENCY = {
    Kind.INVITATION: Frequency.AT_ONCE,
    Kind.REMINDER: Frequency.AT_ONCE,
    Kind.DATE_POLL: Frequency.AT_ONCE,
    Kind.REVIEW: Frequency.AT_ONCE,
    Kind.PAPER: Frequency.AT_ONCE,
    Kind.ACTIVITY: Frequency.DAILY,
}


class Delivery(models.Model):
    """How messages reach one user: language, time zone, and a frequency per kind
    (``frequencies``: kind -> frequency, read through ``frequency_of``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="delivery",
    )  # fmt: skip
    language = models.CharField(_("language of messages"), max_length=8, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    frequencies = models.JSONField(_("how each kind reaches you"), default=dict, blank=True)
    daily_digest_at = models.DateTimeField(_("last daily digest"), null=True, blank=True)
    weekly_digest_at = models.DateTimeField(_("last weekly digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self):
        return str(self.user)

    def frequency_of(self, kind: str) -> str:
        if kind in MANDATORY:
            return Frequency.AT_ONCE
        chosen = (self.frequencies or {}).get(kind)
        if chosen in Frequency.values:
            return chosen
        return DEFAULT_FREQUENCY.get(kind, Frequency.AT_ONCE)


class Notice(models.Model):
    """A line on a user's notifications page, written in their language when it was made.
    ``digested_at`` is when a mail carried it (at once or in a digest)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="notices",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    digested_at = models.DateTimeField(_("sent by e-mail"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread")]

    def __str__(self):
        return self.text


class Message(models.Model):
    """One e-mail the platform sent or means to send, kept so that staff see what went
    out and a failed one is tried again. ``key`` names what the message is for (one
    reminder of one meeting to one person): a second message with the same key is
    never made, so nothing is sent twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Delivered to the mail server")
        FAILED = "failed", _("Failed")
        HELD = "held", _("Kept for the recipient's digest")

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(_("key"), max_length=200, null=True, blank=True, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # Named, not imported: notifications sits below every programme app and imports none.
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="message_due",
                condition=Q(status__in=["queued", "sending"]),
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to}"


class SpentLink(models.Model):
    """A one-use link from a mail that has been used: only its nonce is kept."""

    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    action = models.CharField(_("action"), max_length=40)
    spent_at = models.DateTimeField(_("used"), auto_now_add=True)

    class Meta:
        verbose_name = _("used link")
        verbose_name_plural = _("used links")

    def __str__(self):
        return self.action
