"""Pol.is exports in and out: the import path users have, and the same files back."""

import csv
import datetime
import io
import zipfile
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kenesh.core.audit import log_action
from kenesh.core.exports import restore, safe_writer
from kenesh.core.text import is_visible
from kenesh.deliberation.models import (
    Anonymity,
    Conversation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from kenesh.deliberation.services import day_of
from kenesh.people.transliteration import fold

COMMENT_COLUMNS = {"comment-id", "moderated", "comment-body"}
VOTE_COLUMNS = {"timestamp", "comment-id", "voter-id", "vote"}
MAX_ID = 2**31 - 1  # statement numbers are 32-bit in every database
MAX_VOTER = 10**18
MAX_TIMESTAMP = 253_402_300_799_999  # milliseconds to the end of year 9999
MODERATED = {
    "-1": StatementStatus.REJECTED,
    "0": StatementStatus.ACCEPTED,
    "1": StatementStatus.ACCEPTED,
}


def _rows(data, required: set, name: str) -> list[dict]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("%(name)s is not UTF-8 text.") % {"name": name}) from None
    reader = csv.DictReader(io.StringIO(data), restval="")
    try:
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(
                _("%(name)s lacks the columns %(columns)s.")
                % {"name": name, "columns": ", ".join(sorted(missing))}
            )
        return list(reader)
    except csv.Error as error:
        raise ValidationError(
            _("%(name)s, line %(line)s, cannot be read as CSV (%(error)s).")
            % {"name": name, "line": reader.line_num, "error": error}
        ) from None


def _int(value, name: str, line: int, *, low: int | None = None, high: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            _("%(name)s, line %(line)s: “%(value)s” is not a whole number.")
            % {"name": name, "line": line, "value": value}
        ) from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValidationError(
            _("%(name)s, line %(line)s: %(value)s is out of range.")
            % {"name": name, "line": line, "value": number}
        )
    return number


@transaction.atomic
def import_polis(*, title: str, comments, votes, by, language: str = "en") -> Conversation:
    """Create a pseudonymous conversation from a Pol.is export's comments.csv and
    votes.csv (bytes or text). Moderated-out comments arrive rejected; votes are
    replayed in time order, so a changed vote keeps the last value."""
    comment_rows = _rows(comments, COMMENT_COLUMNS, "comments.csv")
    vote_rows = _rows(votes, VOTE_COLUMNS, "votes.csv")
    conversation = Conversation.objects.create(
        title=title,
        anonymity=Anonymity.PSEUDONYMOUS,
        is_open=False,
        language=language,
        participants_may_submit=False,
        created_by=by,
    )
    statements = _statements(comment_rows, conversation, language)
    Statement.objects.bulk_create(statements.values())
    parsed, participants = _votes(vote_rows, statements, conversation)
    Participant.objects.bulk_create(participants.values())
    last = {}
    for timestamp, voter, number, value in sorted(parsed, key=lambda r: r[0]):
        last[(voter, number)] = (timestamp, value)
    Vote.objects.bulk_create(
        (
            Vote(
                participant=participants[voter],
                statement=statements[number],
                value=value,
                language=language,
                updated_at=day_of(
                    datetime.datetime.fromtimestamp(timestamp / 1000, tz=datetime.UTC)
                ),
            )
            for (voter, number), (timestamp, value) in last.items()
        ),
        batch_size=5000,
    )
    log_action(
        conversation,
        "deliberation.polis.imported",
        by=by,
        data={"statements": len(statements), "votes": len(last)},
    )
    return conversation


def _statements(
    comment_rows: list[dict], conversation: Conversation, language: str
) -> dict[int, Statement]:
    """The comments as unsaved statements of ``conversation``, by comment number;
    moderated-out comments rejected, blank ones shown as a dash."""
    statements = {}
    seen_numbers = set()
    for line, row in enumerate(comment_rows, start=2):
        number = _int(row["comment-id"], "comments.csv", line, low=0, high=MAX_ID)
        if number in seen_numbers:
            raise ValidationError(
                _("comments.csv repeats comment %(comment)s.") % {"comment": number}
            )
        seen_numbers.add(number)
        # The platform's own exports guard formula-like text with an apostrophe.
        text = restore(" ".join((row["comment-body"] or "").split()))[:500]
        if not is_visible(text):
            text = "—"
        statements[number] = Statement(
            conversation=conversation,
            number=number,
            text=text,
            language=language,
            normalized=fold(text)[:500],
            status=MODERATED.get((row["moderated"] or "").strip(), StatementStatus.PENDING),
            is_seed=False,
        )
    return statements


def _votes(
    vote_rows: list[dict], statements: dict[int, Statement], conversation: Conversation
) -> tuple[list[tuple[int, int, int, int]], dict[int, Participant]]:
    """The votes checked against the comments, as (timestamp, voter, comment, value)
    rows, and one unsaved pseudonymous participant per voter."""
    participants: dict[int, Participant] = {}
    parsed = []
    for line, row in enumerate(vote_rows, start=2):
        voter = _int(row["voter-id"], "votes.csv", line, low=0, high=MAX_VOTER)
        number = _int(row["comment-id"], "votes.csv", line)
        value = _int(row["vote"], "votes.csv", line)
        if value not in (-1, 0, 1):
            raise ValidationError(
                _("votes.csv, line %(line)s: a vote must be -1, 0 or 1.") % {"line": line}
            )
        if number not in statements:
            raise ValidationError(
                _("votes.csv, line %(line)s: comment %(comment)s is not in comments.csv.")
                % {"line": line, "comment": number}
            )
        timestamp = _int(row["timestamp"], "votes.csv", line, low=0, high=MAX_TIMESTAMP)
        parsed.append((timestamp, voter, number, value))
        if voter not in participants:
            # Imported voters are pseudonymous: their times are kept to the day.
            participants[voter] = Participant(
                conversation=conversation,
                label=f"polis-{voter}",
                external_id=str(voter),
                created_at=day_of(datetime.datetime.now(tz=datetime.UTC)),
            )
    return parsed, participants


def polis_export(conversation: Conversation) -> bytes:
    """A zip in Pol.is's export layout: comments.csv, votes.csv, participants-votes.csv.
    Participants appear by number only."""
    statements = list(conversation.statements.order_by("number"))
    participants = {p.pk: i for i, p in enumerate(conversation.participants.order_by("pk"))}
    votes = list(
        Vote.objects.filter(statement__conversation=conversation)
        .order_by("updated_at", "pk")
        .values_list("participant_id", "statement__number", "value", "updated_at")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("comments.csv", _comments_csv(statements, votes))
        archive.writestr("votes.csv", _votes_csv(votes, participants))
        archive.writestr(
            "participants-votes.csv", _participants_votes_csv(statements, votes, participants)
        )
    return buffer.getvalue()


# (participant id, statement number, value, updated at), oldest first
_VoteRow = tuple[int, int, int, datetime.datetime]


def _comments_csv(statements: list[Statement], votes: list[_VoteRow]) -> str:
    """comments.csv: each statement with its agrees and disagrees and Pol.is's
    moderation code (1 accepted, -1 rejected, 0 pending)."""
    agrees: Counter[int] = Counter()
    disagrees: Counter[int] = Counter()
    for _p, number, value, _at in votes:
        if value == 1:
            agrees[number] += 1
        elif value == -1:
            disagrees[number] += 1
    return _csv(
        [
            "timestamp",
            "comment-id",
            "author-id",
            "agrees",
            "disagrees",
            "moderated",
            "comment-body",
        ],
        [
            [
                int(s.created_at.timestamp() * 1000),
                s.number,
                "",
                agrees[s.number],
                disagrees[s.number],
                {"accepted": 1, "rejected": -1}.get(s.status, 0),
                s.text,
            ]
            for s in statements
        ],
    )


def _votes_csv(votes: list[_VoteRow], participants: dict[int, int]) -> str:
    """votes.csv: one row per vote, the voter by number."""
    return _csv(
        ["timestamp", "comment-id", "voter-id", "vote"],
        [
            [int(at.timestamp() * 1000), number, participants[p], value]
            for p, number, value, at in votes
        ],
    )


def _participants_votes_csv(
    statements: list[Statement], votes: list[_VoteRow], participants: dict[int, int]
) -> str:
    """participants-votes.csv: one row per voter, one column per statement."""
    matrix: dict[int, dict[int, int]] = {}
    for p, number, value, _at in votes:
        matrix.setdefault(participants[p], {})[number] = value
    return _csv(
        ["participant", "n-votes", *[s.number for s in statements]],
        [
            [p, len(row), *[row.get(s.number, "") for s in statements]]
            for p, row in sorted(matrix.items())
        ],
    )


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
