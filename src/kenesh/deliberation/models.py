import re
import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.access.predicates import is_member, is_observer, is_staff
from kenesh.convenings.models import HOLDING_PLACE, Confidentiality, Convening, Participation
from kenesh.core.text import require_visible_text
from kenesh.people.models import Country, LanguageCode, Person, Sector, Track

if TYPE_CHECKING:
    from kenesh.deliberation.opinion.result import MapResult


class Anonymity(models.TextChoices):
    NAMED = "named", _("Named: participants sign in")
    PSEUDONYMOUS = "pseudonymous", _("Pseudonymous: invitation links, no name stored")


class ConversationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Conversations ``user`` may know exist. Staff see all. Members see those open to
        every member and those they take part in; one tied to a closed convening only
        when they are also invited to (or accepted) that convening. Observers see the
        results of those not tied to a closed convening. ``rules.can_see_conversation``
        says the same for one conversation."""
        if is_staff(user):
            return self
        not_closed = Q(convening__isnull=True) | ~Q(
            convening__confidentiality=Confidentiality.CLOSED
        )
        if is_member(user):
            takes_part = Q(
                pk__in=Participant.objects.filter(person__user=user).values("conversation")
            )
            invited = Q(
                convening__in=Participation.objects.filter(
                    person__user=user, invitation__in=HOLDING_PLACE
                ).values("convening")
            )
            return self.filter(Q(open_to_members=True) | takes_part).filter(not_closed | invited)
        if is_observer(user):
            return self.filter(not_closed)
        return self.none()


class Conversation(models.Model):
    """A question put to a panel: statements, votes, and the map of opinions."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(
        _("question or topic"), max_length=300, validators=[require_visible_text]
    )
    description = models.TextField(
        _("description"), max_length=5000, blank=True, validators=[require_visible_text]
    )
    language = models.CharField(
        _("main language"), max_length=8, choices=LanguageCode.choices, default="ru"
    )
    convening = models.ForeignKey(
        Convening,
        verbose_name=_("convening"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    is_open = models.BooleanField(_("open for votes"), default=True)
    anonymity = models.CharField(
        _("anonymity"), max_length=14, choices=Anonymity.choices, default=Anonymity.NAMED
    )
    open_to_members = models.BooleanField(
        _("every member may join"),
        default=False,
        help_text=_("Otherwise only invited people take part."),
    )
    participants_may_submit = models.BooleanField(
        _("participants may submit statements"), default=True
    )
    analysis_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.anonymity == Anonymity.PSEUDONYMOUS and self.open_to_members:
            raise ValidationError(
                {
                    "open_to_members": _(
                        "A pseudonymous conversation is joined through invitation links "
                        "only; members cannot join it by themselves."
                    )
                }
            )

    @property
    def in_closed_convening(self) -> bool:
        return (
            self.convening_id is not None
            and self.convening.confidentiality == Confidentiality.CLOSED
        )


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    ACCEPTED = "accepted", pgettext_lazy("statement status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("statement status", "Rejected")


class Statement(models.Model):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("text"), max_length=500, validators=[require_visible_text])
    language = models.CharField(_("language"), max_length=8, choices=LanguageCode.choices)
    normalized = models.CharField(max_length=500, editable=False, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=StatementStatus.choices,
        default=StatementStatus.PENDING,
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    author = models.ForeignKey(
        "Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "number"], name="statement_number"),
        ]

    def __str__(self):
        return self.text


class Translation(models.Model):
    """A statement in another language; votes record which version was read."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=LanguageCode.choices)
    text = models.TextField(_("text"), max_length=500, validators=[require_visible_text])
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["statement", "language"], name="one_translation"),
        ]

    def __str__(self):
        return self.text


class Moderation(models.Model):
    """The moderation log: who accepted or rejected a statement, when and why."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="moderations")
    decision = models.CharField(_("decision"), max_length=10, choices=StatementStatus.choices)
    reason = models.CharField(
        _("reason"), max_length=300, blank=True, validators=[require_visible_text]
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation")
        verbose_name_plural = _("moderation log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.statement}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


# An invitation link's default label: stored as its number alone, shown as "Link 14" in
# the reader's language. Links made before stored the words in their maker's language.
DEFAULT_LINK_LABEL = re.compile(r"(?:Link|Ссылка)?\s*(\d+)")


class Participant(models.Model):
    """Someone voting in one conversation. In a pseudonymous conversation it holds no
    link to a person or login: only the secret invitation token reaches it."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    label = models.CharField(
        _("label"),
        max_length=60,
        blank=True,
        validators=[require_visible_text],
        help_text=_("For pseudonymous links: a number or note that names no one."),
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)
    track = models.CharField(_("track"), max_length=10, choices=Track.choices, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    external_id = models.CharField(max_length=40, blank=True, editable=False)
    # Set by the services: to the day only for a participant with no person.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "person"],
                condition=Q(person__isnull=False),
                name="one_participant_per_person",
            ),
        ]

    def __str__(self):
        return self.shown_label

    @property
    def shown_label(self) -> str:
        """The label in the reader's language: a link's number reads "Link 14"."""
        default = DEFAULT_LINK_LABEL.fullmatch(self.label.strip())
        if default:
            return _("Link %(number)s") % {"number": default.group(1)}
        return self.label or str(self.code)[:8]


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")


class Vote(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("vote"), choices=VoteValue.choices)
    language = models.CharField(_("language read"), max_length=8, choices=LanguageCode.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="one_vote"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value"),
        ]

    def __str__(self):
        return f"{self.get_value_display()} #{self.statement_id}"


class Analysis(models.Model):
    """A snapshot of the opinion map: when, on how many votes, and what it found."""

    class State(models.TextChoices):
        DONE = "done", _("Done")
        NOT_ENOUGH = "not_enough", _("Not enough votes yet")
        FAILED = "failed", _("Failed")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="analyses"
    )
    state = models.CharField(max_length=12, choices=State.choices)
    votes = models.PositiveIntegerField(_("votes"))
    participants = models.PositiveIntegerField(_("participants"))
    result = models.JSONField(default=dict)
    message = models.CharField(max_length=300, blank=True)
    seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{self.conversation} @ {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def map_result(self) -> "MapResult":
        """``result`` read into a record with int keys (empty when no map was drawn)."""
        # Imported here: the opinion package loads scikit-learn, which models need not.
        from kenesh.deliberation.opinion.result import MapResult

        return MapResult.from_json(self.result)


class AnalysisRun(models.Model):
    """One request to redraw a conversation's map, followed while a background worker
    runs it, so that the page can say where it stands (and a long analysis is never a
    long request)."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("analysis run", "Queued")
        RUNNING = "running", pgettext_lazy("analysis run", "Running")
        DONE = "done", pgettext_lazy("analysis run", "Done")
        FAILED = "failed", pgettext_lazy("analysis run", "Failed")

    class Reason(models.TextChoices):
        VOTES = "votes", _("New votes")
        REDRAW = "redraw", _("Redrawn on request")
        IMPORT = "import", _("Pol.is import")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="analysis_runs"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=8, choices=Reason.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The task backend's id for the queued job, to ask it how the job stands.
    task_id = models.CharField(max_length=64, blank=True)
    analysis = models.ForeignKey(
        Analysis, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=300, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["conversation", "-requested_at"], name="run_latest")]

    def __str__(self):
        return f"{self.conversation} @ {self.requested_at:%Y-%m-%d %H:%M}: {self.status}"
