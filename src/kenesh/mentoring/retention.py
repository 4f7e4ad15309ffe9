"""Mentoring's retention rules (registered in ``MentoringConfig.ready``).

- ``mentoring.applications``: applications not selected, of calls that closed before the
  cut-off, with their reviews and their files (CV, writing sample); also replacements
  never confirmed that were sent before it (once their link has expired). Applications
  chosen in any cohort decision stay, so every decision still lists whom it chose.
  Before rows go, each call keeps how many applications were removed, by gender,
  country and sector (a platform setting ``retention.call.<code>``), so the call's
  numbers survive the purge.
- ``mentoring.session_notes``: the notes of mentoring sessions held before the cut-off
  are blanked; the session (date, how, topics) stays for counts.
"""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenesh.core.models import PlatformSetting
from kenesh.core.retention import Rule, register
from kenesh.mentoring.models import (
    Application,
    ApplicationStatus,
    CohortDecision,
    MentoringSession,
    PendingApplication,
)
from kenesh.mentoring.rules import REPLACEMENT_HOURS


def _delete_files_on_commit(rows) -> None:
    names = [(f.storage, f.name) for row in rows for f in (row.cv, row.writing_sample) if f.name]

    def remove():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove)


def _old_applications(before):
    chosen = CohortDecision.chosen.through.objects.values("application_id")
    return (
        Application.objects.filter(call__closes_on__lt=before.date())
        .exclude(status=ApplicationStatus.SELECTED)
        .exclude(pk__in=chosen)
        .order_by("pk")
    )


def _old_pending(before):
    # A replacement still waiting for its confirmation link is left alone.
    expired = min(before, timezone.now() - datetime.timedelta(hours=REPLACEMENT_HOURS))
    return PendingApplication.objects.filter(
        Q(created_at__lt=expired) | Q(application__in=_old_applications(before))
    ).order_by("pk")


def find_applications(before) -> list[str]:
    return [
        f"application {code}" for code in _old_applications(before).values_list("code", flat=True)
    ] + [f"replacement {code}" for code in _old_pending(before).values_list("code", flat=True)]


def _keep_call_numbers(applications) -> None:
    by_call: dict[str, list] = {}
    for application in applications:
        by_call.setdefault(str(application.call.code), []).append(application)
    for code, removed in by_call.items():
        record, _created = PlatformSetting.objects.get_or_create(key=f"retention.call.{code}")
        numbers = record.value or {}
        numbers["applications_removed"] = numbers.get("applications_removed", 0) + len(removed)
        for field in ("gender", "country", "sector"):
            counts = Counter(numbers.get(f"by_{field}", {}))
            counts.update(getattr(a, field) for a in removed)
            numbers[f"by_{field}"] = dict(sorted(counts.items()))
        record.value = numbers
        record.save(update_fields=["value", "updated_at"])


def purge_applications(before) -> int:
    pending = list(_old_pending(before))
    applications = list(_old_applications(before).select_related("call"))
    _keep_call_numbers(applications)
    _delete_files_on_commit(pending + applications)
    PendingApplication.objects.filter(pk__in=[p.pk for p in pending]).delete()
    # Reviews go with their application (on_delete=CASCADE).
    Application.objects.filter(pk__in=[a.pk for a in applications]).delete()
    return len(pending) + len(applications)


def _old_notes(before):
    return MentoringSession.objects.filter(date__lt=before.date()).exclude(notes="").order_by("pk")


def find_session_notes(before) -> list[str]:
    return [
        f"session {pk} of mentorship {code}"
        for pk, code in _old_notes(before).values_list("pk", "mentorship__code")
    ]


def purge_session_notes(before) -> int:
    return _old_notes(before).update(notes="")


def register_rules() -> None:
    register(
        Rule(
            name="mentoring.applications",
            policy="applications",
            description=_("applications not selected, with their reviews and files"),
            find=find_applications,
            purge=purge_applications,
        )
    )
    register(
        Rule(
            name="mentoring.session_notes",
            policy="session_notes",
            description=_("notes of mentoring sessions"),
            find=find_session_notes,
            purge=purge_session_notes,
        )
    )
