"""Writes to people. Each service is atomic, takes the actor and leaves an audit entry."""

from django.db import transaction
from django.utils import timezone

from kenesh.core.audit import log_action
from kenesh.people.models import CONSENT_FIELDS, Person

_M2M = ("themes", "languages")


def _apply_consents(person: Person, consents: dict[str, bool]) -> list[str]:
    """Date newly given consents, clear withdrawn ones; return what changed."""
    changed = []
    now = timezone.now()
    for field, given in consents.items():
        attribute = CONSENT_FIELDS[field]
        had = getattr(person, attribute) is not None
        if given and not had:
            setattr(person, attribute, now)
            changed.append(f"{field}:given")
        elif had and not given:
            setattr(person, attribute, None)
            changed.append(f"{field}:withdrawn")
    return changed


def _changed(person: Person, fields: dict, relations: dict) -> list[str]:
    """The fields whose value differs from the stored row's (a model form has already
    written its values onto ``person``, so it is compared with the row read afresh)."""
    if person.pk is None:
        return []
    stored = Person.objects.select_for_update().get(pk=person.pk)
    changed = [name for name, value in fields.items() if getattr(stored, name) != value]
    for name, values in relations.items():
        before = set(getattr(stored, name).values_list("pk", flat=True))
        if before != {getattr(value, "pk", value) for value in values}:
            changed.append(name)
    return changed


def _save(person: Person, fields: dict, consents: dict[str, bool]) -> tuple[list, list]:
    relations = {name: fields.pop(name) for name in _M2M if name in fields}
    changed = _changed(person, fields, relations)
    for name, value in fields.items():
        setattr(person, name, value)
    consent_changes = _apply_consents(person, consents)
    person.refresh_derived_fields()
    person.full_clean(exclude=[*_M2M, "user"])
    person.save()
    for name, values in relations.items():
        getattr(person, name).set(values)
    return changed, consent_changes


@transaction.atomic
def create_person(*, by, consents: dict[str, bool] | None = None, **fields) -> Person:
    """Add a person to the roster."""
    person = Person()
    _save(person, fields, consents or {})
    log_action(person, "people.person.created", by=by)
    return person


def _update(person: Person, by, consents: dict[str, bool], action: str, fields: dict):
    changed, consent_changes = _save(person, fields, consents)
    log_action(person, action, by=by, data={"fields": changed, "consents": consent_changes})
    return person


@transaction.atomic
def update_person(*, person: Person, by, consents: dict[str, bool] | None = None, **fields):
    """Change a person's record (staff), noting which fields and consents changed."""
    return _update(person, by, consents or {}, "people.person.updated", fields)


@transaction.atomic
def update_own_profile(*, person: Person, by, consents: dict[str, bool], **fields) -> Person:
    """An expert's change to the part of their profile they keep themselves."""
    return _update(person, by, consents, "people.profile.updated", fields)


# --- "hide me now": withdrawal from every page a non-staff reader sees ---


@transaction.atomic
def withdraw_person(*, person: Person, by) -> Person:
    """Withdraw ``person`` at once from what non-staff readers see (the at-risk case).

    Staff or the person themself may do it; only staff may undo it. Withdrawing twice
    changes nothing and writes no second entry."""
    from django.core.exceptions import PermissionDenied

    from kenesh.access.predicates import is_staff

    if not (is_staff(by) or (person.user_id is not None and person.user_id == by.pk)):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.withdrawn_at is None:
        person.withdrawn_at = timezone.now()
        person.save(update_fields=["withdrawn_at", "updated_at"])
        log_action(person, "people.person.withdrawn", by=by)
    return person


@transaction.atomic
def restore_person(*, person: Person, by) -> Person:
    """Show a withdrawn person again to the readers who saw them before (staff only)."""
    from django.core.exceptions import PermissionDenied

    from kenesh.access.predicates import is_staff

    if not is_staff(by):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.withdrawn_at is not None:
        person.withdrawn_at = None
        person.save(update_fields=["withdrawn_at", "updated_at"])
        log_action(person, "people.person.restored", by=by)
    return person


class ErasureFailed(Exception):
    """A part of the erasure failed: the whole erasure was rolled back."""


@transaction.atomic
def erase_person(*, person: Person, by) -> Person:
    """Erase ``person``: names become a pseudonym; contact details, city, position,
    organisation, expertise, themes, languages and consents go; their login is signed out
    and disabled; every app erases what it holds (``kenesh.core.personal_data``), files
    are deleted once this commits. Participations, votes, statements and authorship stay,
    under the pseudonym, so counts, indicators and opinion maps stay correct.

    Raise ``ValidationError`` if already erased, ``ErasureFailed`` if any part fails;
    either way nothing changes.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from kenesh.core import personal_data
    from kenesh.people import subject

    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    if person.erased_at is not None:
        raise ValidationError(
            _("This person's data was erased already; nothing was changed."), code="erased"
        )
    words = {person.name, person.name_latin, person.email, person.phone, person.messenger}
    if person.user is not None:
        user = person.user
        words |= {user.username, user.email, user.get_full_name()}
    try:
        for provider in personal_data.providers():
            if provider.erase is not None:
                provider.erase(person, by)
        subject.scrub_audit(person, words)
    except Exception as error:
        raise ErasureFailed(type(error).__name__) from error
    pseudonym = subject.pseudonym_for(person)
    person.name = person.name_latin = pseudonym
    for attribute in ("city", "position", "expertise", "email", "phone", "messenger"):
        setattr(person, attribute, "")
    for attribute in CONSENT_FIELDS.values():
        setattr(person, attribute, None)
    person.organization = None
    person.user = None
    person.erased_at = timezone.now()
    person.refresh_derived_fields()
    person.save()
    person.themes.clear()
    person.languages.clear()
    log_action(person, "people.person.erased", by=by)
    return person
