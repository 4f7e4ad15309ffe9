"""Writes to the programme's vocabulary: the organisations and themes staff keep.

Each service is atomic, takes the actor and leaves an audit entry. Nothing here deletes:
people, convenings, papers and recommendations refer to these rows.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kenesh.core.audit import log_action
from kenesh.core.text import is_visible
from kenesh.people.models import Country, Organization, Theme

ORGANISATION_FIELDS = ("name", "name_en", "country", "sector", "website")
THEME_FIELDS = ("slug", "name", "name_ru")


def _invisible(field: str) -> ValidationError:
    return ValidationError(
        {field: ValidationError(_("Write a name with visible letters."), code="invisible")}
    )


def _apply(row, fields: dict, allowed: tuple[str, ...]) -> list[str]:
    """Set ``fields`` on ``row`` (text stripped of surrounding spaces); return the names
    of those whose value changed."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(row, name) != value:
            changed.append(name)
        setattr(row, name, value)
    return changed


def _current(model, row):
    """The stored row, locked; a new one as given. A form bound to ``row`` has already
    written the submitted values on it, so what changed is read from the database."""
    if row is None:
        return model()
    if row.pk is None:
        return row
    return model.objects.select_for_update().get(pk=row.pk)


def _save(row, duplicate: ValidationError) -> None:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        # Another request saved the same name between the check and this write.
        raise duplicate from error


def organisation_duplicate(*, name: str, country: str, pk=None) -> ValidationError | None:
    """The refusal of ``name`` in ``country`` when another organisation holds it."""
    if not Organization.objects.filter(name=name, country=country).exclude(pk=pk).exists():
        return None
    return _duplicate_organisation(name, country)


def _duplicate_organisation(name: str, country: str) -> ValidationError:
    message = _("%(name)s (%(country)s) is already on the list of organisations.") % {
        "name": name,
        "country": Country(country).label if country in Country.values else country,
    }
    return ValidationError({"name": ValidationError(message, code="duplicate")})


@transaction.atomic
def save_organisation(*, organisation: Organization | None, by, **fields) -> Organization:
    """Add an organisation (``organisation`` None or unsaved) or change one.

    Refuse, with ``ValidationError`` naming the field, a name without visible letters and
    a name already used for an organisation of the same country; nothing is written then.
    """
    row = _current(Organization, organisation)
    created = row.pk is None
    changed = _apply(row, fields, ORGANISATION_FIELDS)
    if not is_visible(row.name or ""):
        raise _invisible("name")
    refusal = organisation_duplicate(name=row.name, country=row.country, pk=row.pk)
    if refusal is not None:
        raise refusal
    row.full_clean(validate_constraints=False)
    _save(row, _duplicate_organisation(row.name, row.country))
    log_action(
        row,
        "people.organisation.saved",
        by=by,
        data={"created": created, "fields": changed},
    )
    return row


def theme_duplicate(*, slug: str, pk=None) -> ValidationError | None:
    """The refusal of ``slug`` when another theme holds it in any letter case."""
    if not slug or not Theme.objects.filter(slug__iexact=slug).exclude(pk=pk).exists():
        return None
    return _duplicate_theme(slug)


def _duplicate_theme(slug: str) -> ValidationError:
    message = _("The short name “%(slug)s” is taken by another theme.") % {"slug": slug}
    return ValidationError({"slug": ValidationError(message, code="duplicate")})


@transaction.atomic
def save_theme(*, theme: Theme | None, by, **fields) -> Theme:
    """Add a theme (``theme`` None or unsaved) or change one.

    Refuse, with ``ValidationError`` naming the field, an English name without visible
    letters and a short name another theme has (in any letter case); nothing is written.
    """
    row = _current(Theme, theme)
    created = row.pk is None
    changed = _apply(row, fields, THEME_FIELDS)
    if not is_visible(row.name or ""):
        raise _invisible("name")
    refusal = theme_duplicate(slug=row.slug, pk=row.pk)
    if refusal is not None:
        raise refusal
    row.full_clean(validate_unique=False)
    _save(row, _duplicate_theme(row.slug))
    log_action(
        row,
        "people.theme.saved",
        by=by,
        data={"created": created, "fields": changed},
    )
    return row
