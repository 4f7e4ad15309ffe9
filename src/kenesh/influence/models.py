import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from kenesh.access.predicates import is_member, is_observer, is_staff
from kenesh.convenings.models import Convening, Kind
from kenesh.deliberation.models import Conversation
from kenesh.papers.models import PolicyPaper, Status, Visibility
from kenesh.people.models import Theme


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    INTERNATIONAL = "international", _("International")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Timeframe(models.TextChoices):
    SHORT = "short", _("Within a year")
    MEDIUM = "medium", _("One to three years")
    LONG = "long", _("Longer term")


class Progress(models.TextChoices):
    """A recommendation's status, derived from evidence and never typed in."""

    PROPOSED = "proposed", _("Proposed")
    PROMOTED = "promoted", _("Promoted")
    TAKEN_UP = "taken_up", _("Taken up")
    IMPLEMENTED = "implemented", _("Implemented")


class RecommendationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if is_staff(user):
            return self
        published = Q(paper__status=Status.PUBLISHED)
        if is_member(user):
            # Drafts from a conversation's common ground: for those who see the conversation.
            # Subqueries rather than joins: no duplicate rows, so no DISTINCT over the lot.
            conversations = Conversation.objects.visible_to(user).values("pk")
            authored = PolicyPaper.objects.filter(authorships__person__user=user).values("pk")
            return self.filter(
                Q(paper__in=authored)
                | (published & ~Q(paper__visibility=Visibility.RESTRICTED))
                | Q(paper__isnull=True, statement__conversation__in=conversations)
            )
        if is_observer(user):
            return self.filter(published, paper__visibility=Visibility.PUBLIC)
        return self.none()

    def with_progress(self):
        """Annotate ``progress``: implemented if an outcome says so, taken up if an
        outcome links it, promoted if presented at a briefing, else proposed."""
        outcomes = Outcome.recommendations.through.objects.filter(recommendation=OuterRef("pk"))
        return self.annotate(
            progress=Case(
                When(
                    Exists(outcomes.filter(outcome__implements=True)),
                    then=Value(Progress.IMPLEMENTED),
                ),
                When(Exists(outcomes), then=Value(Progress.TAKEN_UP)),
                When(
                    Exists(Presentation.objects.filter(recommendation=OuterRef("pk"))),
                    then=Value(Progress.PROMOTED),
                ),
                default=Value(Progress.PROPOSED),
                output_field=models.CharField(),
            )
        )


class Recommendation(models.Model):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    paper = models.ForeignKey(
        PolicyPaper,
        verbose_name=_("paper"),
        on_delete=models.CASCADE,
        related_name="recommendations",
        null=True,
        blank=True,
    )
    statement = models.ForeignKey(
        "deliberation.Statement",
        verbose_name=_("from the common ground of"),
        on_delete=models.SET_NULL,
        related_name="recommendations",
        null=True,
        blank=True,
    )
    text = models.TextField(_("recommendation"), max_length=2000)
    addressee = models.CharField(_("addressed to"), max_length=200)
    level = models.CharField(_("level"), max_length=14, choices=Level.choices)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    timeframe = models.CharField(
        _("timeframe"), max_length=8, choices=Timeframe.choices, default=Timeframe.MEDIUM
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["paper", "order", "id"]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.paper_id is None and self.statement_id is None:
            raise ValidationError(_("A recommendation comes from a paper or a conversation."))


class Response(models.TextChoices):
    WELCOMED = "welcomed", _("Welcomed")
    NOTED = "noted", _("Noted")
    QUESTIONED = "questioned", _("Questioned")
    REJECTED = "rejected", _("Rejected")


class Presentation(models.Model):
    """A recommendation presented at a briefing, with the audience's response."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="presentations"
    )
    briefing = models.ForeignKey(
        Convening,
        verbose_name=_("briefing"),
        on_delete=models.CASCADE,
        related_name="presentations",
        limit_choices_to={"kind": Kind.BRIEFING},
    )
    response = models.CharField(_("audience's response"), max_length=12, choices=Response.choices)
    notes = models.TextField(_("notes"), max_length=3000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "briefing"], name="presented_once"),
        ]

    def __str__(self):
        return f"{self.recommendation} @ {self.briefing}"

    def clean(self):
        if self.briefing_id and self.briefing.kind != Kind.BRIEFING:
            raise ValidationError({"briefing": _("Recommendations are presented at briefings.")})


class Substantiation(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    VERIFIED = "verified", _("Verified")


class Outcome(models.Model):
    """Outcome harvesting: a change in a social actor, and how the programme contributed."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    change = models.TextField(_("what changed"), max_length=3000)
    social_actor = models.CharField(_("who changed it"), max_length=200)
    when = models.DateField(_("when"))
    platform = models.CharField(_("where (platform)"), max_length=200)
    significance = models.TextField(_("significance"), max_length=3000)
    contribution = models.TextField(_("how the programme contributed"), max_length=3000)
    evidence = models.TextField(_("evidence (documents, links)"), max_length=5000, blank=True)
    substantiation = models.CharField(
        _("substantiation"),
        max_length=14,
        choices=Substantiation.choices,
        default=Substantiation.CLAIMED,
    )
    substantiated_by = models.CharField(_("substantiated by"), max_length=200, blank=True)
    implements = models.BooleanField(_("the recommendation was implemented"), default=False)
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("recommendations taken up"), related_name="outcomes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-when"]

    def __str__(self):
        return self.change[:80]

    def clean(self):
        errors = {}
        if self.substantiation != Substantiation.CLAIMED and not self.substantiated_by.strip():
            errors["substantiated_by"] = _("Say who substantiated the outcome.")
        if self.substantiation == Substantiation.VERIFIED and not self.evidence.strip():
            errors["evidence"] = _("An outcome without evidence cannot be marked verified.")
        if errors:
            raise ValidationError(errors)
