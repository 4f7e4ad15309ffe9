"""Reads shaped for the deliberation pages, and the opinion map's stored form."""

import datetime
import random
import uuid
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import get_language

from kenesh.core.numbers import format_number
from kenesh.deliberation.models import (
    Analysis,
    AnalysisRun,
    Conversation,
    Participant,
    Statement,
    StatementStatus,
    Translation,
    Vote,
)
from kenesh.deliberation.opinion import OpinionMap
from kenesh.deliberation.opinion.result import MapResult, Tally
from kenesh.people.models import Country
from kenesh.people.queries import SMALL_CELL

ATTRIBUTES = ("country", "track", "sector")


def analysis_input(conversation):
    """Vote rows (participant id, statement number, value) in the order they were
    last changed, declared attributes, and the rejected statement numbers, which the
    analysis zeroes out as Pol.is does (votes on them move no one)."""
    rows = list(
        Vote.objects.filter(statement__conversation=conversation)
        .exclude(statement__status=StatementStatus.PENDING)
        .order_by("updated_at", "id")
        .values_list("participant_id", "statement__number", "value")
    )
    voters = {p for p, _s, _v in rows}
    attributes = {}
    for participant in Participant.objects.filter(pk__in=voters).values("pk", *ATTRIBUTES):
        declared = {a: participant[a] for a in ATTRIBUTES if participant[a]}
        if declared:
            attributes[participant["pk"]] = declared
    excluded = list(
        conversation.statements.filter(status=StatementStatus.REJECTED).values_list(
            "number", flat=True
        )
    )
    return rows, attributes, excluded


def serialize(opinion_map: OpinionMap) -> dict:
    """The opinion map as JSON, as ``Analysis.result`` stores it and the JSON export
    gives it: statements by number, participants by id (see ``MapResult``)."""
    return MapResult.from_map(opinion_map).to_json()


def latest_analysis(conversation) -> Analysis | None:
    return conversation.analyses.order_by("-created_at", "-id").first()


@dataclass(frozen=True)
class Progress:
    """Where the latest request to redraw a conversation's map stands."""

    status: str  # AnalysisRun.Status
    reason: str
    requested_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    message: str  # why it failed, for staff

    @property
    def finished(self) -> bool:
        return self.status in {AnalysisRun.Status.DONE, AnalysisRun.Status.FAILED}


def analysis_progress(conversation) -> Progress | None:
    """The latest analysis run of ``conversation``, as the page shows it. A run the
    task queue has given up on (its worker died too often) shows as failed, even though
    the run itself never heard of it."""
    run = conversation.analysis_runs.order_by("-requested_at", "-id").first()
    if run is None:
        return None
    status, message = run.status, run.message
    if status in {AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING} and run.task_id:
        queued = _queued_status(run.task_id)
        if queued == "FAILED":
            status, message = AnalysisRun.Status.FAILED, "The task queue gave up on the job."
        elif queued == "READY":
            status = AnalysisRun.Status.QUEUED
    return Progress(
        status=status,
        reason=run.reason,
        requested_at=run.requested_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        message=message,
    )


def _queued_status(task_id: str) -> str | None:
    """The task backend's word on a job, where it keeps one."""
    from kenesh.deliberation.tasks import analyze_conversation

    backend = analyze_conversation.get_backend()
    if not getattr(backend, "supports_get_result", False):
        return None
    try:
        return str(backend.get_result(task_id).status)
    except Exception:  # gone from the queue, or a queue that cannot say
        return None


def conversation_list(user):
    from kenesh.deliberation.models import Conversation

    return (
        Conversation.objects.visible_to(user)
        .select_related("convening")
        .annotate(
            statement_count=Count(
                "statements", filter=Q(statements__status=StatementStatus.ACCEPTED), distinct=True
            ),
            participant_count=Count(
                "participants", filter=Q(participants__votes__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at")
    )


def next_statement(conversation, participant=None, *, seed: int = 0) -> Statement | None:
    """The next statement to offer: every accepted statement the participant has not
    voted on, favouring new ones and those that split opinion, as Pol.is does (its
    priority is importance x novelty, squared). The draw is seeded by the participant
    (or, before their first vote, by ``seed``) and how far they are, so a reload offers
    the same statement."""
    statements = conversation.statements.filter(status=StatementStatus.ACCEPTED)
    if participant is not None:
        statements = statements.exclude(votes__participant=participant)
    candidates = list(
        statements.annotate(
            agree=Count("votes", filter=Q(votes__value=1)),
            passed=Count("votes", filter=Q(votes__value=0)),
            seen=Count("votes"),
        ).prefetch_related("translations")
    )
    if not candidates:
        return None
    weights = []
    for s in candidates:
        a = (s.agree + 1) / (s.seen + 2)
        p = (s.passed + 1) / (s.seen + 2)
        importance = (1 - p) * a
        novelty = 1 + 8 * 2 ** (-s.seen / 5)
        weights.append((importance * novelty) ** 2)
    done = participant.votes.count() if participant is not None else 0
    base = participant.pk if participant is not None else -1 - seed
    rng = random.Random(base * 100_003 + done)
    return rng.choices(candidates, weights=weights)[0]


def text_in(statement, language: str) -> tuple[str, str]:
    """The statement's text in ``language`` when a translation exists, and which."""
    if statement.language == language:
        return statement.text, language
    for translation in statement.translations.all():
        if translation.language == language:
            return translation.text, language
    return statement.text, statement.language


def visible_group_sizes(result: MapResult, *, exact: bool) -> dict[int, int]:
    """Group sizes a viewer may see: groups under SMALL_CELL are hidden from non-staff."""
    if exact:
        return dict(result.group_sizes)
    return {g: n for g, n in result.group_sizes.items() if n >= SMALL_CELL}


def results_view(conversation: Conversation, result: MapResult, *, exact: bool) -> dict:
    """The stored map shaped for the results page. For non-staff, groups and attribute
    cells under SMALL_CELL people are left out, and said to be."""
    texts = _statement_texts(conversation)
    shown = visible_group_sizes(result, exact=exact)
    values, country_rows = _country_common_ground(result, texts, exact=exact)
    labels = dict(Country.choices)
    return {
        "map_stability": result.stability,
        "groups": _group_cards(result, texts, shown),
        "hidden_groups": len(result.group_sizes) - len(shown),
        "consensus": _consensus_rows(result, texts, shown),
        "bridging": _bridging_rows(result, texts, shown),
        "country_values": [labels.get(v, v) for v in values],
        "country_rows": country_rows,
        "map_points": _map_points(result, shown),
    }


@dataclass(frozen=True)
class _StatementTexts:
    """By statement number: the text shown (in the reader's language where a checked
    translation exists), the language of that text (for its lang attribute), the
    statement's code, and the recommendation already made from it, if any."""

    text: dict[int, str]
    lang: dict[int, str]
    code: dict[int, uuid.UUID]
    recommendation: dict[int, uuid.UUID]


def _statement_texts(conversation: Conversation) -> _StatementTexts:
    """The conversation's statements as the results page names them, in three queries."""
    rows = conversation.statements.values_list("number", "text", "code", "language")
    texts = {number: text for number, text, _code, _lang in rows}
    codes = {number: code for number, _text, code, _lang in rows}
    langs = {number: lang for number, _text, _code, lang in rows}
    # Statements of common ground already turned into a recommendation link to it.
    recommended = dict(
        conversation.statements.filter(recommendations__isnull=False).values_list(
            "number", "recommendations__code"
        )
    )
    language = (get_language() or "")[:2]
    # Show each statement in the reader's language where a checked translation exists.
    translated = dict(
        Translation.objects.filter(statement__conversation=conversation, language=language)
        .exclude(statement__language=language)
        .values_list("statement__number", "text")
    )
    texts.update(translated)
    langs.update(dict.fromkeys(translated, language))
    return _StatementTexts(text=texts, lang=langs, code=codes, recommendation=recommended)


def _group_cards(result: MapResult, texts: _StatementTexts, shown: dict[int, int]) -> list[dict]:
    """Each shown group, lettered, with its size, stability and representative
    statements (each with the group's agreement)."""
    groups = []
    for g in sorted(shown):
        rows = [
            {
                "statement": pick.statement,
                "direction": pick.direction,
                "share": pick.share,
                "significant": pick.significant,
                "text": texts.text.get(pick.statement, ""),
                "lang": texts.lang.get(pick.statement, ""),
                "agreement": result.agreement(g, pick.statement),
            }
            for pick in result.representative.get(g, ())
        ]
        groups.append(
            {
                "number": g,
                "letter": chr(65 + g),
                "size": shown[g],
                "stability": result.group_stability.get(g),
                "rows": rows,
            }
        )
    return groups


def _per_group(
    result: MapResult, shown: dict[int, int], number: int
) -> list[tuple[str, Tally | None]]:
    """How each shown group, by its letter, voted on statement ``number``."""
    return [(chr(65 + g), result.agreement(g, number)) for g in sorted(shown)]


def _consensus_rows(result: MapResult, texts: _StatementTexts, shown: dict[int, int]) -> list[dict]:
    """The ten strongest statements of consensus, with how each shown group voted."""
    return [
        {
            "code": texts.code.get(n),
            "recommendation": texts.recommendation.get(n),
            "number": n,
            "text": texts.text.get(n, ""),
            "lang": texts.lang.get(n, ""),
            "groups": _per_group(result, shown, n),
            "gic": result.group_consensus.get(n),
        }
        for n in result.consensus[:10]
    ]


def _bridging_rows(result: MapResult, texts: _StatementTexts, shown: dict[int, int]) -> list[dict]:
    """The ten most bridging statements, with how each shown group voted."""
    return [
        {
            "number": n,
            "text": texts.text.get(n, ""),
            "lang": texts.lang.get(n, ""),
            "score": score,
            # localized, at most two decimals, a real minus sign when negative
            "score_text": format_number(score, most=2),
            "groups": _per_group(result, shown, n),
        }
        for n, score in result.most_bridging(10)
    ]


@dataclass(frozen=True)
class CountryCell:
    """How the people of one country voted on a statement of common ground: ``tally``
    None when none of them saw it; ``hidden`` when fewer than SMALL_CELL did and the
    reader may not see small cells."""

    tally: Tally | None
    hidden: bool = False


def _country_common_ground(
    result: MapResult, texts: _StatementTexts, *, exact: bool
) -> tuple[list[str], list[dict]]:
    """The countries that declared themselves, and the ten statements of common ground
    across them with each country's votes; for non-staff, cells of fewer than
    SMALL_CELL people are hidden."""
    countries = result.by_attribute.get("country", {})
    values = sorted(countries)
    country_rows = []
    for n in result.common_ground.get("country", ())[:10]:
        cells = []
        for value in values:
            tally = countries[value].get(n)
            small = tally is not None and not exact and tally.seen < SMALL_CELL
            cells.append(CountryCell(None, hidden=True) if small else CountryCell(tally))
        country_rows.append(
            {
                "number": n,
                "text": texts.text.get(n, ""),
                "lang": texts.lang.get(n, ""),
                "cells": cells,
            }
        )
    return values, country_rows


def _map_points(result: MapResult, shown: dict[int, int]) -> list[dict]:
    """The clustered participants' points on the map; those of hidden groups in no group."""
    return [
        {"x": x, "y": y, "g": result.groups[p] if result.groups[p] in shown else None}
        for p, (x, y) in result.coordinates.items()
        if p in result.groups
    ]
