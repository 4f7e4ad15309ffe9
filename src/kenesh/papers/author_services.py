"""Writes to a paper's authors and mentor, by programme staff, while the paper is a draft
or sent back for revisions.

Each service is atomic, takes the actor, refuses with ``ValidationError`` (nothing written)
and, once done, leaves a line in the paper's history (a ``PaperEvent`` that stays in the
paper's status, so its authors see it), an audit entry, and a message to the person added
or removed (the paper's steps already reach its authors by mail).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kenesh.access.predicates import is_staff
from kenesh.core.audit import log_action
from kenesh.notifications import services as notify
from kenesh.notifications.models import Kind
from kenesh.papers.models import AuthorRole, Authorship, PaperEvent, PolicyPaper, Status
from kenesh.people.models import Person

# While a paper is in these statuses its authors and mentor may change.
EDITABLE = (Status.DRAFT, Status.REVISIONS)
# The roles chosen on the authors' list; the mentor is set apart.
WRITING_ROLES = (AuthorRole.LEAD, AuthorRole.CO_AUTHOR)


def locked_reason(paper: PolicyPaper) -> str:
    """Why the authors of ``paper`` cannot change now; "" when they can."""
    if paper.status in EDITABLE:
        return ""
    return _(
        "The authors and the mentor of a paper can be changed only while it is a draft or "
        "sent back for revisions; this paper is “%(status)s”."
    ) % {"status": Status(paper.status).label}


def candidates(user):
    """People ``user`` may name as an author or mentor: those they may see, neither
    withdrawn from the roster's pages nor erased."""
    return Person.objects.visible_to(user).filter(withdrawn_at__isnull=True, erased_at__isnull=True)


def _lock(paper: PolicyPaper, by) -> PolicyPaper:
    if not is_staff(by):
        raise PermissionDenied(_("Only programme staff can change a paper's authors."))
    paper = PolicyPaper.objects.select_for_update().get(pk=paper.pk)
    reason = locked_reason(paper)
    if reason:
        raise ValidationError(reason, code="locked")
    return paper


def _authorships(paper: PolicyPaper) -> list[Authorship]:
    return list(paper.authorships.select_related("person__user").order_by("order", "id"))


def _check_candidate(paper: PolicyPaper, person, by, current: list[Authorship], field: str):
    """Refuse someone ``by`` may not name, or who already has a part in the paper."""
    if person is None or not candidates(by).filter(pk=person.pk).exists():
        raise ValidationError(
            {field: ValidationError(_("Choose someone from the list."), code="unknown")}
        )
    for authorship in current:
        if authorship.person_id == person.pk:
            message = (
                _("%(name)s is already the mentor of this paper.")
                if authorship.role == AuthorRole.MENTOR
                else _("%(name)s is already an author of this paper.")
            )
            raise ValidationError(
                {field: ValidationError(message % {"name": person.name}, code="duplicate")}
            )
    if person.user_id and paper.reviews.filter(reviewer_id=person.user_id).exists():
        message = _("%(name)s reviews this paper, so cannot also be one of its authors.")
        raise ValidationError(
            {field: ValidationError(message % {"name": person.name}, code="reviewer")}
        )


def _renumber(rows: list[Authorship]) -> None:
    """Number the writing authors in the given order and put the mentor after them."""
    writers = [row for row in rows if row.role != AuthorRole.MENTOR]
    mentors = [row for row in rows if row.role == AuthorRole.MENTOR]
    changed = []
    for position, row in enumerate([*writers, *mentors]):
        if row.order != position:
            row.order = position
            changed.append(row)
    Authorship.objects.bulk_update(changed, ["order"])


def _record(paper, by, note: str, action: str, data: dict, told: list[tuple]) -> None:
    PaperEvent.objects.create(
        paper=paper, from_status=paper.status, to_status=paper.status, by=by, note=note[:300]
    )
    entry = log_action(paper, action, by=by, data=data)
    link = reverse("papers:paper-detail", kwargs={"code": paper.code})
    for person, change, role in told:
        if not notify.address_of(person):
            continue
        notify.send(
            to=person,
            kind=Kind.PAPER,
            template="papers/mail/authorship_changed",
            context={
                "paper": paper,
                "change": change,
                "role": AuthorRole(role).label,
                "link": notify.absolute(link),
            },
            key=f"paper-authorship:{paper.code}:{person.code}:{change}:{entry.pk}",
            url=link,
        )


@transaction.atomic
def add_author(*, paper: PolicyPaper, person, role: str, by) -> Authorship:
    """Add ``person`` to the writing authors of ``paper`` as ``role`` (lead or co-author),
    last on the list. Refuse someone ``by`` may not see, withdrawn or erased, already an
    author or the mentor, or a reviewer of the paper."""
    paper = _lock(paper, by)
    if role not in WRITING_ROLES:
        raise ValidationError({"role": ValidationError(_("Choose a role."), code="unknown")})
    current = _authorships(paper)
    _check_candidate(paper, person, by, current, "person")
    added = Authorship.objects.create(paper=paper, person=person, role=role, order=len(current))
    _renumber([*current, added])
    _record(
        paper,
        by,
        _("Added %(name)s as %(role)s.")
        % {"name": person.name, "role": added.get_role_display().lower()},
        "papers.paper.authors_changed",
        {"change": "added", "person": str(person.code), "role": role},
        [(person, "added", role)],
    )
    return added


def _only_lead(current: list[Authorship], authorship: Authorship) -> bool:
    leads = [row for row in current if row.role == AuthorRole.LEAD]
    return authorship.role == AuthorRole.LEAD and len(leads) == 1


def _last_lead_error(person) -> ValidationError:
    return ValidationError(
        _(
            "%(name)s is the paper's only lead author: make another author lead first, "
            "then change this one."
        )
        % {"name": person.name},
        code="last_lead",
    )


def _writer(current: list[Authorship], person) -> Authorship:
    for row in current:
        if person is not None and row.person_id == person.pk and row.role != AuthorRole.MENTOR:
            return row
    raise ValidationError(_("This person is not an author of the paper."), code="unknown")


@transaction.atomic
def remove_author(*, paper: PolicyPaper, person, by) -> None:
    """Take ``person`` off the writing authors of ``paper``; the only lead stays."""
    paper = _lock(paper, by)
    current = _authorships(paper)
    authorship = _writer(current, person)
    if _only_lead(current, authorship):
        raise _last_lead_error(authorship.person)
    role = authorship.role
    authorship.delete()
    _renumber([row for row in current if row.pk != authorship.pk])
    _record(
        paper,
        by,
        _("Removed %(name)s from the authors.") % {"name": authorship.person.name},
        "papers.paper.authors_changed",
        {"change": "removed", "person": str(authorship.person.code), "role": role},
        [(authorship.person, "removed", role)],
    )


@transaction.atomic
def change_author(*, paper: PolicyPaper, person, role: str, position: int, by) -> Authorship:
    """Give ``person`` (a writing author of ``paper``) ``role`` and put them at
    ``position`` (1 for first) among the authors; the only lead stays lead."""
    paper = _lock(paper, by)
    if role not in WRITING_ROLES:
        raise ValidationError({"role": ValidationError(_("Choose a role."), code="unknown")})
    current = _authorships(paper)
    authorship = _writer(current, person)
    if role != AuthorRole.LEAD and _only_lead(current, authorship):
        raise _last_lead_error(authorship.person)
    writers = [row for row in current if row.role != AuthorRole.MENTOR]
    if not 1 <= position <= len(writers):
        raise ValidationError(
            {"position": ValidationError(_("Choose a place on the list."), code="unknown")}
        )
    before = (authorship.role, writers.index(authorship) + 1)
    if before == (role, position):
        return authorship
    if authorship.role != role:
        authorship.role = role
        authorship.save(update_fields=["role"])
    writers.remove(authorship)
    writers.insert(position - 1, authorship)
    _renumber([*writers, *[row for row in current if row.role == AuthorRole.MENTOR]])
    _record(
        paper,
        by,
        _("%(name)s is now %(role)s, number %(position)s on the list.")
        % {
            "name": authorship.person.name,
            "role": authorship.get_role_display().lower(),
            "position": position,
        },
        "papers.paper.authors_changed",
        {"change": "changed", "person": str(authorship.person.code), "role": role},
        [],
    )
    return authorship


@transaction.atomic
def set_mentor(*, paper: PolicyPaper, person, by) -> Authorship | None:
    """Make ``person`` the mentor of ``paper`` (replacing the one before), or leave the
    paper without one when ``person`` is None. A mentor is someone who can mentor, whom
    ``by`` may see, and not an author or reviewer of the paper."""
    paper = _lock(paper, by)
    current = _authorships(paper)
    before = next((row for row in current if row.role == AuthorRole.MENTOR), None)
    if before is not None and person is not None and before.person_id == person.pk:
        return before
    if person is None and before is None:
        return None
    if person is not None:
        writers = [row for row in current if row.role != AuthorRole.MENTOR]
        if any(row.person_id == person.pk for row in writers):
            message = _("%(name)s is an author of this paper, so cannot also be its mentor.")
            raise ValidationError(
                {"mentor": ValidationError(message % {"name": person.name}, code="author")}
            )
        if not person.can_mentor:
            raise ValidationError(
                {"mentor": ValidationError(_("Choose someone from the list."), code="unknown")}
            )
        others = [row for row in current if row is not before]
        _check_candidate(paper, person, by, others, "mentor")
    told = []
    if before is not None:
        before.delete()
        told.append((before.person, "removed", AuthorRole.MENTOR))
    mentor = None
    if person is not None:
        mentor = Authorship.objects.create(
            paper=paper, person=person, role=AuthorRole.MENTOR, order=len(current)
        )
        told.append((person, "added", AuthorRole.MENTOR))
    _renumber([*[row for row in current if row is not before], *([mentor] if mentor else [])])
    if person is None:
        note = _("The paper has no mentor now.")
    else:
        note = _("%(name)s is now the paper's mentor.") % {"name": person.name}
    _record(
        paper,
        by,
        note,
        "papers.paper.mentor_changed",
        {
            "from": str(before.person.code) if before else "",
            "to": str(person.code) if person else "",
        },
        told,
    )
    return mentor
