"""Retention: `kenesh purge` removes what the policy no longer keeps, and only that."""

import datetime
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.utils import timezone

from kenesh.access.models import UserSession
from kenesh.core.audit_display import describe
from kenesh.core.models import AuditEntry, PlatformSetting
from kenesh.deliberation import services as deliberation
from kenesh.deliberation.models import Conversation, Participant, Statement, Vote
from kenesh.deliberation.queries import analysis_input
from kenesh.mentoring.models import (
    DEFAULT_CRITERIA,
    Application,
    ApplicationStatus,
    Call,
    MentoringSession,
    Mentorship,
    PendingApplication,
    Review,
)
from tests.deliberation.conftest import water_conversation
from tests.factories import PersonFactory
from tests.mentoring.test_reviews_and_mentorships import applicant

NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=800)
CUT = (NOW - datetime.timedelta(days=400)).date().isoformat()  # --before for every rule


def old_call(title="Fictional call of long ago", closes=None):
    closes = closes or LONG_AGO.date()
    return Call.objects.create(
        title=title,
        criteria=DEFAULT_CRITERIA,
        opens_on=closes - datetime.timedelta(days=30),
        closes_on=closes,
        cohort_size=1,
    )


def closed_conversation(persons, *, at=LONG_AGO):
    """A named conversation closed long ago, in which each person voted on each statement."""
    conversation = water_conversation()
    for i, person in enumerate(persons):
        participant = deliberation.join(conversation=conversation, person=person)
        for statement in conversation.statements.all()[:4]:
            Vote.objects.create(
                participant=participant,
                statement=statement,
                value=(-1, 0, 1)[(i + statement.number) % 3],
                language="en",
            )
    Conversation.objects.filter(pk=conversation.pk).update(is_open=False, created_at=at)
    Statement.objects.filter(conversation=conversation).update(created_at=at)
    Vote.objects.filter(statement__conversation=conversation).update(updated_at=at)
    return conversation


@pytest.fixture
def programme(personas, settings, tmp_path):
    """Old and recent records of every kind a rule looks at."""
    settings.MEDIA_ROOT = tmp_path
    call = old_call()
    not_chosen = applicant(call, "notchosen")
    Review.objects.create(application=not_chosen, reviewer=personas["mentor"], scores={})
    undecided = applicant(call, "undecided")
    chosen = applicant(call, "chosen")
    Application.objects.filter(pk=chosen.pk).update(status=ApplicationStatus.SELECTED)
    Application.objects.filter(pk=not_chosen.pk).update(status=ApplicationStatus.NOT_SELECTED)
    recent_call = old_call("A recent call", closes=NOW.date() - datetime.timedelta(days=10))
    recent = applicant(recent_call, "recent")

    mentorship = Mentorship.objects.create(
        mentor=personas["mentor"].person,
        mentee=personas["young_expert"].person,
        started_on=LONG_AGO.date(),
    )
    old_notes = MentoringSession.objects.create(
        mentorship=mentorship, date=LONG_AGO.date(), mode="online", topics="Drafting",
        notes="Canary note about a family matter",
    )  # fmt: skip
    new_notes = MentoringSession.objects.create(
        mentorship=mentorship, date=NOW.date(), mode="online", topics="Editing",
        notes="Recent note",
    )  # fmt: skip

    voters = [PersonFactory() for _ in range(3)]
    closed = closed_conversation(voters)
    open_now = water_conversation()
    open_participant = deliberation.join(conversation=open_now, person=voters[0])

    user = personas["expert"]
    old_session = UserSession.objects.create(
        user=user, key_hash="a" * 64, created_at=LONG_AGO, last_seen_at=LONG_AGO
    )
    live_session = UserSession.objects.create(
        user=user, key_hash="b" * 64, created_at=NOW, last_seen_at=NOW
    )
    old_failure = AccessAttempt.objects.create(
        username="expert", ip_address="203.0.113.9", user_agent="x", failures_since_start=1
    )
    AccessAttempt.objects.filter(pk=old_failure.pk).update(attempt_time=LONG_AGO)
    return {
        "not_chosen": not_chosen, "undecided": undecided, "chosen": chosen, "recent": recent,
        "call": call, "old_notes": old_notes, "new_notes": new_notes, "closed": closed,
        "voters": voters, "open_participant": open_participant, "old_session": old_session,
        "live_session": live_session, "old_failure": old_failure,
    }  # fmt: skip


def purge(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("kenesh_purge", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        sorted(Application.objects.values_list("pk", flat=True)),
        sorted(MentoringSession.objects.values_list("pk", "notes")),
        sorted(Participant.objects.values_list("pk", "person_id")),
        sorted(UserSession.objects.values_list("pk", flat=True)),
        AccessAttempt.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_dry_run_lists_what_would_go_by_code_and_changes_nothing(programme):
    before = snapshot()
    output = purge("--before", CUT, "--dry-run")
    assert snapshot() == before
    assert not PlatformSetting.objects.filter(key__startswith="retention.").exists()
    assert f"application {programme['not_chosen'].code}" in output
    assert f"application {programme['undecided'].code}" in output
    assert str(programme["chosen"].code) not in output
    assert str(programme["recent"].code) not in output
    assert f"session {programme['old_notes'].pk} of mentorship" in output
    for participant in Participant.objects.filter(conversation=programme["closed"]):
        assert str(participant.code) in output
    assert str(programme["open_participant"].code) not in output
    assert f"session {programme['old_session'].code}" in output
    assert str(programme["live_session"].code) not in output
    # Codes, never names.
    for name in ["notchosen", "undecided", "Canary", *(p.name for p in programme["voters"])]:
        assert name not in output


def test_applications_not_selected_go_with_their_reviews_and_files(
    programme, django_capture_on_commit_callbacks
):
    gone = [programme["not_chosen"], programme["undecided"]]
    files = [Path(f.path) for a in gone for f in (a.cv, a.writing_sample)]
    kept_files = [Path(programme["chosen"].cv.path), Path(programme["recent"].cv.path)]
    assert all(f.exists() for f in files + kept_files)
    with django_capture_on_commit_callbacks(execute=True):
        output = purge("--before", CUT)
    assert "mentoring.applications" in output and ": 2 removed" in output
    assert set(Application.objects.values_list("name", flat=True)) == {"chosen", "recent"}
    assert not Review.objects.exists()
    assert not any(f.exists() for f in files)
    assert all(f.exists() for f in kept_files)
    # The call's numbers survive its rows.
    numbers = PlatformSetting.objects.get(key=f"retention.call.{programme['call'].code}").value
    assert numbers["applications_removed"] == 2
    assert numbers["by_gender"] == {"female": 2} and numbers["by_country"] == {"TJ": 2}
    entry = AuditEntry.objects.get(
        action="core.retention.purged", data__rule="mentoring.applications"
    )
    assert entry.data["count"] == 2 and entry.actor is None


def test_expired_replacements_go_and_a_waiting_one_stays(
    programme, django_capture_on_commit_callbacks
):
    def replacement(application, sent):
        pending = PendingApplication(application=application)
        for field in PendingApplication.CONTENT_FIELDS:
            setattr(pending, field, getattr(application, field))
        pending.save()
        PendingApplication.objects.filter(pk=pending.pk).update(created_at=sent)
        return pending

    # Replacements of an application that stays (a chosen one).
    expired = replacement(programme["chosen"], NOW - datetime.timedelta(days=5))
    waiting = replacement(programme["chosen"], NOW - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        purge("--before", NOW.date().isoformat())
    assert list(PendingApplication.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not PendingApplication.objects.filter(pk=expired.pk).exists()


def test_old_session_notes_are_blanked_and_the_sessions_kept_for_counts(programme):
    purge("--before", CUT)
    old = MentoringSession.objects.get(pk=programme["old_notes"].pk)
    assert old.notes == "" and old.topics == "Drafting" and old.date == LONG_AGO.date()
    assert MentoringSession.objects.get(pk=programme["new_notes"].pk).notes == "Recent note"


def test_votes_lose_their_people_and_the_opinion_map_keeps_every_vote(programme):
    closed = programme["closed"]
    rows_before, attributes_before, _excluded = analysis_input(closed)
    counts_before = Counter((number, value) for _p, number, value in rows_before)
    purge("--before", CUT)
    rows_after, attributes_after, _excluded = analysis_input(closed)
    assert Counter((number, value) for _p, number, value in rows_after) == counts_before
    assert len(rows_after) == 12 and attributes_after == attributes_before
    participants = Participant.objects.filter(conversation=closed)
    assert participants.count() == 3 and not participants.filter(person__isnull=False).exists()
    # Their times are cut to the day, as a pseudonymous participant's are.
    for vote in Vote.objects.filter(statement__conversation=closed):
        assert vote.updated_at == deliberation.day_of(vote.updated_at)
    # An open conversation keeps its people.
    assert Participant.objects.get(pk=programme["open_participant"].pk).person is not None


def test_a_closed_conversation_with_recent_votes_keeps_its_people(programme):
    # Opened long ago, but voted in today: its last activity is after the cut-off.
    recent = closed_conversation([programme["voters"][0]])
    Vote.objects.filter(statement__conversation=recent).update(updated_at=timezone.now())
    purge("--before", timezone.now().date().isoformat())
    assert Participant.objects.get(conversation=recent).person is not None
    assert not Participant.objects.filter(conversation=programme["closed"], person__isnull=False)


def test_ended_sessions_and_old_sign_in_failures_go_live_sessions_stay(programme):
    purge("--before", CUT)
    assert list(UserSession.objects.values_list("pk", flat=True)) == [programme["live_session"].pk]
    assert not AccessAttempt.objects.exists()


def test_without_a_date_each_rule_keeps_what_its_policy_keeps(programme, settings):
    settings.KENESH_RETENTION_DAYS = {
        "applications": 10_000,  # older than any call here: applications stay
        "session_notes": 1,
        "vote_links": 10_000,
        "sessions": 1,
        "sign_in_failures": 10_000,
        "merged_records": 10_000,
    }
    purge()
    assert Application.objects.count() == 4
    assert MentoringSession.objects.get(pk=programme["old_notes"].pk).notes == ""
    assert not Participant.objects.filter(person__isnull=True).exists()
    assert not UserSession.objects.filter(pk=programme["old_session"].pk).exists()
    assert AccessAttempt.objects.exists()
    entries = AuditEntry.objects.filter(action="core.retention.purged")
    assert entries.count() == 6  # one per rule, even when it removed nothing
    sentence = describe(entries.get(data__rule="mentoring.session_notes"))
    assert "mentoring.session_notes" in sentence and "1" in sentence


@pytest.mark.parametrize(
    ("before", "message"),
    [
        ("31.01.2025", "YYYY-MM-DD"),
        ("2025-02-30", "YYYY-MM-DD"),
        ("yesterday", "YYYY-MM-DD"),
        ((NOW + datetime.timedelta(days=2)).date().isoformat(), "in the future"),
    ],
)
def test_a_bad_date_is_explained_and_changes_nothing(programme, before, message):
    state = snapshot()
    with pytest.raises(CommandError, match=message) as error:
        purge("--before", before)
    assert error.value.returncode == 2
    assert snapshot() == state


def test_kenesh_purge_from_the_command_line(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KENESH_", "DJANGO_"))}

    def kenesh(*args):
        return subprocess.run(
            [sys.executable, "-m", "kenesh.cli", args[0], "--data-dir", str(tmp_path), *args[1:]],
            env=clean, text=True, capture_output=True, timeout=300,
        )  # fmt: skip

    assert kenesh("manage", "migrate", "--verbosity", "0").returncode == 0
    dry = kenesh("purge", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: nothing is changed." in dry.stdout
    assert "mentoring.applications" in dry.stdout and "0 would go" in dry.stdout
    bad = kenesh("purge", "--before", "2025-13-01")
    assert bad.returncode == 2
    assert "YYYY-MM-DD" in bad.stderr
