"""Writes to influence: recommendations, their presentation at briefings, outcomes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kenesh.core.audit import log_action
from kenesh.influence.models import (
    DRAFT_ADDRESSEE,
    Level,
    Outcome,
    Presentation,
    Recommendation,
)

# What staff may change on a recommendation; where it comes from (paper, statement) stays.
EDITABLE = ("text", "addressee", "level", "countries", "theme", "priority", "timeframe")
# What a complete recommendation names: a draft made from common ground becomes one only
# with all of these (countries unless it is addressed at the international level).
REQUIRED = ("text", "addressee", "level", "countries", "theme")


def no_countries() -> str:
    return _("Name the countries it concerns, or address it at the international level.")


def missing_for_completion(recommendation) -> dict:
    """What ``recommendation`` still lacks to be complete, as messages by field."""
    missing = {}
    if not (recommendation.text or "").strip():
        missing["text"] = _("Write the recommendation.")
    if not recommendation.addressee.strip() or recommendation.is_draft:
        missing["addressee"] = _("Say to whom the recommendation is addressed.")
    if recommendation.level not in Level.values:
        missing["level"] = _("Choose the level.")
    if recommendation.level != Level.INTERNATIONAL and not recommendation.countries:
        missing["countries"] = no_countries()
    if recommendation.theme_id is None:
        missing["theme"] = _("Choose the theme.")
    return missing


@transaction.atomic
def add_recommendation(*, paper, by, **fields) -> Recommendation:
    """Add a structured recommendation to a paper."""
    recommendation = Recommendation(paper=paper, order=paper.recommendations.count(), **fields)
    recommendation.full_clean()
    recommendation.save()
    log_action(recommendation, "influence.recommendation.added", by=by)
    return recommendation


def _value(recommendation, name):
    return recommendation.theme_id if name == "theme" else getattr(recommendation, name)


@transaction.atomic
def update_recommendation(*, recommendation, by, **fields) -> Recommendation:
    """Change what a recommendation says and to whom; this is how staff complete a draft
    made from common ground (its addressee, level, countries, theme)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    was_draft = recommendation.is_draft
    before = {name: _value(recommendation, name) for name in fields}
    for name, value in fields.items():
        setattr(recommendation, name, value)
    changed = sorted(name for name in fields if _value(recommendation, name) != before[name])
    if recommendation.is_draft:
        raise ValidationError({"addressee": _("Say to whom the recommendation is addressed.")})
    if was_draft:
        missing = missing_for_completion(recommendation)
        if missing:
            raise ValidationError(missing)
    recommendation.full_clean()
    recommendation.save()
    log_action(
        recommendation,
        "influence.recommendation.completed" if was_draft else "influence.recommendation.changed",
        by=by,
        data={"fields": changed},
    )
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
def record_presentations(*, recommendations, briefing, response, notes, by) -> list:
    """Record several recommendations presented at one briefing with the same response:
    all of them or, if one cannot be, none."""
    if not recommendations:
        raise ValidationError({"recommendations": _("Choose at least one recommendation.")})
    drafts = [r for r in recommendations if r.is_draft]
    if drafts:
        raise ValidationError(
            {"recommendations": _("A draft is presented only once it is completed.")}
        )
    return [
        record_presentation(
            recommendation=recommendation,
            briefing=briefing,
            response=response,
            notes=notes,
            by=by,
        )
        for recommendation in recommendations
    ]


@transaction.atomic
def record_outcome(*, recommendations, by, **fields) -> Outcome:
    """Harvest an outcome and link the recommendations it took up."""
    if not recommendations:
        raise ValidationError(
            {"recommendations": _("Link the recommendations the outcome took up.")}
        )
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
    for staff to complete (addressee, level, priority) on its edit page."""
    existing = Recommendation.objects.filter(statement=statement).first()
    if existing is not None:
        return existing
    recommendation = Recommendation(
        statement=statement,
        text=statement.text,
        addressee=DRAFT_ADDRESSEE,
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
