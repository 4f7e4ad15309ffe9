"""Writes to influence: recommendations, their presentation at briefings, outcomes."""

from django.db import transaction

from kenesh.core.audit import log_action
from kenesh.influence.models import Outcome, Presentation, Recommendation


@transaction.atomic
def add_recommendation(*, paper, by, **fields) -> Recommendation:
    """Add a structured recommendation to a paper."""
    recommendation = Recommendation(paper=paper, order=paper.recommendations.count(), **fields)
    recommendation.full_clean()
    recommendation.save()
    log_action(recommendation, "influence.recommendation.added", by=by)
    return recommendation


@transaction.atomic
def record_presentation(*, recommendation, briefing, response, notes, by) -> Presentation:
    """Record that a recommendation was presented at a briefing, and how it was received."""
    presentation = Presentation(
        recommendation=recommendation,
        briefing=briefing,
        response=response,
        notes=notes,
        recorded_by=by,
    )
    presentation.full_clean()
    presentation.save()
    log_action(
        recommendation,
        "influence.recommendation.presented",
        by=by,
        data={"briefing": str(briefing.code), "response": response},
    )
    return presentation


@transaction.atomic
def record_outcome(*, recommendations, by, **fields) -> Outcome:
    """Harvest an outcome and link the recommendations it took up."""
    outcome = Outcome(**fields)
    outcome.full_clean()
    outcome.save()
    outcome.recommendations.set(recommendations)
    log_action(
        outcome,
        "influence.outcome.recorded",
        by=by,
        data={"substantiation": outcome.substantiation},
    )
    return outcome


@transaction.atomic
def propose_from_statement(*, statement, by) -> Recommendation:
    """Turn a statement of a conversation's common ground into a draft recommendation,
    for staff to complete (addressee, level, priority) in the back office."""
    existing = Recommendation.objects.filter(statement=statement).first()
    if existing is not None:
        return existing
    recommendation = Recommendation(
        statement=statement,
        text=statement.text,
        addressee="—",
        level="regional",
        order=0,
    )
    recommendation.full_clean()
    recommendation.save()
    log_action(
        recommendation,
        "influence.recommendation.proposed",
        by=by,
        data={"statement": str(statement.code)},
    )
    return recommendation
