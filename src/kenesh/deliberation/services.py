"""Writes to deliberation. Each service is atomic, takes the actor and leaves an audit entry
(votes excepted: they are many and anonymous by design; the vote row is its own record)."""

import datetime
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kenesh.core.audit import log_action
from kenesh.deliberation import opinion
from kenesh.deliberation.models import (
    Analysis,
    Anonymity,
    Conversation,
    Moderation,
    Participant,
    Statement,
    StatementStatus,
    Translation,
    Vote,
)
from kenesh.people.transliteration import fold

MAX_STATEMENT = 500
# How long after a vote the map is redrawn: votes arriving together share one run.
ANALYSIS_DELAY = datetime.timedelta(seconds=15)


@transaction.atomic
def create_conversation(*, by, **fields) -> Conversation:
    """Open a conversation."""
    conversation = Conversation(created_by=by, **fields)
    conversation.full_clean()
    conversation.save()
    log_action(conversation, "deliberation.conversation.created", by=by)
    return conversation


def _check_text(conversation: Conversation, text: str) -> tuple[str, str]:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(_("A statement cannot be empty."))
    if len(text) > MAX_STATEMENT:
        raise ValidationError(
            _("A statement can have at most %(max)s characters (this one has %(n)s).")
            % {"max": MAX_STATEMENT, "n": len(text)}
        )
    normalized = fold(text)[:MAX_STATEMENT]
    repeated = (
        conversation.statements.exclude(status=StatementStatus.REJECTED)
        .filter(normalized=normalized)
        .first()
    )
    if repeated is not None:
        raise ValidationError(
            _("This repeats statement %(number)s: “%(text)s”.")
            % {"number": repeated.number, "text": repeated.text}
        )
    return text, normalized


@transaction.atomic
def add_statement(
    *, conversation: Conversation, text: str, language: str, by, author: Participant | None = None
) -> Statement:
    """Add a statement. Staff's seed statements are accepted at once; participants'
    wait in the moderation queue."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if author is not None and not conversation.participants_may_submit:
        raise ValidationError(_("This conversation takes no statements from participants."))
    if author is not None and not conversation.is_open:
        raise ValidationError(_("This conversation is closed."))
    text, normalized = _check_text(conversation, text)
    number = (conversation.statements.aggregate(n=Max("number"))["n"] or 0) + 1
    statement = Statement(
        conversation=conversation,
        number=number,
        text=text,
        language=language,
        normalized=normalized,
        status=StatementStatus.PENDING if author is not None else StatementStatus.ACCEPTED,
        is_seed=author is None,
        author=author,
    )
    statement.full_clean(exclude=["author"])
    statement.save()
    log_action(
        statement,
        "deliberation.statement.submitted" if author else "deliberation.statement.seeded",
        by=by if author is None else None,
    )
    return statement


@transaction.atomic
def moderate(*, statement: Statement, accept: bool, reason: str = "", by) -> Statement:
    """Accept or reject a statement, recorded in the moderation log."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    statement.status = StatementStatus.ACCEPTED if accept else StatementStatus.REJECTED
    statement.save(update_fields=["status"])
    Moderation.objects.create(statement=statement, decision=statement.status, reason=reason, by=by)
    log_action(
        statement,
        "deliberation.statement.moderated",
        by=by,
        data={"decision": statement.status, "reason": reason},
    )
    return statement


@transaction.atomic
def translate(*, statement: Statement, language: str, text: str, by) -> Translation:
    """Add or correct a statement's translation, checked by the staff member saving it."""
    text = " ".join((text or "").split())
    if not text or len(text) > MAX_STATEMENT:
        raise ValidationError(_("A translation needs between 1 and 500 characters."))
    translation, _created = Translation.objects.update_or_create(
        statement=statement,
        language=language,
        defaults={"text": text, "checked_by": by, "checked_at": timezone.now()},
    )
    log_action(statement, "deliberation.statement.translated", by=by, data={"language": language})
    return translation


@transaction.atomic
def join(*, conversation: Conversation, person) -> Participant:
    """A named participant: the person's own place in the conversation."""
    if conversation.anonymity != Anonymity.NAMED:
        raise ValidationError(_("This conversation is joined through an invitation link."))
    participant, _created = Participant.objects.get_or_create(
        conversation=conversation,
        person=person,
        defaults={
            "country": person.country,
            "track": person.track,
            "sector": person.sector,
        },
    )
    return participant


@transaction.atomic
def create_invitation_links(*, conversation: Conversation, count: int, by) -> list[Participant]:
    """Pseudonymous places: each link is a participant with no name attached."""
    if not 1 <= count <= 500:
        raise ValidationError(_("Make between 1 and 500 links at a time."))
    start = conversation.participants.count()
    participants = [
        Participant(conversation=conversation, label=_("Link %(n)s") % {"n": start + i + 1})
        for i in range(count)
    ]
    Participant.objects.bulk_create(participants)
    log_action(conversation, "deliberation.links.created", by=by, data={"count": count})
    return participants


@transaction.atomic
def declare_attributes(*, participant: Participant, country: str, track: str, sector: str):
    """What a participant chooses to declare; used in aggregate only."""
    participant.country, participant.track, participant.sector = country, track, sector
    participant.full_clean(exclude=["person", "conversation"])
    participant.save(update_fields=["country", "track", "sector"])
    return participant


def cast_vote(*, participant: Participant, statement: Statement, value: int, language: str):
    """Record a vote at once; a changed vote replaces the old one."""
    if value not in (-1, 0, 1):
        raise ValidationError(_("A vote is agree, disagree or pass."))
    if statement.conversation_id != participant.conversation_id:
        raise ValidationError(_("This statement belongs to another conversation."))
    if statement.status != StatementStatus.ACCEPTED:
        raise ValidationError(_("This statement is not open for votes."))
    conversation = participant.conversation
    if not conversation.is_open:
        raise ValidationError(_("This conversation is closed."))
    languages = {statement.language, *statement.translations.values_list("language", flat=True)}
    if language not in languages:
        language = statement.language
    with transaction.atomic():
        vote, _created = Vote.objects.update_or_create(
            participant=participant,
            statement=statement,
            defaults={"value": value, "language": language, "updated_at": timezone.now()},
        )
    schedule_analysis(conversation)
    return vote


def schedule_analysis(conversation: Conversation) -> bool:
    """Ask for the map to be redrawn shortly, once for a burst of votes."""
    from kenesh.deliberation.tasks import analyze_conversation

    now = timezone.now()
    pending = conversation.analysis_requested_at
    if pending is not None and now - pending < ANALYSIS_DELAY * 4:
        return False
    updated = Conversation.objects.filter(pk=conversation.pk, analysis_requested_at=pending).update(
        analysis_requested_at=now
    )
    if not updated:
        return False  # another request got there first
    conversation.analysis_requested_at = now
    task = analyze_conversation
    if task.get_backend().supports_defer:
        task = task.using(run_after=now + ANALYSIS_DELAY)
    transaction.on_commit(lambda: task.enqueue(conversation.pk))
    return True


def run_analysis(*, conversation: Conversation) -> Analysis:
    """Map the conversation's opinions from its votes and keep a snapshot."""
    from kenesh.deliberation.queries import analysis_input, serialize

    started = time.perf_counter()
    rows, attributes, excluded = analysis_input(conversation)
    participants = len({p for p, _s, _v in rows})
    state, result, message = Analysis.State.DONE, {}, ""
    try:
        opinion_map = opinion.analyze(
            [p for p, _s, _v in rows],
            [s for _p, s, _v in rows],
            [v for _p, _s, v in rows],
            attributes=attributes,
            exclude_statements=excluded,
        )
        result = serialize(opinion_map)
    except opinion.NotEnoughVotes as error:
        state, message = Analysis.State.NOT_ENOUGH, str(error)
    analysis = Analysis.objects.create(
        conversation=conversation,
        state=state,
        votes=len(rows),
        participants=participants,
        result=result,
        message=message[:300],
        seconds=time.perf_counter() - started,
    )
    Conversation.objects.filter(pk=conversation.pk).update(analysis_requested_at=None)
    return analysis
