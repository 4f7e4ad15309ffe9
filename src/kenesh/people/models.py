import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kenesh.access.predicates import is_member, is_staff
from kenesh.people import transliteration


class Country(models.TextChoices):
    KAZAKHSTAN = "KZ", _("Kazakhstan")
    KYRGYZSTAN = "KG", _("Kyrgyzstan")
    TAJIKISTAN = "TJ", _("Tajikistan")
    UZBEKISTAN = "UZ", _("Uzbekistan")
    AFGHANISTAN = "AF", _("Afghanistan")
    OTHER = "XX", _("Other country")


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia and think tanks")
    MEDIA = "media", _("Media")
    SECURITY = "security", _("Security sector")
    RELIGIOUS = "religious", _("Religious leadership")
    INTERNATIONAL = "international", _("International organisations")
    PRIVATE = "private", _("Private sector")


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    OTHER = "other", _("Another gender")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class Track(models.TextChoices):
    SEASONED = "seasoned", _("Seasoned expert")
    EMERGENT = "emergent", _("Emergent (young) expert")


class LanguageCode(models.TextChoices):
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    KAZAKH = "kk", _("Kazakh")
    KYRGYZ = "ky", _("Kyrgyz")
    TAJIK = "tg", _("Tajik")
    UZBEK = "uz", _("Uzbek")
    DARI = "prs", _("Dari")
    PASHTO = "ps", _("Pashto")
    TURKISH = "tr", _("Turkish")
    CHINESE = "zh", _("Chinese")
    GERMAN = "de", _("German")
    FRENCH = "fr", _("French")


class LanguageQuerySet(models.QuerySet):
    def ensure_all(self) -> dict[str, "Language"]:
        """Every ``LanguageCode`` as a row, keyed by code (a migration adds them; a
        flushed test database may have lost them)."""
        existing = {language.code: language for language in self}
        for code in LanguageCode.values:
            if code not in existing:
                existing[code] = self.model.objects.create(code=code)
        return existing


class Language(models.Model):
    """A working language; one row per ``LanguageCode``."""

    code = models.CharField(_("code"), max_length=8, choices=LanguageCode.choices, unique=True)

    objects = LanguageQuerySet.as_manager()

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["code"]

    def __str__(self):
        return str(self.get_code_display())


class Theme(models.Model):
    """A policy theme the network works on (water, borders, Afghanistan, extremism...)."""

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language, falling back to English."""
        if (get_language() or "").startswith("ru") and self.name_ru:
            return self.name_ru
        return self.name


class Organization(models.Model):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(pgettext_lazy("organisation", "name as written"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="organization_unique_name"),
        ]

    def __str__(self):
        return self.name


# Consent as a form asks for it -> the field recording when it was given.
CONSENT_FIELDS = {
    "data_processing_consent": "data_processing_consent_at",
    "directory_consent": "directory_consent_at",
    "quote_consent": "quote_consent_at",
    "photo_consent": "photo_consent_at",
}


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People whose profile ``user`` may open: staff see all; members see those who
        agreed to be listed in the directory and were not withdrawn, and themselves;
        others see no one."""
        if is_staff(user):
            return self
        if is_member(user):
            return self.filter(
                Q(directory_consent_at__isnull=False, withdrawn_at__isnull=True) | Q(user=user)
            )
        return self.none()

    def search(self, text: str):
        """Every word of ``text`` must match a name, in Cyrillic or Latin."""
        words = [transliteration.search_forms(word) for word in text.split()]
        words = [forms for forms in words if forms]
        if not words:
            # Only punctuation or symbols: nothing can match a name.
            return self.none() if text.strip() else self
        qs = self
        for forms in words:
            condition = Q()
            for form in forms:
                condition |= Q(search_text__contains=form)
            qs = qs.filter(condition)
        return qs


class PersonManager(models.Manager.from_queryset(PersonQuerySet)):
    """People on the roster: a person merged into another is left out of every list,
    search, count, export and choice (``Person.all_objects`` still has them, for undo)."""

    def get_queryset(self):
        return super().get_queryset().filter(merged_into__isnull=True)


class Person(models.Model):
    """An expert of the network, seasoned or emergent.

    ``search_text``, ``name_key`` and ``latin_key`` are derived from the names by
    ``refresh_derived_fields()``, which the people services call before saving.
    """

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name as written"), max_length=200)
    name_latin = models.CharField(_("name in Latin letters"), max_length=200)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    can_mentor = models.BooleanField(_("can mentor young experts"), default=False)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("working languages"), blank=True)
    expertise = models.TextField(_("expertise"), max_length=2000, blank=True)

    # Contact details: staff and the person only.
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    messenger = models.CharField(_("messenger handle"), max_length=100, blank=True)

    # Consents, each with the moment it was given; empty means not given.
    data_processing_consent_at = models.DateTimeField(
        _("consent to data processing"), null=True, blank=True
    )
    directory_consent_at = models.DateTimeField(
        _("consent to be listed for other members"), null=True, blank=True
    )
    quote_consent_at = models.DateTimeField(
        _("consent to quotes with attribution"), null=True, blank=True
    )
    photo_consent_at = models.DateTimeField(_("consent to photographs"), null=True, blank=True)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    # The at-risk case: withdrawn from every page, export and report a non-staff reader
    # sees, at once; shown as "an expert from <country>" where a record must stay.
    withdrawn_at = models.DateTimeField(
        _("withdrawn from non-staff pages"), null=True, blank=True, editable=False
    )
    # Erasure: names, contacts and files gone; the pseudonymised record keeps counts,
    # votes and authorship correct.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    # A duplicate merged into another record (``kenesh.people.merge``): kept for undo,
    # shown nowhere.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_people",
    )
    merged_at = models.DateTimeField(_("merged"), null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")
    name_key = models.CharField(max_length=200, editable=False, default="", db_index=True)
    latin_key = models.CharField(max_length=200, editable=False, default="", db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonManager()
    all_objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_latin", "id"]
        indexes = [models.Index(fields=["country", "track"])]

    def __str__(self):
        return self.name

    def refresh_derived_fields(self) -> None:
        self.search_text = transliteration.search_text(self.name, self.name_latin)
        self.name_key = transliteration.name_key(self.name)
        self.latin_key = transliteration.name_key(self.name_latin)

    @property
    def is_emergent(self) -> bool:
        return self.track == Track.EMERGENT


# How long a merge can be undone: long enough to notice a mistake the same day, short
# enough that the records moved have not been worked on much since.
MERGE_UNDO_WINDOW = timedelta(hours=24)


class MergeRecord(models.Model):
    """Two records of one person made one: what moved, and what undo puts back.

    ``moves`` lists ``{"model", "pk", "field"}`` of every row re-pointed to the kept
    person; ``detached`` the rows whose link was emptied because the kept person already
    had one like it; ``removed`` the rows deleted for that reason (serialised, with what
    was deleted along with them); ``fields`` the kept person's values replaced by the
    other's, and the themes and languages added.
    """

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    kept = models.ForeignKey(
        Person, verbose_name=_("kept"), on_delete=models.PROTECT, related_name="merges_kept"
    )
    merged = models.ForeignKey(
        Person,
        verbose_name=pgettext_lazy("the record merged away", "merged"),
        on_delete=models.PROTECT,
        related_name="merges_into",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    account_moved = models.BooleanField(_("login moved"), default=False)
    moves = models.JSONField(_("rows moved"), default=list)
    detached = models.JSONField(_("rows detached"), default=list)
    removed = models.JSONField(_("rows removed"), default=list)
    fields = models.JSONField(_("values taken over"), default=dict)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("merge of two records")
        verbose_name_plural = _("merges of two records")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.merged} -> {self.kept}"

    @property
    def can_undo(self) -> bool:
        """Not undone yet, and made less than ``MERGE_UNDO_WINDOW`` ago."""
        return self.undone_at is None and timezone.now() - self.created_at <= MERGE_UNDO_WINDOW
