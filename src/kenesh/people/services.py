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


def _save(person: Person, fields: dict, consents: dict[str, bool]) -> tuple[list, list]:
    relations = {name: fields.pop(name) for name in _M2M if name in fields}
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
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
