"""Writes to a simulation's scenario while it is prepared: brief, teams, injects, and a
copy of a past scenario as a starting point.

An exercise is *running* from its first move — the first inject released or the first
decision logged — and *over* once its convening's last day has passed. From either
moment on the scenario is kept as it was played: every service here refuses, with
``ScenarioLocked``, and writes nothing. Each service is atomic, takes the actor and
leaves an audit entry.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kenesh.access.models import User
from kenesh.convenings.models import Convening, Decision, Format, Inject, Kind, Scenario, Team
from kenesh.core.audit import log_action
from kenesh.core.text import is_visible

# Orders an inject may take in the editor; the rest of the column's range is kept free
# for the moment a reorder swaps two of them (the order is unique per scenario).
LARGEST_ORDER = 999
_PARKED = 20000


def exercise_start(convening: Convening):
    """When the exercise starts, if the agenda says: the start of its first simulation
    round. Injects' planned minutes count from there."""
    first = convening.sessions.filter(format=Format.SIMULATION_ROUND).order_by("starts_at")
    session = first.first()
    return session.starts_at if session else None


def with_clock_times(injects, start) -> list[Inject]:
    """``injects`` with ``clock`` set to when each is planned, if ``start`` is known."""
    injects = list(injects)
    for inject in injects:
        inject.clock = start + datetime.timedelta(minutes=inject.planned_minute) if start else None
    return injects


class ScenarioLocked(Exception):
    """The exercise is running or over: its scenario can no longer change."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def lock_reason(convening: Convening, scenario: Scenario | None = None) -> str | None:
    """Why the scenario of ``convening`` cannot be changed now, or None while it is
    being prepared (see the module's docstring for when an exercise runs)."""
    if scenario is not None and scenario.pk is not None:
        released = Inject.objects.filter(scenario=scenario, released_at__isnull=False).exists()
        if released or Decision.objects.filter(team__scenario=scenario).exists():
            return _(
                "The exercise is running: an inject has been released or a decision "
                "logged, so the scenario is kept as it is played. Nothing can be changed."
            )
    if convening.ends_on < timezone.localdate():
        return _(
            "The exercise is over: its convening ended on %(day)s, so the scenario is "
            "kept as it was played. Nothing can be changed."
        ) % {"day": date_format(convening.ends_on)}
    return None


def _refuse_if_locked(convening: Convening, scenario: Scenario | None = None) -> None:
    reason = lock_reason(convening, scenario)
    if reason:
        raise ScenarioLocked(reason)


def _locked_scenario(scenario: Scenario) -> Scenario:
    """The stored scenario, locked against a release or another editor meanwhile."""
    return Scenario.objects.select_for_update().select_related("convening").get(pk=scenario.pk)


def _require_text(fields: dict, names: tuple[str, ...]) -> dict:
    """``fields`` stripped; a ValidationError naming each of ``names`` left empty."""
    cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    empty = {
        name: ValidationError(_("This cannot be empty."), code="required")
        for name in names
        if not is_visible(cleaned.get(name) or "")
    }
    if empty:
        raise ValidationError(empty)
    return cleaned


def _check_new_home(convening: Convening) -> None:
    if convening.kind != Kind.SIMULATION:
        raise ValidationError(_("Only a simulation exercise has a scenario."), code="kind")
    if Scenario.objects.filter(convening=convening).exists():
        raise ValidationError(
            _("This convening already has a scenario; nothing was changed. Edit that one."),
            code="exists",
        )
    _refuse_if_locked(convening)


@transaction.atomic
def create_scenario(*, convening: Convening, title: str, brief: str, by) -> Scenario:
    """Give a simulation convening its scenario (one per convening)."""
    Convening.objects.select_for_update().filter(pk=convening.pk).first()
    fields = _require_text({"title": title, "brief": brief}, ("title", "brief"))
    _check_new_home(convening)
    scenario = Scenario(convening=convening, **fields)
    scenario.full_clean(exclude=["convening"])
    scenario.save()
    log_action(scenario, "convenings.scenario.created", by=by)
    return scenario


@transaction.atomic
def update_scenario(*, scenario: Scenario, title: str, brief: str, by) -> Scenario:
    """Change the scenario's title and brief while it is prepared."""
    row = _locked_scenario(scenario)
    _refuse_if_locked(row.convening, row)
    fields = _require_text({"title": title, "brief": brief}, ("title", "brief"))
    changed = sorted(name for name, value in fields.items() if getattr(row, name) != value)
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean(exclude=["convening"])
    row.save(update_fields=["title", "brief"])
    log_action(row, "convenings.scenario.updated", by=by, data={"fields": changed})
    return row


@transaction.atomic
def duplicate_scenario(*, source: Scenario, convening: Convening, by) -> Scenario:
    """Start ``convening``'s scenario as a copy of ``source``: its title, brief, teams
    with their role cards and injects, never its players, releases or decisions. The
    caller has checked that ``by`` may see ``source``."""
    Convening.objects.select_for_update().filter(pk=convening.pk).first()
    _check_new_home(convening)
    scenario = Scenario.objects.create(convening=convening, title=source.title, brief=source.brief)
    Team.objects.bulk_create(
        Team(scenario=scenario, name=t.name, role_card=t.role_card, order=t.order)
        for t in source.teams.all()
    )
    Inject.objects.bulk_create(
        Inject(
            scenario=scenario,
            order=i.order,
            planned_minute=i.planned_minute,
            title=i.title,
            body=i.body,
        )
        for i in source.injects.all()
    )
    log_action(
        scenario,
        "convenings.scenario.duplicated",
        by=by,
        data={"source": str(source.code), "source_title": source.title},
    )
    return scenario


@dataclass(frozen=True)
class TeamRow:
    """One row of the teams editor: ``team`` None for a new one."""

    team: Team | None
    name: str = ""
    role_card: str = ""
    order: int = 0
    remove: bool = False


@dataclass(frozen=True)
class InjectRow:
    """One row of the injects editor: ``inject`` None for a new one."""

    inject: Inject | None
    order: int = 0
    planned_minute: int = 0
    title: str = ""
    body: str = ""
    remove: bool = False


def _own(rows, attribute: str, scenario: Scenario):
    foreign = [r for r in rows if getattr(r, attribute) is not None
               and getattr(r, attribute).scenario_id != scenario.pk]  # fmt: skip
    if foreign:
        raise ValidationError(
            _("A row belongs to another scenario; nothing was saved. Reload the page."),
            code="unknown",
        )


def team_name_clash(rows: list[TeamRow]) -> str | None:
    """The first name two kept teams share (letter case and spaces aside), if any."""
    seen = set()
    for row in rows:
        if row.remove:
            continue
        key = " ".join(row.name.split()).casefold()
        if key in seen:
            return row.name.strip()
        seen.add(key)
    return None


@transaction.atomic
def save_teams(*, scenario: Scenario, rows: list[TeamRow], by) -> None:
    """Add, change, reorder and remove the scenario's teams in one go, all or nothing.

    Removing a team drops its players' places in it (spread the players again)."""
    row_scenario = _locked_scenario(scenario)
    _refuse_if_locked(row_scenario.convening, row_scenario)
    _own(rows, "team", scenario)
    rows = [
        TeamRow(r.team, r.name.strip(), (r.role_card or "").strip(), r.order, r.remove)
        for r in rows
    ]
    clash = team_name_clash(rows)
    if clash:
        raise ValidationError(
            _("Two teams are called “%(name)s”; give each team its own name.") % {"name": clash},
            code="duplicate",
        )
    for row in rows:
        if row.remove and row.team is not None:
            log_action(
                row.team, "convenings.scenario.team_removed", by=by, data={"name": row.team.name}
            )
            row.team.delete()
    # Park the names of kept teams first, so that two teams may swap names in one save.
    kept = [r for r in rows if not r.remove]
    for row in kept:
        if row.team is not None:
            Team.objects.filter(pk=row.team.pk).update(name=f"\u2060{row.team.pk}")
    for row in kept:
        team = row.team or Team(scenario=scenario)
        before = {"name": team.name, "role_card": team.role_card, "order": team.order}
        after = {"name": row.name, "role_card": row.role_card, "order": row.order}
        for name, value in after.items():
            setattr(team, name, value)
        team.full_clean(exclude=["scenario"], validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                team.save()
        except IntegrityError as error:
            raise ValidationError(
                _("Two teams are called “%(name)s”; give each team its own name.")
                % {"name": row.name},
                code="duplicate",
            ) from error
        _log_saved(
            team,
            "convenings.scenario.team_saved",
            created=row.team is None,
            before=before,
            after=after,
            shown_by=("name", team.name),
            by=by,
        )


@transaction.atomic
def save_injects(*, scenario: Scenario, rows: list[InjectRow], by) -> None:
    """Add, change, reorder and remove the scenario's injects in one go, all or nothing.
    A released inject never changes (and a released one means the exercise runs)."""
    row_scenario = _locked_scenario(scenario)
    _refuse_if_locked(row_scenario.convening, row_scenario)
    _own(rows, "inject", scenario)
    touched = [r.inject for r in rows if r.inject is not None]
    if Inject.objects.filter(pk__in=[i.pk for i in touched], released_at__isnull=False).exists():
        raise ScenarioLocked(_("A released inject cannot be changed. Nothing was saved."))
    kept = [r for r in rows if not r.remove]
    orders = [r.order for r in kept]
    problems = _inject_problems(kept)
    if problems:
        raise ValidationError(problems)
    for row in rows:
        if row.remove and row.inject is not None:
            log_action(
                row.inject,
                "convenings.scenario.inject_removed",
                by=by,
                data={"title": row.inject.title, "order": row.inject.order},
            )
            row.inject.delete()
    # Injects not in the editor keep their numbers; the form's numbers must not take them.
    listed = {i.pk for i in touched}
    others = set(scenario.injects.exclude(pk__in=listed).values_list("order", flat=True))
    if others & set(orders):
        raise ValidationError(
            {"order": _("Another inject already has this number. Nothing was saved.")}
        )
    # Park the numbers of kept injects first, so that a reorder may swap two of them.
    for row in kept:
        if row.inject is not None:
            Inject.objects.filter(pk=row.inject.pk).update(order=_PARKED + row.inject.order)
    for row in kept:
        _save_inject(row, scenario=scenario, by=by)


def _inject_problems(kept: list[InjectRow]) -> dict[str, str]:
    """What is wrong with the numbers and planned minutes of the injects kept, by field:
    a number given twice or out of range, a minute missing or below 0."""
    problems = {}
    orders = [r.order for r in kept]
    if len(set(orders)) != len(orders):
        twice = sorted({o for o in orders if orders.count(o) > 1})
        problems["order"] = _(
            "Two injects have the number %(order)s; give each inject its own number."
        ) % {"order": twice[0]}
    if any(not 1 <= r.order <= LARGEST_ORDER for r in kept):
        problems["order"] = _("Number the injects from 1 to %(largest)s.") % {
            "largest": LARGEST_ORDER
        }
    if any(r.planned_minute is None or r.planned_minute < 0 for r in kept):
        problems["planned_minute"] = _("The planned minute is a whole number, 0 or more.")
    return problems


def _save_inject(row: InjectRow, *, scenario: Scenario, by: User | None) -> None:
    """Create or change the inject of one editor row, and log it when it is new or
    changed."""
    inject = row.inject or Inject(scenario=scenario)
    names = ("order", "planned_minute", "title", "body")
    before = {name: getattr(inject, name, None) for name in names}
    after = {
        "order": row.order,
        "planned_minute": row.planned_minute,
        "title": row.title.strip(),
        "body": row.body.strip(),
    }
    for name, value in after.items():
        setattr(inject, name, value)
    inject.full_clean(exclude=["scenario"], validate_unique=False, validate_constraints=False)
    inject.save()
    _log_saved(
        inject,
        "convenings.scenario.inject_saved",
        created=row.inject is None,
        before=before,
        after=after,
        shown_by=("title", inject.title),
        by=by,
    )


def _log_saved(
    row,
    action: str,
    *,
    created: bool,
    before: dict,
    after: dict,
    shown_by: tuple[str, str],
    by: User | None,
) -> None:
    """Log a saved team or inject when it is new or one of ``after``'s fields differs
    from ``before``: whether it was created, which fields changed (sorted), and the
    ``shown_by`` key and value (its name or title) the entry is shown with."""
    changed = sorted(k for k in after if created or before[k] != after[k])
    if created or changed:
        key, value = shown_by
        log_action(row, action, by=by, data={"created": created, "fields": changed, key: value})
