"""Who may see or do what with people. Views, templates and the admin ask these."""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kenesh.access.predicates import is_authenticated, is_member, is_staff
from kenesh.people.models import MergeRecord, Organization, Person, Theme


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and user.is_authenticated and person.user_id == user.pk


@rules.predicate
def is_listed(user, person) -> bool:
    return person is not None and person.directory_consent_at is not None


@rules.predicate
def has_profile(user) -> bool:
    return user.is_authenticated and Person.objects.filter(user=user).exists()


can_view_person = is_staff | (is_member & (is_listed | is_self))
can_view_contacts = is_staff | is_self
can_edit_own_profile = is_member & is_self

rules.add_perm("people.view_roster", is_member)
rules.add_perm("people.view_diversity", is_authenticated)
rules.add_perm("people.export_roster", is_staff)
rules.add_perm("people.view_person_detail", can_view_person)
rules.add_perm("people.view_contacts", can_view_contacts)
rules.add_perm("people.edit_own_profile", is_member & has_profile)
rules.add_perm("people.view_exact_counts", is_staff)
# "Hide me now": staff, or the person themself; only staff bring them back.
rules.add_perm("people.withdraw_person", is_staff | is_self)
rules.add_perm("people.restore_person", is_staff)
rules.add_perm("people.manage_vocabulary", is_staff)
# Merging two records of one person, and undoing it (``kenesh.people.merge``).
rules.add_perm("people.merge_person", is_staff)
# Accounts of roster people: staff; which roles and accounts, people.accounts decides.
rules.add_perm("people.manage_accounts", is_staff)
# The admin and the staff pages ask Django's own model permissions.
for model in ("person", "organization", "theme", "language"):
    rules.add_perm(f"people.view_{model}", is_staff)
    rules.add_perm(f"people.add_{model}", is_staff)
    rules.add_perm(f"people.change_{model}", is_staff)
    rules.add_perm(f"people.delete_{model}", is_staff)


def get_person_for(user, code, *, to: str = "view") -> Person:
    """The person ``user`` may reach by ``code``: 404 if they may not know of them,
    403 if they may see but not do ``to`` ("view" or "edit")."""
    person = get_object_or_404(
        Person.objects.visible_to(user).select_related("organization", "user"), code=code
    )
    if to == "edit" and not user.has_perm("people.change_person", person):
        raise PermissionDenied
    return person


def get_own_person(user) -> Person:
    """The roster record linked to ``user``'s login, which they may edit in part."""
    person = Person.objects.filter(user=user).select_related("organization").first()
    if person is None:
        raise Http404
    if not can_edit_own_profile(user, person):
        raise PermissionDenied
    return person


def get_organisation_for(user, code) -> Organization:
    """An organisation staff manage from the roster (the view's permission admits only
    them); a code that names nothing is a 404."""
    return get_object_or_404(Organization, code=code)


def get_theme_for(user, code) -> Theme:
    """A theme staff manage from the roster; a code that names nothing is a 404."""
    return get_object_or_404(Theme, code=code)


def get_person_to_merge(user, code) -> Person:
    """A person ``user`` may merge: one they may see on the roster that was neither
    erased nor withdrawn (404 otherwise: such a record is not offered for merging)."""
    person = get_person_for(user, code, to="edit")
    if person.erased_at is not None or person.withdrawn_at is not None:
        raise Http404
    return person


def get_merge_record_for(user, code) -> MergeRecord:
    """A merge staff look back on or undo (the view's permission admits only them)."""
    return get_object_or_404(
        MergeRecord.objects.select_related("kept", "merged", "by", "undone_by"), code=code
    )
