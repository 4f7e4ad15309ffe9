"""Writes to deliberation. Each service is atomic, takes the actor and leaves an audit entry
(votes excepted: they are many and anonymous by design; the vote row is its own record)."""

import datetime
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import TruncDay
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kenesh.core.audit import log_action
from kenesh.core.text import require_visible_text
from kenesh.deliberation import opinion
from kenesh.deliberation.models import (
    Analysis,
    AnalysisRun,
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

logger = logging.getLogger(__name__)

MAX_STATEMENT = 500
# How long after a vote the map is redrawn: votes arriving together share one run.
ANALYSIS_DELAY = datetime.timedelta(seconds=15)
# A request for a redraw older than this that has not started no longer holds back a new
# one (the worker may have been down).
ANALYSIS_PATIENCE = ANALYSIS_DELAY * 4


def day_of(moment: datetime.datetime) -> datetime.datetime:
    """Midnight UTC of ``moment``'s day: the only time kept for pseudonymous participants,
    so that no stored time can be matched against a server log or a sign-in."""
    return moment.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _is_pseudonymous(participant: Participant | None) -> bool:
    return participant is not None and participant.person_id is None


def truncate_times(*, participants, votes, statements) -> None:
    """Cut the stored times of these participants, their votes and their statements to
    the day (for participants whose link to a person is cut)."""
    participants.update(created_at=TruncDay("created_at", tzinfo=datetime.UTC))
    votes.update(updated_at=TruncDay("updated_at", tzinfo=datetime.UTC))
    statements.update(created_at=TruncDay("created_at", tzinfo=datetime.UTC))


@transaction.atomic
def create_conversation(*, by, **fields) -> Conversation:
    """Open a conversation."""
    conversation = Conversation(created_by=by, **fields)
    conversation.full_clean()
    conversation.save()
    log_action(conversation, "deliberation.conversation.created", by=by)
    return conversation


def _require_visible(field: str, text: str) -> None:
    try:
        require_visible_text(text)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


def _check_text(conversation: Conversation, text: str) -> tuple[str, str]:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": _("A statement cannot be empty.")})
    _require_visible("text", text)
    if len(text) > MAX_STATEMENT:
        raise ValidationError(
            {
                "text": ngettext(
                    "A statement can have at most %(max)s character (%(length_phrase)s).",
                    "A statement can have at most %(max)s characters (%(length_phrase)s).",
                    MAX_STATEMENT,
                )
                % {
                    "max": MAX_STATEMENT,
                    "length_phrase": ngettext(
                        "this one has %(count)s", "this one has %(count)s", len(text)
                    )
                    % {"count": len(text)},
                }
            }
        )
    normalized = fold(text)[:MAX_STATEMENT]
    repeated = (
        conversation.statements.exclude(status=StatementStatus.REJECTED)
        .filter(normalized=normalized)
        .first()
    )
    if repeated is not None:
        raise ValidationError(
            {
                "text": _("This repeats statement %(number)s: “%(text)s”.")
                % {"number": repeated.number, "text": repeated.text}
            }
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
    if _is_pseudonymous(author):
        statement.created_at = day_of(timezone.now())
    statement.full_clean(exclude=["author"])
    statement.save()
    if _is_pseudonymous(author):
        # No audit entry: its exact time would be a trace finer than the day. The
        # statement row is its own record, as a vote is.
        return statement
    log_action(
        statement,
        "deliberation.statement.submitted" if author else "deliberation.statement.seeded",
        by=by if author is None else None,
    )
    return statement


@transaction.atomic
def moderate(*, statement: Statement, accept: bool, reason: str = "", by) -> Statement:
    """Accept or reject a statement, recorded in the moderation log."""
    reason = " ".join((reason or "").split())
    _require_visible("reason", reason)
    if len(reason) > 300:
        raise ValidationError({"reason": _("A reason can have at most 300 characters.")})
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
        raise ValidationError({"text": _("A translation needs between 1 and 500 characters.")})
    _require_visible("text", text)
    if language == statement.language:
        raise ValidationError({"language": _("The statement is already written in this language.")})
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
    if person is None:
        raise ValidationError(_("Only people on the roster vote in a named conversation."))
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


def _place(conversation: Conversation, participant: Participant | None, person) -> Participant:
    """The participant acting: an invitation link's, or the person's own place, made on
    their first vote, statement or answer (opening the page writes nothing)."""
    if participant is not None:
        if participant.conversation_id != conversation.pk:
            raise ValidationError(_("This invitation link belongs to another conversation."))
        return participant
    return join(conversation=conversation, person=person)


@transaction.atomic
def create_invitation_links(*, conversation: Conversation, count: int, by) -> list[Participant]:
    """Pseudonymous places: each link is a participant with no name attached."""
    if not 1 <= count <= 500:
        raise ValidationError({"count": _("Make between 1 and 500 links at a time.")})
    if conversation.anonymity != Anonymity.PSEUDONYMOUS:
        raise ValidationError(_("Invitation links are for pseudonymous conversations."))
    start = conversation.participants.count()
    today = day_of(timezone.now())
    participants = [
        Participant(
            conversation=conversation,
            # The number alone: the words are shown in the reader's language.
            label=str(start + i + 1),
            created_at=today,
        )
        for i in range(count)
    ]
    Participant.objects.bulk_create(participants)
    log_action(conversation, "deliberation.links.created", by=by, data={"count": count})
    return participants


@transaction.atomic
def submit_statement(
    *,
    conversation: Conversation,
    text: str,
    language: str,
    participant: Participant | None = None,
    person=None,
) -> Statement:
    """A participant's statement, waiting for moderation. A member's first statement
    makes their place in the conversation; a refused one leaves nothing behind."""
    author = _place(conversation, participant, person)
    return add_statement(
        conversation=conversation, text=text, language=language, by=None, author=author
    )


@transaction.atomic
def declare_attributes(
    *,
    conversation: Conversation,
    country: str,
    track: str,
    sector: str,
    participant: Participant | None = None,
    person=None,
) -> Participant:
    """What a participant chooses to declare; used in aggregate only."""
    participant = _place(conversation, participant, person)
    participant.country, participant.track, participant.sector = country, track, sector
    participant.full_clean(exclude=["person", "conversation"])
    participant.save(update_fields=["country", "track", "sector"])
    return participant


@transaction.atomic
def cast_vote(
    *,
    conversation: Conversation,
    statement: Statement,
    value: int,
    language: str,
    participant: Participant | None = None,
    person=None,
) -> Vote:
    """Record a vote at once; a changed vote replaces the old one. A member's first vote
    makes their place in the conversation; a refused vote leaves nothing behind."""
    if value not in (-1, 0, 1):
        raise ValidationError(_("A vote is agree, disagree or pass."))
    if statement.conversation_id != conversation.pk:
        raise ValidationError(_("This statement belongs to another conversation."))
    if statement.status != StatementStatus.ACCEPTED:
        raise ValidationError(_("This statement is not open for votes."))
    if not conversation.is_open:
        raise ValidationError(_("This conversation is closed."))
    participant = _place(conversation, participant, person)
    languages = {statement.language, *statement.translations.values_list("language", flat=True)}
    if language not in languages:
        language = statement.language
    vote, _created = Vote.objects.update_or_create(
        participant=participant,
        statement=statement,
        defaults={"value": value, "language": language, "updated_at": _vote_time(participant)},
    )
    schedule_analysis(conversation)
    return vote


def _vote_time(participant: Participant) -> datetime.datetime:
    now = timezone.now()
    return day_of(now) if _is_pseudonymous(participant) else now


@transaction.atomic
def schedule_analysis(conversation: Conversation) -> AnalysisRun | None:
    """Ask for the map to be redrawn shortly, once for a burst of votes: the first vote
    of a burst queues a run ANALYSIS_DELAY later; the votes after it join that run.

    The request mark is read fresh and locked until the vote commits, and a run clears it
    before it reads the votes (``run_analysis``): so a vote either commits before a run
    reads the votes, or finds the mark cleared and queues the next run. None is left out
    of every map, however the vote and a run interleave."""
    now = timezone.now()
    pending = (
        Conversation.objects.select_for_update()
        .filter(pk=conversation.pk)
        .values_list("analysis_requested_at", flat=True)
        .get()
    )
    if pending is not None and now - pending < ANALYSIS_PATIENCE:
        return None  # a run is queued and has not started: it will read this vote
    Conversation.objects.filter(pk=conversation.pk).update(analysis_requested_at=now)
    conversation.analysis_requested_at = now
    run = AnalysisRun.objects.create(
        conversation=conversation, reason=AnalysisRun.Reason.VOTES, requested_at=now
    )
    _enqueue(run, delay=ANALYSIS_DELAY)
    return run


@transaction.atomic
def request_analysis(
    *, conversation: Conversation, by, reason: str = AnalysisRun.Reason.REDRAW
) -> AnalysisRun:
    """Ask for the map to be redrawn now, by a background worker. A run still waiting in
    the queue serves the request instead of a second one."""
    waiting = (
        AnalysisRun.objects.select_for_update()
        .filter(
            conversation=conversation,
            status=AnalysisRun.Status.QUEUED,
            requested_at__gte=timezone.now() - ANALYSIS_PATIENCE,
        )
        .first()
    )
    if waiting is not None:
        return waiting
    run = AnalysisRun.objects.create(conversation=conversation, reason=reason, requested_by=by)
    log_action(conversation, "deliberation.analysis.requested", by=by, data={"reason": reason})
    _enqueue(run)
    return run


def _enqueue(run: AnalysisRun, *, delay: datetime.timedelta | None = None) -> None:
    """Hand the run to the task queue once the transaction that made it commits."""
    from kenesh.deliberation.tasks import analyze_conversation

    task = analyze_conversation
    if delay is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run.requested_at + delay)

    def send():
        try:
            result = task.enqueue(run.conversation_id, run.pk)
        except Exception:
            logger.exception(
                "The analysis of conversation %s could not be queued.", run.conversation_id
            )
            _finish(run, AnalysisRun.Status.FAILED, message="The task queue refused the job.")
            Conversation.objects.filter(pk=run.conversation_id).update(analysis_requested_at=None)
            return
        AnalysisRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


def _finish(run: AnalysisRun, status: str, *, analysis=None, message: str = "") -> None:
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=status, analysis=analysis, message=message[:300], finished_at=timezone.now()
    )


def bootstrap_replicates() -> int | None:
    """Replicates for the groups' stability: ``KENESH_OPINION_BOOTSTRAP`` when set (0 turns
    it off), else the opinion package's own rule."""
    value = getattr(settings, "KENESH_OPINION_BOOTSTRAP", None)
    return None if value is None or value == "" else int(value)


def run_analysis(
    *, conversation: Conversation, run: AnalysisRun | None = None, bootstrap: int | None = None
) -> Analysis:
    """Map the conversation's opinions from its votes and keep a snapshot. With ``run``,
    record on it that the work started, finished or failed, for the page to show."""
    from kenesh.deliberation.queries import analysis_input, serialize

    started = time.perf_counter()
    if run is not None:
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.RUNNING, started_at=timezone.now()
        )
    # Before the votes are read: a vote from now on queues the next run (schedule_analysis).
    Conversation.objects.filter(pk=conversation.pk).update(analysis_requested_at=None)
    try:
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
                bootstrap=bootstrap if bootstrap is not None else bootstrap_replicates(),
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
    except Exception as error:
        if run is not None:
            _finish(run, AnalysisRun.Status.FAILED, message=f"{type(error).__name__}: {error}")
        raise
    if run is not None:
        _finish(run, AnalysisRun.Status.DONE, analysis=analysis)
    return analysis


def record_export(*, conversation: Conversation, fmt: str, by) -> None:
    """Leave an audit entry for an export of the conversation's votes or results."""
    log_action(conversation, "deliberation.conversation.exported", by=by, data={"format": fmt})
