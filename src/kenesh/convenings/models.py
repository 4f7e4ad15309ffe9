import datetime
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenesh.access.predicates import is_member, is_observer, is_staff
from kenesh.core.text import require_visible_text
from kenesh.people.models import Country, Person, Theme


class Kind(models.TextChoices):
    RCWG = "rcwg", _("RCWG meeting")
    TRACK_II = "track2", _("Track II dialogue")
    SIMULATION = "simulation", _("Simulation exercise")
    BRIEFING = "briefing", _("Policymaker briefing")
    TRAINING = "training", _("Training")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    CHATHAM_HOUSE = "chatham", _("Chatham House rule")
    CLOSED = "closed", _("Closed")


class AudienceScope(models.TextChoices):
    INSIDE = "inside", _("Inside the region")
    OUTSIDE = "outside", _("Outside the region")


def reminder_days_of(value: str) -> list[int]:
    """The days written in a convening's ``reminder_days``, largest first."""
    return sorted({int(day) for day in value.replace(" ", "").split(",") if day}, reverse=True)


def validate_reminder_days(value: str) -> None:
    try:
        days = reminder_days_of(value)
    except ValueError:
        days = None
    if days is None or any(not 0 < day <= 60 for day in days) or len(days) > 5:
        raise ValidationError(
            _(
                "Write up to five whole numbers of days from 1 to 60, separated by commas, "
                "such as 7,1."
            ),
            code="reminder_days",
        )


class ConveningQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Convenings ``user`` may know exist: staff all; a closed one only to its
        participants (invited or accepted: one who declined is as one never invited);
        public and Chatham House ones to members and observers."""
        if is_staff(user):
            return self
        if is_member(user):
            return self.filter(
                ~Q(confidentiality=Confidentiality.CLOSED) | Q(pk__in=_places_of(user))
            )
        if is_observer(user):
            return self.exclude(confidentiality=Confidentiality.CLOSED)
        return self.none()

    def names_visible_to(self, user):
        """Convenings whose participants ``user`` may know (the SQL twin of
        ``rules.can_see_names``): staff all; members the public ones and those where
        they hold a place; anyone else only those where they hold a place."""
        if is_staff(user):
            return self
        if not user.is_authenticated:
            return self.none()
        names = Q(pk__in=_places_of(user))
        if is_member(user):
            names |= Q(confidentiality=Confidentiality.PUBLIC)
        return self.visible_to(user).filter(names)

    def with_place_for(self, user):
        """Convenings where ``user`` holds a place: invited or accepted, not declined."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=_places_of(user))


def _places_of(user):
    """The ids of the convenings where ``user`` holds a place, as a subquery."""
    return Participation.objects.holding_place().filter(person__user=user).values("convening_id")


class Convening(models.Model):
    """A meeting of the programme: RCWG meeting, Track II dialogue, simulation exercise,
    policymaker briefing or training."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[require_visible_text])
    series = models.CharField(
        _("series"),
        max_length=120,
        blank=True,
        validators=[require_visible_text],
        help_text=_("Convenings of one series share this name, e.g. a Track II dialogue."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    city = models.CharField(
        _("city"), max_length=100, blank=True, validators=[require_visible_text]
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)
    host_country = models.CharField(
        _("country outside the list"), max_length=100, blank=True,
        validators=[require_visible_text],
    )  # fmt: skip
    online = models.BooleanField(_("online"), default=False)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.CHATHAM_HOUSE,
    )
    summary = models.TextField(
        _("summary"), max_length=5000, blank=True, validators=[require_visible_text]
    )
    outputs = models.TextField(
        _("outputs"), max_length=5000, blank=True, validators=[require_visible_text]
    )
    answer_by = models.DateField(
        _("answer invitations by"),
        null=True,
        blank=True,
        help_text=_("Invitees cannot accept or decline after this day."),
    )
    reminder_days = models.CharField(
        _("reminders, days before"),
        max_length=40,
        default="7,1",
        blank=True,
        validators=[validate_reminder_days],
        help_text=_(
            "Days before the first day when those taking part are reminded, separated by "
            "commas, such as 7,1. Leave empty for no reminders."
        ),
    )
    audience = models.CharField(
        _("audience"),
        max_length=200,
        blank=True,
        validators=[require_visible_text],
        help_text=_("For a briefing: the institution briefed."),
    )
    audience_scope = models.CharField(
        _("audience is"), max_length=8, choices=AudienceScope.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ConveningQuerySet.as_manager()

    class Meta:
        verbose_name = _("convening")
        verbose_name_plural = _("convenings")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="convening_dates_in_order"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.confidentiality == Confidentiality.CLOSED

    @property
    def is_chatham_house(self) -> bool:
        return self.confidentiality == Confidentiality.CHATHAM_HOUSE

    @property
    def place(self) -> str:
        parts = [self.city, self.get_country_display() if self.country else self.host_country]
        return ", ".join(p for p in parts if p)

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
        if self.kind == Kind.BRIEFING and not self.audience:
            raise ValidationError({"audience": _("Name the institution a briefing is for.")})

    def answers_open(self, today=None) -> bool:
        """Invitees may answer until the answer day, and never once it has begun."""
        today = today or timezone.localdate()
        return today <= self.answers_close_on

    @property
    def answers_close_on(self):
        before_start = self.starts_on - datetime.timedelta(days=1)
        return min(self.answer_by, before_start) if self.answer_by else before_start


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    SPEAKER = "speaker", _("Speaker")
    FACILITATOR = "facilitator", _("Facilitator")
    MODERATOR = "moderator", _("Moderator")
    RAPPORTEUR = "rapporteur", _("Rapporteur")
    MENTOR = "mentor", _("Mentor")
    OBSERVER = "observer", _("Observer")
    ORGANISER = "organiser", _("Organiser")


# A young expert's path climbs these steps; other roles do not count as a step.
PATH_STEPS: dict[str, int] = {
    Role.PARTICIPANT: 1,
    Role.SPEAKER: 2,
    Role.MODERATOR: 3,
    Role.FACILITATOR: 3,
}


class Invitation(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


# The one definition of taking part in a convening, for access, lists, calendars and
# simulations alike: invited or accepted. Someone who declined is treated as never
# invited; only their own "My convenings" keeps a line saying so.
HOLDING_PLACE = (Invitation.INVITED, Invitation.ACCEPTED)


class ParticipationQuerySet(models.QuerySet):
    def holding_place(self):
        """Places still held: invited or accepted, not declined."""
        return self.filter(invitation__in=HOLDING_PLACE)


class Participation(models.Model):
    """A person's place at a convening: role, invitation answer and attendance."""

    convening = models.ForeignKey(
        Convening, verbose_name=_("convening"), on_delete=models.CASCADE,
        related_name="participations",
    )  # fmt: skip
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT
    )
    invitation = models.CharField(
        _("invitation"), max_length=10, choices=Invitation.choices, default=Invitation.INVITED
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["convening__starts_on", "person__name_latin"]
        constraints = [
            models.UniqueConstraint(fields=["convening", "person"], name="one_place_per_person"),
        ]

    def __str__(self):
        return f"{self.person} @ {self.convening}"

    @property
    def holds_place(self) -> bool:
        """Invited or accepted: see ``HOLDING_PLACE``."""
        return self.invitation in HOLDING_PLACE

    @property
    def took_part(self) -> bool:
        """Came, or accepted a convening whose attendance is not recorded yet."""
        if self.attended is not None:
            return self.attended
        return self.invitation == Invitation.ACCEPTED


class Format(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    PANEL = "panel", _("Panel")
    WORKING_GROUP = "working_group", _("Working group")
    SIMULATION_ROUND = "simulation_round", _("Simulation round")


class SessionRole(models.TextChoices):
    SPEAKER = "speaker", _("Speaker")
    FACILITATOR = "facilitator", _("Facilitator")
    MODERATOR = "moderator", _("Moderator")


class Session(models.Model):
    """An item of a convening's agenda."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    convening = models.ForeignKey(
        Convening, verbose_name=_("convening"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    title = models.CharField(_("title"), max_length=200, validators=[require_visible_text])
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    description = models.TextField(
        _("description"), max_length=3000, blank=True, validators=[require_visible_text]
    )
    notes = models.TextField(
        _("notes"), max_length=10000, blank=True, validators=[require_visible_text]
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A session must end after it starts.")
        convening = self.convening if self.convening_id else None
        if convening and self.starts_at:
            first, last = convening.starts_on, convening.ends_on
            for field in ("starts_at", "ends_at"):
                moment = getattr(self, field)
                if moment and not first <= timezone.localtime(moment).date() <= last:
                    errors[field] = _(
                        "Sessions must fall within the convening's dates (%(first)s to %(last)s)."
                    ) % {"first": first.isoformat(), "last": last.isoformat()}
        if errors:
            raise ValidationError(errors)


class SessionAssignment(models.Model):
    """Who speaks at, facilitates or moderates a session: always someone taking part in
    the convening, so a person's path is read from participations alone."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="assignments"
    )
    participation = models.ForeignKey(
        Participation, verbose_name=_("participant"), on_delete=models.CASCADE,
        related_name="session_assignments",
    )  # fmt: skip
    role = models.CharField(_("role"), max_length=12, choices=SessionRole.choices)

    class Meta:
        verbose_name = _("session role")
        verbose_name_plural = _("session roles")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participation", "role"], name="one_session_role"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.participation.person}"


class DocumentKind(models.TextChoices):
    CONCEPT_NOTE = "concept_note", _("Concept note")
    AGENDA = "agenda", _("Agenda")
    PRESENTATION = "presentation", _("Presentation")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


def document_path(instance, filename):
    # The stored name carries no user input; the original name is kept in a field.
    return f"convenings/{instance.convening.code}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file attached to a convening, stored privately and served through a check."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    convening = models.ForeignKey(
        Convening, verbose_name=_("convening"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[require_visible_text])
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title


class CalendarFeed(models.Model):
    """A user's personal calendar feed, behind a secret URL that can be revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )  # fmt: skip
    token = models.CharField(_("token"), max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"


class Scenario(models.Model):
    """The exercise of a simulation convening: a brief, teams with role cards, injects."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    convening = models.OneToOneField(
        Convening, verbose_name=_("convening"), on_delete=models.CASCADE, related_name="scenario"
    )
    title = models.CharField(_("title"), max_length=200, validators=[require_visible_text])
    brief = models.TextField(_("brief"), max_length=10000, validators=[require_visible_text])
    debrief_notes = models.TextField(
        _("debrief notes"), max_length=10000, blank=True, validators=[require_visible_text]
    )

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self):
        return self.title


class Team(models.Model):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=100, validators=[require_visible_text])
    role_card = models.TextField(
        _("role card"), max_length=5000, blank=True, validators=[require_visible_text],
        help_text=_("Whom the team plays and what it wants; shown to its members."),
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "name"], name="team_name_unique"),
        ]

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    participation = models.OneToOneField(
        Participation, verbose_name=_("participant"), on_delete=models.CASCADE,
        related_name="team_membership",
    )  # fmt: skip

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self):
        return f"{self.participation.person} in {self.team}"


class Inject(models.Model):
    """A development of the scenario, released live by a facilitator."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="injects"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    planned_minute = models.PositiveSmallIntegerField(
        _("planned minute"), help_text=_("Minutes after the exercise starts.")
    )
    title = models.CharField(_("title"), max_length=200, validators=[require_visible_text])
    body = models.TextField(_("text"), max_length=5000, validators=[require_visible_text])
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("released by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("inject")
        verbose_name_plural = _("injects")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "order"], name="inject_order_unique"),
        ]

    def __str__(self):
        return self.title


class Decision(models.Model):
    """An entry of a team's decision log."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="decisions"
    )
    inject = models.ForeignKey(
        Inject, verbose_name=_("in response to"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="decisions",
    )  # fmt: skip
    text = models.TextField(_("decision"), max_length=3000, validators=[require_visible_text])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return self.text[:60]


# Date polls live in their own module; import them so Django registers them with the app.
from kenesh.convenings.poll_models import DatePoll, Slot, SlotAnswer  # noqa: E402, F401
