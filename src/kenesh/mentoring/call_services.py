"""Writes to calls for young experts: staff create and edit them, open and close them,
and name their reviewers from the roster.

Each service is atomic, takes the actor and leaves an audit entry; a refusal is a
``ValidationError`` raised before anything is written.

Criteria keep the shape reviews and scoring read: ``{"key", "label", "label_ru",
"weight"}``. A criterion's key is made once from its English label and never changes,
so the scores already given under it stay valid when the label is reworded. Weights are
kept as percentages adding up to 100; scoring divides by their sum, so scaling them
changes no ranking.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kenesh.core.audit import log_action
from kenesh.core.typography import quoted
from kenesh.mentoring import rubric
from kenesh.mentoring.models import Call, Review
from kenesh.mentoring.rubric import Criterion

TEXT_FIELDS = ("title", "title_ru", "description", "description_ru")
# What a decided cohort was chosen by: fixed once a CohortDecision exists.
DECIDED_FIELDS = ("opens_on", "closes_on", "cohort_size", "min_reviews")
FIELDS = TEXT_FIELDS + DECIDED_FIELDS


@dataclass(frozen=True)
class Saved:
    call: Call
    created: bool
    # The weights' sum as given, when they were scaled to 100 (None if they added up).
    scaled_from: Decimal | None


def make_key(label: str, taken: set[str]) -> str:
    """A criterion key from ``label``: lower-case Latin letters, digits and underscores,
    unique among ``taken``."""
    base = slugify(label).replace("-", "_")[:40] or "criterion"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def to_percentages(weights: list[Decimal]) -> list[Decimal]:
    """``weights`` scaled to add up to exactly 100, to one decimal (the largest
    remainders take the last tenths)."""
    total = sum(weights)
    exact = [w * 1000 / total for w in weights]  # in tenths of a per cent
    tenths = [int(e) for e in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - tenths[i], reverse=True)
    for i in order[: 1000 - sum(tenths)]:
        tenths[i] += 1
    return [Decimal(t) / 10 for t in tenths]


def scored_keys(call: Call) -> set[str]:
    """Criteria under which a reviewer of ``call`` has given a score."""
    if call.pk is None:
        return set()
    keys = set()
    for scores in Review.objects.filter(application__call=call, conflict=False).values_list(
        "scores", flat=True
    ):
        keys.update(scores or {})
    return keys


def is_decided(call: Call) -> bool:
    return call.pk is not None and call.decisions.exists()


def _criteria(call: Call, rows: list[dict]) -> tuple[tuple[Criterion, ...], Decimal | None]:
    """The call's new criteria from the editor's rows (``key`` empty for a new one),
    or a refusal."""
    if not rows:
        raise ValidationError(_("Give the call at least one criterion."), code="no_criteria")
    labels = [r["label"].strip().casefold() for r in rows]
    if len(set(labels)) != len(labels):
        raise ValidationError(_("Two criteria have the same label."), code="duplicate")
    if any(r["weight"] <= 0 for r in rows):
        raise ValidationError(_("Give each criterion a weight above zero."), code="weight")
    existing = {c.key for c in call.rubric}
    unknown = {r["key"] for r in rows if r["key"]} - existing
    if unknown:
        raise ValidationError(
            _("A criterion of the form is not one of this call's."), code="unknown"
        )
    scored = scored_keys(call)
    removed = existing - {r["key"] for r in rows if r["key"]}
    if removed & scored:
        names = [c.label for c in call.rubric if c.key in removed & scored]
        raise ValidationError(
            _("%(names)s cannot be removed: reviewers have scored applications under it.")
            % {"names": ", ".join(quoted(n) for n in names)},
            code="scored",
        )
    if scored and any(not r["key"] for r in rows):
        raise ValidationError(
            _(
                "Reviewers have started scoring this call: a new criterion would leave "
                "their reviews incomplete. Add criteria before reviewing starts."
            ),
            code="scored",
        )
    weights = [Decimal(r["weight"]) for r in rows]
    total = sum(weights)
    scaled_from = None if total == 100 else total
    if scaled_from is not None:
        weights = to_percentages(weights)
    taken = set(existing)
    criteria = []
    for row, weight in zip(rows, weights, strict=True):
        key = row["key"] or make_key(row["label"], taken)
        taken.add(key)
        criteria.append(
            Criterion(
                key=key,
                label=row["label"].strip(),
                label_ru=(row.get("label_ru") or "").strip(),
                # Kept to a tenth, as stored.
                weight=Decimal(str(rubric.number(weight))),
            )
        )
    return tuple(criteria), scaled_from


def _check(row: Call, stored: dict, criteria_changed: bool, decided: bool) -> None:
    if row.closes_on < row.opens_on:
        raise ValidationError(
            {"closes_on": ValidationError(_("The call must close after it opens."), code="dates")}
        )
    if decided:
        changed = [f for f in DECIDED_FIELDS if stored.get(f) != getattr(row, f)]
        if changed or criteria_changed:
            raise ValidationError(
                _(
                    "The cohort of this call has been chosen: its criteria, dates, places "
                    "and reviews needed are kept as they were when it was chosen. Titles, "
                    "descriptions, criterion labels and reviewers can still be changed."
                ),
                code="decided",
            )


@transaction.atomic
def save_call(*, call: Call | None, by, criteria: list[dict], reviewers=None, **fields) -> Saved:
    """Create a call (``call`` None) or change one: its texts, dates, places, reviews
    needed, criteria (rows of ``key``, ``label``, ``label_ru``, ``weight``) and, when
    ``reviewers`` is given, its reviewers.

    Refuse, naming the reason, reversed dates, criteria without a label or with the same
    label twice, weights of zero or below, removing a criterion reviewers have scored
    under, adding one once scoring began, and, once the cohort was chosen, any change to
    criteria, dates, places or reviews needed. Weights not adding up to 100 are scaled
    to 100 (``Saved.scaled_from`` says from what)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    created = call is None or call.pk is None
    row = Call() if created else Call.objects.select_for_update().get(pk=call.pk)
    stored = {f: getattr(row, f) for f in FIELDS}
    for name, value in fields.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    new_criteria, scaled_from = _criteria(row, criteria)
    criteria_changed = row.rubric != new_criteria
    scoring_changed = rubric.shares(row.rubric) != rubric.shares(new_criteria)
    _check(row, stored, scoring_changed, not created and is_decided(row))
    row.criteria = rubric.to_json(new_criteria)
    row.full_clean()
    row.save()
    changed = [f for f in FIELDS if stored.get(f) != getattr(row, f)]
    if criteria_changed:
        changed.append("criteria")
    log_action(
        row,
        "mentoring.call.created" if created else "mentoring.call.updated",
        by=by,
        data={"fields": changed, "criteria": [c.key for c in new_criteria]},
    )
    if reviewers is not None:
        set_reviewers(call=row, reviewers=reviewers, by=by)
    return Saved(row, created, scaled_from)


@transaction.atomic
def set_reviewers(*, call: Call, reviewers, by) -> bool:
    """Name ``call``'s reviewers (none: every mentor may review it). Return whether
    anything changed; a change is recorded."""
    wanted = {u.pk for u in reviewers}
    current = set(call.reviewers.values_list("pk", flat=True))
    if wanted == current:
        return False
    call.reviewers.set(list(wanted))
    log_action(
        call,
        "mentoring.call.reviewers_changed",
        by=by,
        data={"added": len(wanted - current), "removed": len(current - wanted),
              "reviewers": len(wanted)},
    )  # fmt: skip
    return True


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


@transaction.atomic
def open_call(*, call: Call, by) -> Call:
    """Open ``call`` today (its opening day moves to today). Refused when it is open
    already, when it has closed (a new closing date is set in the editor) and when its
    cohort has been chosen."""
    row = Call.objects.select_for_update().get(pk=call.pk)
    today = timezone.localdate()
    if row.decisions.exists():
        raise ValidationError(_("The cohort of this call has been chosen: it cannot open again."))
    if row.closes_on < today:
        raise ValidationError(
            _(
                "The call closed on %(date)s. To take applications again, set a new "
                "closing date in the editor first."
            )
            % {"date": _day(row.closes_on)}
        )
    if row.opens_on <= today:
        raise ValidationError(_("The call is open already."))
    was = row.opens_on
    row.opens_on = today
    row.save(update_fields=["opens_on"])
    log_action(row, "mentoring.call.opened", by=by, data={"opens_on_was": was.isoformat()})
    return row


@transaction.atomic
def close_call(*, call: Call, by) -> Call:
    """Close ``call`` today: its closing day becomes today, so the public form takes no
    application after today. Refused when it is closed already and when it has not
    opened yet (change its dates instead)."""
    row = Call.objects.select_for_update().get(pk=call.pk)
    today = timezone.localdate()
    if row.closes_on <= today:
        raise ValidationError(
            _("The call is closed already (its last day is %(date)s).")
            % {"date": _day(row.closes_on)}
        )
    if row.opens_on > today:
        raise ValidationError(
            _("The call has not opened yet (it opens on %(date)s): change its dates instead.")
            % {"date": _day(row.opens_on)}
        )
    was = row.closes_on
    row.closes_on = today
    row.save(update_fields=["closes_on"])
    log_action(row, "mentoring.call.closed", by=by, data={"closes_on_was": was.isoformat()})
    return row
