"""Access's retention rules (registered in ``AccessConfig.ready``).

- ``access.sessions``: signed-in session rows last seen before the cut-off that have
  ended by the idle or absolute limit (a live session is never cut short here), and
  Django's session rows that expired before it.
- ``access.sign_in_failures``: django-axes' records of failed sign-ins made before the
  cut-off (attempts and the failure log; the access log is switched off).
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenesh.access.models import UserSession
from kenesh.core.retention import Rule, register


def _old_sessions(before):
    now = timezone.now()
    ended = Q(
        last_seen_at__lt=now - datetime.timedelta(minutes=settings.KENESH_SESSION_IDLE_MINUTES)
    )
    ended |= Q(created_at__lt=now - datetime.timedelta(hours=settings.KENESH_SESSION_MAX_HOURS))
    return UserSession.objects.filter(ended, last_seen_at__lt=before).order_by("pk")


def _expired_browser_sessions(before):
    # Django's own session rows, link voters' included (their invitation is kept there);
    # the key is a secret, so they are listed by number only.
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=min(before, timezone.now()))


def find_sessions(before) -> list[str]:
    codes = [f"session {code}" for code in _old_sessions(before).values_list("code", flat=True)]
    expired = _expired_browser_sessions(before).count()
    return codes + [f"expired browser session {n}" for n in range(1, expired + 1)]


def purge_sessions(before) -> int:
    count, _by_model = _old_sessions(before).delete()
    expired, _by_model = _expired_browser_sessions(before).delete()
    return count + expired


def _failure_models():
    from axes.models import AccessAttempt, AccessFailureLog

    return AccessAttempt, AccessFailureLog


def find_failures(before) -> list[str]:
    return [
        f"{model._meta.model_name} {pk}"
        for model in _failure_models()
        for pk in model.objects.filter(attempt_time__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


def purge_failures(before) -> int:
    return sum(
        model.objects.filter(attempt_time__lt=before).delete()[0] for model in _failure_models()
    )


def register_rules() -> None:
    register(
        Rule(
            name="access.sessions",
            policy="sessions",
            description=_("records of ended sign-in sessions"),
            find=find_sessions,
            purge=purge_sessions,
        )
    )
    register(
        Rule(
            name="access.sign_in_failures",
            policy="sign_in_failures",
            description=_("records of failed sign-ins"),
            find=find_failures,
            purge=purge_failures,
        )
    )
