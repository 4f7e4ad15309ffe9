"""Retention: rules that delete or strip what the programme no longer needs to hold.

Core imports no app: each app registers its rules here in its ``ready()`` (from a
``retention.py`` of its own), as it registers menu entries. ``kenesh purge`` (the
``kenesh_purge`` command) runs them. A rule's cut-off is ``now - KENESH_RETENTION_DAYS
[rule.policy]`` unless an explicit date overrides it for every rule.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from kenesh.core.audit import log_action
from kenesh.core.models import PlatformSetting


@dataclass(frozen=True)
class Rule:
    """One kind of record that goes after a time.

    ``find(before)`` returns the codes of what would go (never names); ``purge(before)``
    deletes or strips it and returns how many records it changed. Both read ``before``
    as an aware datetime."""

    name: str
    policy: str
    description: str | Promise  # registered at start-up: a lazy translation
    find: Callable[[datetime.datetime], list[str]]
    purge: Callable[[datetime.datetime], int]


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    before: datetime.datetime
    codes: list[str]
    count: int
    dry_run: bool


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    _rules[rule.name] = rule


def rules() -> list[Rule]:
    return [_rules[name] for name in sorted(_rules)]


def policy_days(rule: Rule) -> int:
    return int(settings.KENESH_RETENTION_DAYS[rule.policy])


def cutoff_for(rule: Rule, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment before which the rule's records go, by the policy in settings."""
    return (now or timezone.now()) - datetime.timedelta(days=policy_days(rule))


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight UTC at the start of ``day``: records older than that go."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def run_rule(rule: Rule, *, before: datetime.datetime, dry_run: bool) -> Outcome:
    """List what ``rule`` would remove before ``before``; unless ``dry_run``, remove it
    in one transaction and leave one audit entry (``core.retention.purged``)."""
    if dry_run:
        codes = rule.find(before)
        return Outcome(rule, before, codes, len(codes), dry_run=True)
    with transaction.atomic():
        codes = rule.find(before)
        count = rule.purge(before)
        record, _created = PlatformSetting.objects.get_or_create(key=f"retention.{rule.name}")
        record.value = {"before": before.isoformat(), "count": count}
        record.save(update_fields=["value", "updated_at"])
        log_action(
            record,
            "core.retention.purged",
            data={"rule": rule.name, "count": count, "before": before.date().isoformat()},
        )
    return Outcome(rule, before, codes, count, dry_run=False)
