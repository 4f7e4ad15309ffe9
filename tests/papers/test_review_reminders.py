"""Reviewers a paper waits on are reminded weekly, each reminder once, never after their
review is in."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from kenesh.papers import reminders
from kenesh.papers.models import PaperEvent, Status
from tests.papers.conftest import advance

pytestmark = pytest.mark.django_db


def remind(capture, now):
    with capture(execute=True):
        return reminders.send_review_reminders(now=now)


def test_reviewers_are_reminded_weekly_once_and_not_after_their_review(
    personas, paper, django_capture_on_commit_callbacks
):
    advance(paper, personas, "in_review")
    began = PaperEvent.objects.filter(paper=paper, to_status=Status.IN_REVIEW).get().at
    mail.outbox.clear()
    capture = django_capture_on_commit_callbacks
    assert remind(capture, began + datetime.timedelta(days=6)) == 0
    assert remind(capture, began + datetime.timedelta(days=7, hours=1)) == 2
    assert remind(capture, began + datetime.timedelta(days=8)) == 0  # same week: once
    assert {m.subject for m in mail.outbox} == {
        "Reminder: your review of “Sharing river data (fictional)”"
    }
    review = paper.reviews.get(kind="mentor")
    review.submitted_at = timezone.now()
    review.save()
    mail.outbox.clear()
    assert remind(capture, began + datetime.timedelta(days=14, hours=1)) == 1
    [reminder] = mail.outbox
    assert reminder.to != [personas["mentor"].person.email]
    assert "2 weeks" in reminder.body
    # Never more than four, and never once the paper has left review.
    assert remind(capture, began + datetime.timedelta(days=40)) == 0
