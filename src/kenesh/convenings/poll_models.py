"""Finding a date for a convening: staff propose slots, those holding a place mark each
yes, if need be or no, and staff choose one. Slots are stored in UTC and shown in each
reader's own zone."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("If need be")
    NO = "no", _("No")


class DatePoll(models.Model):
    """The search for a convening's date: open until staff choose a slot."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    convening = models.OneToOneField(
        "convenings.Convening", verbose_name=_("convening"), on_delete=models.CASCADE,
        related_name="date_poll",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    chosen_slot = models.ForeignKey(
        "convenings.Slot", verbose_name=_("chosen slot"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("date poll")
        verbose_name_plural = _("date polls")

    def __str__(self):
        return f"Date poll for {self.convening}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Slot(models.Model):
    """A time proposed for the convening, from ``starts_at`` to ``ends_at`` (UTC)."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    poll = models.ForeignKey(
        DatePoll, verbose_name=_("date poll"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("proposed time")
        verbose_name_plural = _("proposed times")
        ordering = ["starts_at", "ends_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()


class SlotAnswer(models.Model):
    """One invitee's answer for one slot."""

    slot = models.ForeignKey(
        Slot, verbose_name=_("proposed time"), on_delete=models.CASCADE, related_name="answers"
    )
    participation = models.ForeignKey(
        "convenings.Participation", verbose_name=_("participant"), on_delete=models.CASCADE,
        related_name="slot_answers",
    )  # fmt: skip
    answer = models.CharField(_("answer"), max_length=5, choices=Answer.choices)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("answer for a proposed time")
        verbose_name_plural = _("answers for proposed times")
        constraints = [
            models.UniqueConstraint(fields=["slot", "participation"], name="one_answer_per_slot"),
        ]

    def __str__(self):
        return f"{self.get_answer_display()}: {self.slot}"
