import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kenesh.access.predicates import is_mentor, is_staff
from kenesh.core.text import require_visible_text
from kenesh.mentoring import rubric, selection
from kenesh.mentoring.rubric import Criterion
from kenesh.people.models import Country, Gender, Person, Sector, Theme

SKILLS = [
    ("research", _("Research")),
    ("writing", _("Analytical writing")),
    ("argument", _("Structuring an argument")),
    ("recommendations", _("Policy recommendations")),
    ("speaking", _("Public speaking")),
    ("facilitation", _("Facilitation")),
]
SCALE = range(1, 6)  # the skills rubric: 1 (beginning) to 5 (accomplished)
CRITERION_SCALE = range(0, 6)  # reviewers score each criterion 0 to 5

DEFAULT_CRITERIA = [
    {"key": "analysis", "label": "Quality of analysis", "weight": 3},
    {"key": "motivation", "label": "Motivation and fit", "weight": 2},
    {"key": "writing", "label": "Writing sample", "weight": 2},
    {"key": "potential", "label": "Potential to influence policy", "weight": 1},
]


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Calls a user may open inside the platform: staff see every call; a mentor
        sees the calls they were assigned to review and those with no reviewers named
        (open to every mentor, as before assignment existed). (The public form is
        reached by its address, without an account.)"""
        if is_staff(user):
            return self
        if is_mentor(user):
            return self.filter(reviewable_by(user))
        return self.none()


def reviewable_by(user, prefix: str = "") -> models.Q:
    """Calls (through ``prefix``, e.g. ``"call__"``) ``user`` may review: those naming
    them among the reviewers, and those naming no reviewer at all."""
    through = Call.reviewers.through.objects
    return models.Q(**{f"{prefix}pk__in": through.filter(user=user).values("call_id")}) | ~models.Q(
        **{f"{prefix}pk__in": through.values("call_id")}
    )


class Call(models.Model):
    """An open call for young experts, with its criteria and their weights."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200, validators=[require_visible_text])
    title_ru = models.CharField(
        _("title in Russian"), max_length=200, blank=True, validators=[require_visible_text]
    )
    description = models.TextField(
        _("description"), max_length=5000, blank=True, validators=[require_visible_text]
    )
    description_ru = models.TextField(
        _("description in Russian"),
        max_length=5000,
        blank=True,
        validators=[require_visible_text],
    )
    criteria = models.JSONField(_("criteria and weights"), default=list)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    cohort_size = models.PositiveSmallIntegerField(_("places"), default=10)
    min_reviews = models.PositiveSmallIntegerField(
        _("reviews needed before selection"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_(
            "An application is a candidate for the cohort only once this many reviewers "
            "have scored it."
        ),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewers"),
        blank=True,
        related_name="calls_to_review",
        help_text=_("None named: every mentor may review the call's applications."),
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_on"]

    def __str__(self):
        return self.title

    @property
    def rubric(self) -> tuple[Criterion, ...]:
        """The criteria and their weights, read from the ``criteria`` column."""
        return rubric.read(self.criteria)

    def weights(self) -> dict[str, float]:
        return {c.key: float(c.weight) for c in self.rubric}

    @property
    def state(self) -> str:
        """Where the call stands today: upcoming, open or closed (the form takes
        applications from the opening day to the end of the closing day)."""
        today = timezone.localdate()
        if today < self.opens_on:
            return "upcoming"
        return "open" if today <= self.closes_on else "closed"

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (Russian or English), else the other."""
        if _reads_russian():
            return self.title_ru or self.title
        return self.title or self.title_ru

    @property
    def shown_description(self) -> str:
        if _reads_russian():
            return self.description_ru or self.description
        return self.description or self.description_ru

    @property
    def shown_title_language(self) -> str:
        """The language of ``shown_title`` ("ru" or "en"), for its lang attribute."""
        return _shown_language(self.title, self.title_ru)

    @property
    def shown_description_language(self) -> str:
        return _shown_language(self.description, self.description_ru)


def _shown_language(english: str, russian: str) -> str:
    if _reads_russian():
        return "ru" if russian or not english else "en"
    return "en" if english or not russian else "ru"


def _reads_russian() -> bool:
    return (get_language() or "").split("-")[0] == "ru"


def criterion_label(criterion: Criterion) -> str:
    """A criterion's label in the reader's language, falling back to English."""
    return criterion.label_for(_reads_russian())


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    SELECTED = "selected", pgettext_lazy("application status", "Selected")
    NOT_SELECTED = "not_selected", pgettext_lazy("application status", "Not selected")


def application_file(instance, filename):
    return f"applications/{instance.call_for_files.code}/{uuid.uuid4().hex}"


class ApplicationContent(models.Model):
    """What an applicant sends: kept by an application, and by a replacement that waits
    for the address's owner to confirm it."""

    name = models.CharField(_("full name"), max_length=200, validators=[require_visible_text])
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    organization = models.CharField(
        _("organisation"), max_length=200, blank=True, validators=[require_visible_text]
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    motivation = models.TextField(
        _("motivation"), max_length=5000, validators=[require_visible_text]
    )
    cv = models.FileField(_("CV"), upload_to=application_file, max_length=300)
    writing_sample = models.FileField(
        _("writing sample"), upload_to=application_file, max_length=300
    )
    consent_at = models.DateTimeField(_("consent to data processing"))

    # The fields a replacement carries over to the application it replaces.
    CONTENT_FIELDS = (
        "name",
        "country",
        "gender",
        "sector",
        "birth_year",
        "organization",
        "languages",
        "motivation",
        "cv",
        "writing_sample",
        "consent_at",
    )

    class Meta:
        abstract = True


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Applications a user may know of: staff see every application, a mentor those
        of the calls they may review (see ``CallQuerySet``); no one else sees any.
        Opening one also needs no declared conflict (see ``rules.get_application_for``)."""
        if is_staff(user):
            return self
        if is_mentor(user):
            return self.filter(reviewable_by(user, "call__"))
        return self.none()

    def without_conflict_of(self, user):
        """Leave out the applications ``user`` declared a conflict of interest on."""
        if not user.is_authenticated:
            return self
        # One subquery, so both conditions hold for the same review.
        return self.exclude(
            pk__in=Review.objects.filter(reviewer=user, conflict=True).values("application")
        )


class Application(ApplicationContent):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applications")
    email = models.EmailField(_("email"))
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["created_at"]
        constraints = [
            # Addresses are stored in lower case (see clean()), so this keeps one
            # application per address and call whatever the letter case typed.
            models.UniqueConstraint(fields=["call", "email"], name="one_application_per_email"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_country_display()})"

    def clean(self):
        # Addresses differ only in letter case for mail servers in practice: store one form.
        self.email = (self.email or "").strip().lower()

    @property
    def call_for_files(self):
        return self.call

    @property
    def decided(self) -> bool:
        """True once the cohort was chosen: the application can no longer change."""
        return self.status != ApplicationStatus.SUBMITTED


class PendingApplication(ApplicationContent):
    """A new application from an address that had applied to the call already. Nothing
    changes until the owner of the address confirms it through the signed link mailed
    there; unconfirmed ones are discarded after ``REPLACEMENT_HOURS``."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="replacements"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("application awaiting confirmation")
        verbose_name_plural = _("applications awaiting confirmation")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.name} → {self.application}"

    @property
    def call_for_files(self):
        return self.application.call


class Review(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="application_reviews"
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    comment = models.TextField(
        _("comment"), max_length=3000, blank=True, validators=[require_visible_text]
    )
    conflict = models.BooleanField(_("I have a conflict of interest"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_each"),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.application}"

    def clean(self):
        if self.conflict:
            return
        keys = {c.key for c in self.application.call.rubric}
        if set(self.scores) != keys:
            raise ValidationError(_("Score every criterion of the call."))
        if any(v not in CRITERION_SCALE for v in self.scores.values()):
            raise ValidationError(_("Scores go from 0 to 5."))


class CohortDecision(models.Model):
    """A cohort as chosen: by the optimiser, or overridden by staff with a reason."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="decisions")
    chosen = models.ManyToManyField(Application, related_name="+")
    quotas = models.JSONField(default=list)
    objective = models.FloatField(default=0)
    unconstrained = models.FloatField(default=0)
    reasons = models.JSONField(default=dict)
    override_reason = models.TextField(
        _("reason for overriding"), max_length=3000, blank=True, validators=[require_visible_text]
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohort decision")
        verbose_name_plural = _("cohort decisions")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.call} @ {self.at:%Y-%m-%d}"

    @property
    def recorded(self) -> selection.Recorded:
        """The quotas and the optimiser's reasons, read from their JSON columns (rows of
        the first release, whose reasons are English sentences, read too)."""
        return selection.Recorded.from_json(self.quotas, self.reasons)


class MentorshipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Mentorships a user may know of: staff see all; a member sees those they are
        mentor or mentee in; no one else sees any."""
        if is_staff(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(models.Q(mentor__user=user) | models.Q(mentee__user=user))


class Mentorship(models.Model):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    mentor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentoring")
    mentee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentored_by")
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    goals = models.TextField(
        _("plan and goals"), max_length=5000, blank=True, validators=[require_visible_text]
    )
    started_on = models.DateField(_("started"))
    review_on = models.DateField(
        _("review the plan by"),
        null=True,
        blank=True,
        help_text=_("When the pair and staff look at the plan again."),
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [models.UniqueConstraint(fields=["mentor", "mentee"], name="one_pair")]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"


class MentorChange(models.Model):
    """A mentor replaced in a pair: who was the mentor, who became it, when, by whom and
    why. The mentorship keeps its sessions, milestones and assessments; these rows keep
    the earlier pairing readable."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="mentor_changes"
    )
    from_mentor = models.ForeignKey(
        Person, verbose_name=_("earlier mentor"), on_delete=models.PROTECT, related_name="+"
    )
    to_mentor = models.ForeignKey(
        Person, verbose_name=_("new mentor"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=3000, validators=[require_visible_text])
    changed_on = models.DateField(_("changed on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("change of mentor")
        verbose_name_plural = _("changes of mentor")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_mentor} → {self.to_mentor}"


class Mode(models.TextChoices):
    OFFLINE = "offline", _("In person")
    ONLINE = "online", _("Online")


class MentoringSession(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=8, choices=Mode.choices)
    topics = models.CharField(_("topics"), max_length=300, validators=[require_visible_text])
    notes = models.TextField(
        _("notes (the pair and staff only)"),
        max_length=5000,
        blank=True,
        validators=[require_visible_text],
    )

    class Meta:
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        ordering = ["date"]

    def __str__(self):
        return f"{self.mentorship} {self.date}"


class Milestone(models.Model):
    """A step of the mentorship plan, linked to the paper it produced where there is one."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200, validators=[require_visible_text])
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    paper = models.ForeignKey(
        "papers.PolicyPaper",
        verbose_name=_("paper"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on"]

    def __str__(self):
        return self.title


class Stage(models.TextChoices):
    PRE = "pre", _("Before")
    MID = "mid", _("Midway")
    POST = "post", _("After")


class Assessor(models.TextChoices):
    SELF = "self", _("Self-assessment")
    MENTOR = "mentor", _("Mentor's assessment")


class Assessment(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="assessments")
    stage = models.CharField(_("stage"), max_length=4, choices=Stage.choices)
    assessor = models.CharField(_("by"), max_length=6, choices=Assessor.choices)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "stage", "assessor"], name="one_assessment"
            ),
        ]

    def __str__(self):
        return f"{self.mentorship} {self.stage} {self.assessor}"

    def clean(self):
        keys = {key for key, _label in SKILLS}
        if set(self.scores) != keys:
            raise ValidationError(_("Assess every skill of the rubric."))
        if any(v not in SCALE for v in self.scores.values()):
            raise ValidationError(_("The rubric goes from 1 to 5."))


class Attribution(models.TextChoices):
    NAME = "name", _("With my name")
    DESCRIPTION = "description", _("As “a young expert from my country”")


class Testimonial(models.Model):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="testimonials")
    quote = models.TextField(_("quote"), max_length=2000, validators=[require_visible_text])
    attribution = models.CharField(_("attribution"), max_length=12, choices=Attribution.choices)
    consent_at = models.DateTimeField(_("consent given"))

    class Meta:
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")

    def __str__(self):
        return self.quote[:60]

    @property
    def attributed_to(self) -> str:
        if self.attribution == Attribution.NAME:
            return self.person.name_latin
        return _("a young expert from %(country)s") % {"country": self.person.get_country_display()}
