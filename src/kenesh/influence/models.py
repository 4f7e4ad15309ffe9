import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.access.predicates import is_member, is_observer, is_staff
from kenesh.convenings.models import Convening, Kind
from kenesh.core.text import require_visible_text
from kenesh.deliberation.models import Conversation
from kenesh.papers.models import Authorship, PaperReview, PolicyPaper, Status, Visibility
from kenesh.people.models import Country, Theme


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

    PROPOSED = "proposed", pgettext_lazy("recommendation status", "Proposed")
    PROMOTED = "promoted", pgettext_lazy("recommendation status", "Promoted")
    TAKEN_UP = "taken_up", pgettext_lazy("recommendation status", "Taken up")
    IMPLEMENTED = "implemented", pgettext_lazy("recommendation status", "Implemented")


# The same steps as captions over a count (the influence funnel and its tables):
# "Proposed: 30" is not one recommendation's status.
FUNNEL_CAPTIONS = {
    Progress.PROPOSED: pgettext_lazy("influence funnel", "Proposed"),
    Progress.PROMOTED: pgettext_lazy("influence funnel", "Promoted"),
    Progress.TAKEN_UP: pgettext_lazy("influence funnel", "Taken up"),
    Progress.IMPLEMENTED: pgettext_lazy("influence funnel", "Implemented"),
}


class RecommendationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Recommendations follow their paper: what ``user`` may know of the paper, they
        may know of its recommendations. Drafts made from a conversation's common ground
        follow the conversation."""
        if is_staff(user):
            return self
        published = Q(paper__status=Status.PUBLISHED)
        if is_member(user):
            # Subqueries rather than joins: no duplicate rows, so no DISTINCT over the lot.
            conversations = Conversation.objects.visible_to(user).values("pk")
            authored = Authorship.objects.filter(person__user=user).values("paper_id")
            reviewed = PaperReview.objects.filter(reviewer=user).values("paper_id")
            return self.filter(
                Q(paper__in=authored)
                | Q(paper__in=reviewed)
                | (published & ~Q(paper__visibility=Visibility.RESTRICTED))
                | Q(paper__isnull=True, statement__conversation__in=conversations)
            )
        if is_observer(user):
            return self.filter(published, paper__visibility=Visibility.PUBLIC)
        return self.none()

    def with_progress(self, user=None, *, as_of=None):
        """Annotate ``progress``: implemented if an outcome says so, taken up if an
        outcome links it, promoted if presented at a briefing, else proposed.

        With ``user``, only the evidence that user may know of counts: a presentation at
        a closed briefing promotes nothing for a reader who may not know the briefing.
        (Every outcome linking a recommendation the reader sees is visible to them.)
        With ``as_of`` (a date), only the evidence of that day or before: outcomes by the
        day they happened, presentations by the day of their briefing."""
        outcomes = Outcome.recommendations.through.objects.filter(recommendation=OuterRef("pk"))
        presentations = Presentation.objects.all()
        if as_of is not None:
            outcomes = outcomes.filter(outcome__when__lte=as_of)
            presentations = presentations.filter(briefing__starts_on__lte=as_of)
        if user is not None and not is_staff(user):
            presentations = presentations.filter(
                briefing__in=Convening.objects.visible_to(user).values("pk")
            )
        # One uncorrelated subquery, read once, rather than one per recommendation.
        promoted = presentations.values("recommendation_id")
        return self.annotate(
            progress=Case(
                When(
                    Exists(outcomes.filter(outcome__implements=True)),
                    then=Value(Progress.IMPLEMENTED),
                ),
                When(Exists(outcomes), then=Value(Progress.TAKEN_UP)),
                When(pk__in=promoted, then=Value(Progress.PROMOTED)),
                default=Value(Progress.PROPOSED),
                output_field=models.CharField(),
            )
        )


# A draft made from common ground has no addressee until staff complete it.
DRAFT_ADDRESSEE = "—"


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
    text = models.TextField(_("recommendation"), max_length=2000, validators=[require_visible_text])
    addressee = models.CharField(
        _("addressed to"), max_length=200, validators=[require_visible_text]
    )
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

    @property
    def country_labels(self) -> list[str]:
        """The countries it concerns, by name in the active language."""
        names = dict(Country.choices)
        return [str(names.get(code, code)) for code in self.countries or []]

    @property
    def is_draft(self) -> bool:
        """Made from common ground and not yet completed by staff (no addressee)."""
        return self.addressee == DRAFT_ADDRESSEE


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
    notes = models.TextField(
        _("notes"), max_length=3000, blank=True, validators=[require_visible_text]
    )
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


class OutcomeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Outcomes ``user`` may know of: staff all; others those that took up at least
        one recommendation they may see."""
        if is_staff(user):
            return self
        if not (is_member(user) or is_observer(user)):
            return self.none()
        # One uncorrelated subquery, read once, rather than one per outcome.
        links = Outcome.recommendations.through.objects.filter(
            recommendation__in=Recommendation.objects.visible_to(user).values("pk")
        )
        return self.filter(pk__in=links.values("outcome_id"))


class Outcome(models.Model):
    """Outcome harvesting: a change in a social actor, and how the programme contributed."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    change = models.TextField(_("what changed"), max_length=3000, validators=[require_visible_text])
    social_actor = models.CharField(
        _("who changed it"), max_length=200, validators=[require_visible_text]
    )
    when = models.DateField(_("when"))
    platform = models.CharField(
        _("where (platform)"), max_length=200, validators=[require_visible_text]
    )
    significance = models.TextField(
        _("significance"), max_length=3000, validators=[require_visible_text]
    )
    contribution = models.TextField(
        _("how the programme contributed"), max_length=3000, validators=[require_visible_text]
    )
    evidence = models.TextField(
        _("evidence (documents, links)"),
        max_length=5000,
        blank=True,
        validators=[require_visible_text],
    )
    substantiation = models.CharField(
        _("substantiation"),
        max_length=14,
        choices=Substantiation.choices,
        default=Substantiation.CLAIMED,
    )
    substantiated_by = models.CharField(
        _("substantiated by"), max_length=200, blank=True, validators=[require_visible_text]
    )
    implements = models.BooleanField(_("the recommendation was implemented"), default=False)
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("recommendations taken up"), related_name="outcomes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutcomeQuerySet.as_manager()

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
