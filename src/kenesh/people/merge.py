"""Merging two records of one person, and undoing it within a day.

Every app that points at a person registers the reference in its ``ready()`` with
``register("app.Model", "field", unique_with=(...))``; people imports none of them. A
merge moves every registered row from the merged person to the kept one in one
transaction. Where the kept person already has a row like it (the same convening, the
same conversation, the same paper), the kept person's row stays and the other is
detached (a link that may be empty) or deleted and stored, with what was deleted along
with it, in the ``MergeRecord``; undo puts everything back. The merged person is never
deleted: marked ``merged_into``, they leave every list (``Person.objects``).
"""

import json
from dataclasses import dataclass

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from kenesh.core.audit import log_action
from kenesh.people.models import MERGE_UNDO_WINDOW, MergeRecord, Person
from kenesh.people.queries import possible_duplicates

UNDO_WINDOW = MERGE_UNDO_WINDOW

# Fields of the record compared side by side; for each that differs, staff choose.
FIELDS = (
    "name", "name_latin", "gender", "birth_year", "country", "city", "organization",
    "position", "sector", "track", "can_mentor", "expertise", "email", "phone", "messenger",
)  # fmt: skip
# The person's own many-to-many choices: the kept person gets the union.
SETS = ("themes", "languages")
# Relations to Person that the merge handles itself rather than through the registry.
OWN = {
    ("people.Person", "merged_into"),
    ("people.MergeRecord", "kept"),
    ("people.MergeRecord", "merged"),
    ("people.Person_themes", "person"),
    ("people.Person_languages", "person"),
}


@dataclass(frozen=True)
class Reference:
    model: str  # "app_label.ModelName"
    field: str
    unique_with: tuple[str, ...] = ()
    label: object = None  # what a count of these rows is called; the model's plural if None

    def get_model(self):
        return apps.get_model(self.model)

    @property
    def title(self) -> str:
        if self.label is not None:
            return str(self.label)
        return str(self.get_model()._meta.verbose_name_plural).capitalize()


@dataclass(frozen=True)
class Count:
    """A figure shown side by side that moves with a reference (votes move with the
    conversation's participant)."""

    model: str
    lookup: str  # from the model to the person
    label: object


_references: dict[tuple[str, str], Reference] = {}
_counts: list[Count] = []


def _label(model) -> str:
    return model if isinstance(model, str) else model._meta.label


def register(model, field: str, *, unique_with: tuple[str, ...] = (), label=None) -> None:
    """Move ``model.field`` (a foreign key to Person) on a merge. ``unique_with`` names
    the fields that, with this one, one person may hold only once (a constraint)."""
    key = (_label(model), field)
    _references[key] = Reference(key[0], field, tuple(unique_with), label)


def register_count(model, lookup: str, *, label) -> None:
    """Show how many ``model`` rows reach a person through ``lookup``, side by side."""
    _counts.append(Count(_label(model), lookup, label))


def references() -> list[Reference]:
    return list(_references.values())


def is_registered(model_label: str, field: str) -> bool:
    key = (model_label, field)
    return key in _references or key in OWN


# -- reads -------------------------------------------------------------------------------


def counts_for(person: Person) -> list[tuple[str, int]]:
    """What the person's record holds, by kind: one count query per kind."""
    figures = []
    for reference in references():
        model = reference.get_model()
        n = model._base_manager.filter(**{reference.field: person}).count()
        figures.append((reference.title, n))
    for count in _counts:
        model = apps.get_model(count.model)
        n = model._base_manager.filter(**{count.lookup: person}).count()
        figures.append((str(count.label), n))
    return figures


def can_undo(record: MergeRecord) -> bool:
    return record.can_undo


# -- checks ------------------------------------------------------------------------------


def _refuse(message: str, code: str, field=None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def refusal(*, kept: Person, merged: Person, across_countries: bool = False):
    """Why ``merged`` may not be merged into ``kept``, or None."""
    if kept.pk == merged.pk:
        return _refuse(_("A record cannot be merged with itself; nothing was changed."), "self")
    for person in (kept, merged):
        if person.merged_into_id is not None:
            return _refuse(
                _("%(name)s was merged into another record already; nothing was changed.")
                % {"name": person.name},
                "merged",
            )
        if person.erased_at is not None or person.withdrawn_at is not None:
            return _refuse(
                _(
                    "%(name)s is erased or withdrawn; such a record cannot be merged. "
                    "Nothing was changed."
                )
                % {"name": person.name},
                "hidden",
            )
    if _active_login(kept) and _active_login(merged):
        return _refuse(
            _(
                "Both records have a login. Deactivate one of the logins first (the "
                "administrator can), then merge; nothing was changed."
            ),
            "two_logins",
        )
    if kept.country != merged.country and not across_countries:
        return _refuse(
            _(
                "The two records are from different countries (%(one)s, %(other)s). Tick the "
                "box to confirm they are the same person; nothing was changed."
            )
            % {"one": kept.get_country_display(), "other": merged.get_country_display()},
            "across_countries",
            "across_countries",
        )
    for reference in references():
        others = [f for f in reference.unique_with if _points_to_person(reference, f)]
        for other_field in others:
            model = reference.get_model()
            pair = (
                model._base_manager.filter(**{reference.field: merged, other_field: kept}).exists()
                or model._base_manager.filter(
                    **{reference.field: kept, other_field: merged}
                ).exists()
            )
            if pair:
                return _refuse(
                    _(
                        "The two records are linked to each other (%(what)s), so they "
                        "cannot be one person; nothing was changed."
                    )
                    % {"what": reference.title},
                    "linked",
                )
    return None


def _active_login(person: Person) -> bool:
    return person.user_id is not None and person.user.is_active


def _logins_after(kept: Person, merged: Person) -> tuple:
    """(kept's login, merged's login) after the merge: the kept record takes the other's
    login when it has none, or only a deactivated one (the two swap)."""
    if merged.user_id is None or _active_login(kept):
        return kept.user_id, merged.user_id
    if kept.user_id is None or merged.user.is_active:
        return merged.user_id, kept.user_id
    return kept.user_id, merged.user_id


def _points_to_person(reference: Reference, field: str) -> bool:
    related = reference.get_model()._meta.get_field(field).related_model
    return related is Person


# -- the merge ---------------------------------------------------------------------------


class _Collector(Collector):
    # Collect every row one by one, so that each is serialised before it goes.
    def can_fast_delete(self, *args, **kwargs):
        return False


def _value(person: Person, name: str):
    return getattr(person, f"{name}_id" if name == "organization" else name)


def differing_fields(kept: Person, merged: Person) -> list[str]:
    """The compared fields on which the two records disagree."""
    return [name for name in FIELDS if _value(kept, name) != _value(merged, name)]


def _remove(row) -> dict:
    """Delete ``row`` and what goes with it; return what undo needs to restore them."""
    collector = _Collector(using=row._state.db, origin=row)
    collector.collect([row])
    collector.sort()
    chunks = [
        json.loads(serializers.serialize("json", list(instances)))
        for instances in collector.data.values()
    ]
    emptied = []
    for (field, _unused), targets in collector.field_updates.items():
        for objs in targets:
            pks = [obj.pk for obj in objs]
            if not pks:
                continue
            model = getattr(objs, "model", None) or type(objs[0])
            current = model._base_manager.filter(pk__in=pks).values_list("pk", field.attname)
            emptied += [
                {"model": model._meta.label, "pk": pk, "field": field.attname, "value": value}
                for pk, value in current
            ]
    collector.delete()
    return {"model": row._meta.label, "pk": row.pk, "rows": chunks, "emptied": emptied}


def merge_people(**kwargs) -> MergeRecord:
    """Make ``merged`` part of ``kept`` (see ``_merge``); a database refusal no check
    foresaw (a constraint added later) refuses the merge as a whole instead of failing."""
    try:
        with transaction.atomic():
            return _merge(**kwargs)
    except IntegrityError as error:
        raise _refuse(
            _(
                "The records could not be merged: %(reason)s. Nothing was changed; tell the "
                "platform's administrator."
            )
            % {"reason": error},
            "database",
        ) from error


def _merge(
    *,
    kept: Person,
    merged: Person,
    by,
    take: tuple[str, ...] = (),
    across_countries: bool = False,
) -> MergeRecord:
    """Make ``merged`` part of ``kept``: every registered reference moves to ``kept``;
    the fields named in ``take`` get ``merged``'s value, the others keep ``kept``'s;
    themes and languages are joined; the login moves if only ``merged`` had one.

    Refuse with ``ValidationError`` (nothing written) a merge with oneself, of an
    erased, withdrawn or already merged record, of two records that both have a login,
    of two records linked to each other, and across countries unless
    ``across_countries``.
    """
    locked = {
        p.pk: p for p in Person.all_objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    }
    kept, merged = locked[kept.pk], locked[merged.pk]
    error = refusal(kept=kept, merged=merged, across_countries=across_countries)
    if error is not None:
        raise error
    unknown = set(take) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")

    before = _take_fields(kept, merged, take)
    added = _join_sets(kept, merged)
    moves, detached, removed = _move_references(kept, merged)

    logins = {"kept": kept.user_id, "merged": merged.user_id}
    kept_login, merged_login = _logins_after(kept, merged)
    account_moved = kept_login != kept.user_id
    if account_moved:
        _set_logins(kept, merged, kept_login, merged_login)
    kept.refresh_derived_fields()
    kept.save()
    merged.merged_into = kept
    merged.merged_at = timezone.now()
    merged.save(update_fields=["merged_into", "merged_at", "updated_at"])

    record = MergeRecord.objects.create(
        kept=kept,
        merged=merged,
        by=by,
        account_moved=account_moved,
        moves=moves,
        detached=detached,
        removed=removed,
        fields={"before": _jsonable(before), "added": added, "logins": logins},
    )
    data = {
        "other": merged.name,
        "other_code": str(merged.code),
        "moved": len(moves),
        "set_aside": len(detached) + len(removed),
        "fields": sorted(before),
        "merge": str(record.code),
    }
    log_action(kept, "people.person.merged", by=by, data=data)
    log_action(merged, "people.person.merged", by=by, data={**data, "other": kept.name})
    return record


def _take_fields(kept: Person, merged: Person, take: tuple[str, ...]) -> dict[str, object]:
    """Give ``kept`` (unsaved) ``merged``'s value of each field in ``take`` where the two
    differ; the values ``kept`` had, by attribute name."""
    before = {}
    for name in take:
        attname = f"{name}_id" if name == "organization" else name
        if getattr(kept, attname) != getattr(merged, attname):
            before[attname] = getattr(kept, attname)
            setattr(kept, attname, getattr(merged, attname))
    return before


def _join_sets(kept: Person, merged: Person) -> dict[str, list[int]]:
    """Add to ``kept`` the themes and languages only ``merged`` had; what was added, by
    set, so that an undo can take it away again."""
    added = {}
    for name in SETS:
        manager = getattr(kept, name)
        have = set(manager.values_list("pk", flat=True))
        new = [pk for pk in getattr(merged, name).values_list("pk", flat=True) if pk not in have]
        manager.add(*new)
        added[name] = new
    return added


def _move_references(
    kept: Person, merged: Person
) -> tuple[list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]]:
    """Point every registered reference to ``merged`` at ``kept``, but for a row that
    would repeat one ``kept`` has: that one is detached where its field may be empty,
    else removed. The rows moved, detached and removed, as the merge record keeps them."""
    moves: list[dict[str, object]] = []
    detached: list[dict[str, object]] = []
    removed: list[dict[str, object]] = []
    for reference in references():
        model = reference.get_model()
        field = model._meta.get_field(reference.field)
        rows = model._base_manager.filter(**{reference.field: merged}).order_by("pk")
        moving = []
        for row in rows:
            if reference.unique_with and _kept_has_alike(model, reference, row, kept):
                if field.null:
                    model._base_manager.filter(pk=row.pk).update(**{reference.field: None})
                    detached.append(
                        {"model": reference.model, "pk": row.pk, "field": reference.field}
                    )
                else:
                    removed.append(_remove(row))
                continue
            moving.append(row.pk)
        model._base_manager.filter(pk__in=moving).update(**{reference.field: kept})
        moves += [{"model": reference.model, "pk": pk, "field": reference.field} for pk in moving]
    return moves, detached, removed


def _set_logins(kept: Person, merged: Person, kept_login, merged_login) -> None:
    # One login belongs to one person: free both before linking either.
    Person.all_objects.filter(pk__in=[kept.pk, merged.pk]).update(user=None)
    kept.user_id, merged.user_id = kept_login, merged_login
    merged.save(update_fields=["user"])


def _jsonable(values: dict) -> dict:
    return json.loads(DjangoJSONEncoder().encode(values))


def _kept_has_alike(model, reference: Reference, row, kept: Person) -> bool:
    alike = {reference.field: kept}
    for name in reference.unique_with:
        alike[model._meta.get_field(name).attname] = getattr(
            row, model._meta.get_field(name).attname
        )
    return model._base_manager.filter(**alike).exclude(pk=row.pk).exists()


# -- undo --------------------------------------------------------------------------------


def undo_merge(*, record: MergeRecord, by) -> MergeRecord:
    """Undo ``record`` (see ``_undo``), or refuse it as a whole when what it would
    restore no longer fits the records (one of them was deleted since)."""
    try:
        with transaction.atomic():
            return _undo(record=record, by=by)
    except IntegrityError as error:
        raise _refuse(
            _(
                "The merge could not be undone: records changed since no longer fit what it "
                "would restore. Nothing was changed; correct the records by hand."
            ),
            "conflict",
        ) from error


def _undo(*, record: MergeRecord, by) -> MergeRecord:
    """Put back everything ``record`` moved, restore the rows it removed, and bring the
    merged person back to the roster. Refuse (``ValidationError``, nothing written) once
    undone, or after ``UNDO_WINDOW``."""
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    if record.undone_at is not None:
        raise _refuse(_("This merge was undone already; nothing was changed."), "undone")
    if not can_undo(record):
        raise _refuse(
            _(
                "A merge can be undone only within a day; this one is older, so nothing "
                "was changed. Correct the record by hand instead."
            ),
            "too_late",
        )
    locked = {
        p.pk: p
        for p in Person.all_objects.select_for_update().filter(
            pk__in=[record.kept_id, record.merged_id]
        )
    }
    kept, merged = locked[record.kept_id], locked[record.merged_id]
    if kept.merged_into_id is not None:
        raise _refuse(
            _(
                "The kept record was merged into another since; undo that merge first. "
                "Nothing was changed."
            ),
            "merged",
        )

    _put_back_references(record, merged)
    _restore_fields(record, kept)
    if record.account_moved:
        logins = record.fields["logins"]
        _set_logins(kept, merged, logins["kept"], logins["merged"])
    kept.refresh_derived_fields()
    kept.save()
    merged.merged_into = None
    merged.merged_at = None
    merged.save()

    record.undone_at = timezone.now()
    record.undone_by = by
    record.save(update_fields=["undone_at", "undone_by"])
    data = {"merge": str(record.code)}
    log_action(kept, "people.person.merge_undone", by=by, data={**data, "other": merged.name})
    log_action(merged, "people.person.merge_undone", by=by, data={**data, "other": kept.name})
    return record


def _put_back_references(record: MergeRecord, merged: Person) -> None:
    """Point what ``record`` moved or detached at ``merged`` again, and restore the rows
    it removed (and the references they had emptied)."""
    by_model: dict[tuple[str, str], list] = {}
    for move in record.moves:
        by_model.setdefault((move["model"], move["field"]), []).append(move["pk"])
    for (label, field), pks in by_model.items():
        apps.get_model(label)._base_manager.filter(pk__in=pks).update(**{field: merged})
    for row in record.detached:
        model = apps.get_model(row["model"])
        model._base_manager.filter(pk=row["pk"]).update(**{row["field"]: merged})
    for removal in record.removed:
        for chunk in reversed(removal["rows"]):
            for obj in serializers.deserialize("json", json.dumps(chunk)):
                obj.save()
        for row in removal["emptied"]:
            model = apps.get_model(row["model"])
            model._base_manager.filter(pk=row["pk"]).update(**{row["field"]: row["value"]})


def _restore_fields(record: MergeRecord, kept: Person) -> None:
    """Take from ``kept`` the themes and languages the merge added, and give back
    (unsaved) the field values it had before."""
    for name, pks in record.fields.get("added", {}).items():
        getattr(kept, name).remove(*pks)
    for attname, value in record.fields.get("before", {}).items():
        setattr(kept, attname, kept._meta.get_field(attname.removesuffix("_id")).to_python(value))


def candidates(*, person: Person, user, text: str = ""):
    """People ``user`` may see whom ``person`` could be merged with: the possible
    duplicates (same name and country) without ``text``, else a roster search."""
    if text.strip():
        people = Person.objects.visible_to(user).search(text).exclude(pk=person.pk)
    else:
        people = possible_duplicates(person).filter(
            pk__in=Person.objects.visible_to(user).values("pk")
        )
    return (
        people.filter(erased_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("organization")
        .order_by("name_latin", "pk")
    )
