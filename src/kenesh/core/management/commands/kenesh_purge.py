"""``kenesh purge`` (``kenesh manage kenesh_purge``): apply the retention rules.

Each rule removes what is older than its policy (``KENESH_RETENTION_DAYS``) unless
``--before YYYY-MM-DD`` names one date for every rule. ``--dry-run`` lists, by code and
never by name, what would go and changes nothing. Each rule runs in a transaction of its
own and leaves one audit entry.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kenesh.core import retention


def parse_before(value: str | None) -> datetime.datetime | None:
    """The start (midnight UTC) of the day given as YYYY-MM-DD; refused if malformed or
    after today."""
    if value is None:
        return None
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--before must be a date written YYYY-MM-DD, such as 2025-01-31 (got {value!r}).",
            returncode=2,
        ) from None
    if day > timezone.now().astimezone(datetime.UTC).date():
        raise CommandError(
            f"--before {day} is in the future: only what is already past can be purged.",
            returncode=2,
        )
    return retention.start_of_day(day)


class Command(BaseCommand):
    help = "Remove what the retention policy no longer keeps (see KENESH_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--before",
            help="remove what is older than this date (YYYY-MM-DD) for every rule; "
            "by default each rule's policy in days",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would go and change nothing"
        )

    def handle(self, *args, before=None, dry_run=False, **options):
        explicit = parse_before(before)
        rules = retention.rules()
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
        for rule in rules:
            cutoff = explicit or retention.cutoff_for(rule)
            outcome = retention.run_rule(rule, before=cutoff, dry_run=dry_run)
            verb = "would go" if dry_run else "removed"
            self.stdout.write(
                f"{rule.name} ({rule.description}), before {cutoff:%Y-%m-%d %H:%M} UTC: "
                f"{outcome.count} {verb}"
            )
            if dry_run:
                for code in outcome.codes:
                    self.stdout.write(f"  {code}")
        return None
