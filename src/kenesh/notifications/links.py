"""Signed links in mail that let a person act without signing in (answer an invitation,
mark a date poll, unsubscribe from a kind of mail).

A link carries what it does (``action``), on what (``target``, a public code), an
optional ``choice``, the moment it stops working and a nonce; it is signed with the
installation's secret key, so it cannot be forged or altered. A link meant to be used
once is spent by recording its nonce, in the same transaction as what it does: if that
fails, the link still works.
"""

import datetime
import re
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kenesh.notifications.models import SpentLink

SALT = "kenesh.notifications.links"
# However far away the day a link is meant for, it stops working after this long.
LONGEST = datetime.timedelta(days=180)


class LinkRefused(Exception):
    """The link cannot be used: ``reason`` is "forged", "expired", "wrong" or "sign_in"; the
    message says so in the reader's language."""

    MESSAGES = {
        "forged": _("This link is not valid: it may have been cut short or altered. Copy "
                    "the whole link from the mail, or sign in to answer."),
        "expired": _("This link has expired. Sign in to the platform, or write to the "
                     "programme team."),
        "wrong": _("This link is for something else."),
        "sign_in": _("For this meeting, answer on the platform after signing in."),
    }  # fmt: skip

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


@dataclass(frozen=True)
class Link:
    action: str
    target: str
    choice: str
    nonce: str
    until: datetime.datetime


def make(*, action: str, target: str, until: datetime.datetime, choice: str = "",
         nonce: str = "") -> str:  # fmt: skip
    """A signed token for ``action`` on ``target``, working until ``until`` (at most
    ``LONGEST`` from now). Links sharing a ``nonce`` (accept and decline in one mail)
    are spent together."""
    until = min(until, timezone.now() + LONGEST)
    payload = {
        "a": action,
        "t": target,
        "c": choice,
        "n": nonce or secrets.token_urlsafe(12),
        "u": int(until.timestamp()),
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def read(token: str, *, action: str) -> Link:
    """The link a token stands for; raises ``LinkRefused`` if it was forged, is for
    another action, or has expired."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise LinkRefused("forged") from None
    if not isinstance(payload, dict) or not {"a", "t", "c", "n", "u"} <= payload.keys():
        raise LinkRefused("forged")
    if payload["a"] != action:
        raise LinkRefused("wrong")
    until = datetime.datetime.fromtimestamp(int(payload["u"]), tz=datetime.UTC)
    if timezone.now() > until:
        raise LinkRefused("expired")
    return Link(
        action=payload["a"],
        target=str(payload["t"]),
        choice=str(payload["c"]),
        nonce=str(payload["n"]),
        until=until,
    )


def is_spent(link: Link) -> bool:
    return SpentLink.objects.filter(nonce=link.nonce).exists()


def spend(link: Link) -> bool:
    """Record that ``link`` was used; False if it had been used already. Call it inside
    the transaction that does what the link asks."""
    try:
        with transaction.atomic():
            SpentLink.objects.create(nonce=link.nonce, action=link.action)
    except IntegrityError:
        return False
    return True


# A signed token as a path segment of a link: payload, time and signature.
_TOKEN_IN_PATH = re.compile(r"/\.?[A-Za-z0-9_-]{10,}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+/")


def redact(text: str) -> str:
    """``text`` with every signed link's token cut out, for pages that show a sent
    message to someone other than its recipient (the outbox): a link there must not
    work for the reader (a set-password link would hand over the account)."""
    return _TOKEN_IN_PATH.sub("/…/", text)
