"""Reminders to reviewers a paper is waiting on: a week after the review began, then
each week, four times at most, each sent once (keyed on the paper, the review and the
week)."""

import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from kenesh.notifications import services as notify
from kenesh.notifications.models import Kind
from kenesh.papers.models import PaperReview, Status

EVERY = datetime.timedelta(days=7)
AT_MOST = 4


def send_review_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind each reviewer whose review of a paper in review is not in. Returns how many
    reminders were queued."""
    now = now or timezone.now()
    waiting = (
        PaperReview.objects.filter(paper__status=Status.IN_REVIEW, submitted_at__isnull=True)
        .select_related("paper", "reviewer__person")
        .annotate(
            began=Max("paper__events__at", filter=Q(paper__events__to_status=Status.IN_REVIEW))
        )
    )
    sent = 0
    for review in waiting:
        if review.began is None:
            continue
        weeks = (now - review.began) // EVERY
        if not 1 <= weeks <= AT_MOST:
            continue
        path = reverse("papers:paper-review", kwargs={"code": review.paper.code})
        with transaction.atomic():
            message = notify.send(
                to=review.reviewer,
                kind=Kind.REVIEW,
                template="papers/mail/review_reminder",
                context={
                    "paper": review.paper,
                    "review": review,
                    "weeks": weeks,
                    "link": notify.absolute(f"{path}?kind={review.kind}"),
                },
                key=f"review-reminder:{review.paper.code}:{review.kind}:{review.reviewer.code}:"
                f"{review.began.date().isoformat()}:{weeks}",
                url=f"{path}?kind={review.kind}",
            )
        sent += message is not None
    return sent
