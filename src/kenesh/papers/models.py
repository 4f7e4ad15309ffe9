import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.access.predicates import is_member, is_observer, is_staff
from kenesh.convenings.models import Convening
from kenesh.core.text import require_visible_text
from kenesh.people.models import LanguageCode, Person, Theme


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("paper status", "Submitted")
    IN_REVIEW = "in_review", _("In review")
    REVISIONS = "revisions", _("Revisions requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


# The workflow as data: from each status, the statuses a paper may move to.
TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.IN_REVIEW, Status.DRAFT},
    Status.IN_REVIEW: {Status.REVISIONS, Status.APPROVED},
    Status.REVISIONS: {Status.SUBMITTED},
    Status.APPROVED: {Status.PUBLISHED, Status.REVISIONS},
    Status.PUBLISHED: set(),
}


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public once published")
    PROGRAMME = "programme", _("Programme members only")
    RESTRICTED = "restricted", _("Authors, reviewers and staff only")


class PaperQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see all; authors and reviewers their papers; members published papers
        not restricted; observers published public ones."""
        if is_staff(user):
            return self
        published = Q(status=Status.PUBLISHED)
        if is_member(user):
            # Subqueries rather than joins: no duplicate rows, so no DISTINCT, which
            # keeps paging and counting cheap on thousands of papers.
            authored = Authorship.objects.filter(person__user=user).values("paper_id")
            reviewed = PaperReview.objects.filter(reviewer=user).values("paper_id")
            return self.filter(
                Q(pk__in=authored)
                | Q(pk__in=reviewed)
                | (published & ~Q(visibility=Visibility.RESTRICTED))
            )
        if is_observer(user):
            return self.filter(published, visibility=Visibility.PUBLIC)
        return self.none()


class PolicyPaper(models.Model):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300, validators=[require_visible_text])
    abstract = models.TextField(
        _("abstract"), max_length=3000, blank=True, validators=[require_visible_text]
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=LanguageCode.choices, default="ru"
    )
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PROGRAMME
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    convenings = models.ManyToManyField(
        Convening, verbose_name=_("discussed at"), blank=True, related_name="papers"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy paper")
        verbose_name_plural = _("policy papers")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def can_move_to(self, status) -> bool:
        return status in TRANSITIONS[self.status]

    def move_to(self, status) -> None:
        """Change status along the workflow; anything else is refused."""
        if not self.can_move_to(status):
            raise InvalidTransition(self.status, status)
        self.status = status


class InvalidTransition(ValidationError):
    def __init__(self, current, wanted):
        super().__init__(
            _("A paper cannot go from “%(current)s” to “%(wanted)s”.")
            % {"current": Status(current).label, "wanted": Status(wanted).label}
        )


class AuthorRole(models.TextChoices):
    LEAD = "lead", _("Lead author")
    CO_AUTHOR = "co_author", _("Co-author")
    MENTOR = "mentor", _("Mentor")


class Authorship(models.Model):
    paper = models.ForeignKey(PolicyPaper, on_delete=models.CASCADE, related_name="authorships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="authorships")
    role = models.CharField(_("role"), max_length=10, choices=AuthorRole.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("authorship")
        verbose_name_plural = _("authorships")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "person"], name="one_authorship"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


def version_file_path(instance, filename):
    return f"papers/{instance.paper.code}/{uuid.uuid4().hex}"


class PaperVersion(models.Model):
    """One saved state of the paper's text; versions are never changed afterwards."""

    paper = models.ForeignKey(PolicyPaper, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(
        _("text (Markdown)"), max_length=200_000, blank=True, validators=[require_visible_text]
    )
    file = models.FileField(_("file"), upload_to=version_file_path, blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True)
    note = models.CharField(
        _("what changed"), max_length=300, blank=True, validators=[require_visible_text]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "number"], name="version_number"),
        ]

    def __str__(self):
        return f"{self.paper} v{self.number}"


class ReviewKind(models.TextChoices):
    MENTOR = "mentor", _("Mentor review")
    PEER = "peer", _("Peer review")


class Verdict(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REVISE = "revise", _("Revise")
    REJECT = "reject", _("Do not publish")


class PaperReview(models.Model):
    paper = models.ForeignKey(PolicyPaper, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="paper_reviews"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReviewKind.choices)
    verdict = models.CharField(
        _("recommendation"), max_length=8, choices=Verdict.choices, blank=True
    )
    comments = models.TextField(
        _("comments"), max_length=20_000, blank=True, validators=[require_visible_text]
    )
    version = models.ForeignKey(
        PaperVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["paper", "reviewer", "kind"], name="one_review"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.paper}"


class PaperEvent(models.Model):
    """The workflow's history: every move, who made it and when."""

    paper = models.ForeignKey(PolicyPaper, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True, validators=[require_visible_text])

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.paper}: {self.from_status} -> {self.to_status}"
