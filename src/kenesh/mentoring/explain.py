"""The optimiser's reasons and conflicts, and recorded cohort decisions, in the reader's
language."""

from collections.abc import Iterable, Set
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kenesh.core.typography import quoted
from kenesh.mentoring.selection import (
    FOR_BALANCE,
    NOT_TOP,
    ON_SCORE,
    PASSED_OVER,
    Quota,
    Reason,
    Recorded,
)
from kenesh.people.models import Country, Gender, Sector

ATTRIBUTES = {"country": Country, "gender": Gender, "sector": Sector}


def quota(q: Quota) -> str:
    names = {"country": _("Country"), "gender": _("Gender"), "sector": _("Sector")}
    choices = ATTRIBUTES.get(q.attribute)
    value = dict(choices.choices).get(q.value, q.value) if choices else q.value
    bounds = []
    if q.minimum:
        bounds.append(
            ngettext("at least %(n)s person", "at least %(n)s people", q.minimum) % {"n": q.minimum}
        )
    if q.maximum is not None:
        bounds.append(
            ngettext("at most %(n)s person", "at most %(n)s people", q.maximum) % {"n": q.maximum}
        )
    return f"{names.get(q.attribute, q.attribute)} {quoted(str(value))}: {', '.join(bounds)}"


def reason(r: Reason) -> str:
    """``r`` in the reader's language; a sentence of the first release that could not be
    read back into a kind stays as it was written (in English)."""
    texts = {
        ON_SCORE: _("chosen on score"),
        FOR_BALANCE: _("chosen for balance"),
        PASSED_OVER: _("passed over for balance"),
        NOT_TOP: _("not among the highest scores"),
    }
    if r.kind not in texts:
        return r.text
    text = texts[r.kind]
    return f"{text} ({'; '.join(quota(q) for q in r.quotas)})" if r.quotas else text


@dataclass(frozen=True)
class Row:
    """One applicant in a recorded decision: chosen or not, and the optimiser's reason
    put into words (``as_written``: an English sentence of the first release, shown as
    it was stored; ``why`` is empty when no reason was recorded)."""

    application: object
    chosen: bool
    why: str
    as_written: bool = False
    conflicted: bool = False


@dataclass(frozen=True)
class Decision:
    """A recorded cohort decision as shown: its balance rules and, per applicant, the
    outcome and the reason."""

    decision: object
    quotas: tuple[str, ...]
    rows: tuple[Row, ...]


def decision(
    record: object,
    recorded: Recorded,
    applications: Iterable,
    chosen: Set[int],
    conflicted: Set[int] = frozenset(),
) -> Decision:
    """``recorded`` (read from the decision ``record``) in the reader's language, for
    ``applications`` (their reasons left out where the reader declared a conflict)."""
    rows = []
    for application in applications:
        r = recorded.reason_for(application.pk)
        hidden = application.pk in conflicted
        rows.append(
            Row(
                application,
                application.pk in chosen,
                "" if r is None or hidden else reason(r),
                as_written=r is not None and not hidden and r.kind == "" and bool(r.text),
                conflicted=hidden,
            )
        )
    return Decision(
        record,
        tuple(quota(q) for q in recorded.quotas if q.minimum or q.maximum is not None),
        tuple(rows),
    )
