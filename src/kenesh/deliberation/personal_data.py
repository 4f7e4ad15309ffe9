"""What deliberation holds on a person: their named participations, the statements they
wrote and their votes. Registered in ``DeliberationConfig.ready()``.

Erasure changes nothing here: votes and statements stay with the participant, linked to
the pseudonymised person, so that opinion maps and vote counts stay correct. Pseudonymous
participants hold no link to a person and so are not found.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kenesh.core.personal_data import Section
from kenesh.deliberation.models import Participant, Statement, Vote


def export(person) -> list[Section]:
    participants = Participant.objects.filter(person=person).select_related("conversation")
    statements = Statement.objects.filter(author__person=person).select_related("conversation")
    votes = Vote.objects.filter(participant__person=person).select_related(
        "statement__conversation"
    )
    sections = [
        Section(
            "conversations",
            _("Conversations taken part in"),
            (("conversation", _("Conversation")), ("joined", _("Joined"))),
            [{"conversation": p.conversation.title, "joined": p.created_at} for p in participants],
        ),
        Section(
            "statements",
            _("Statements written"),
            (
                ("conversation", _("Conversation")),
                ("text", _("Statement")),
                ("status", _("Status")),
                ("submitted", pgettext_lazy("submission date", "Submitted")),
            ),
            [
                {
                    "conversation": s.conversation.title,
                    "text": s.text,
                    "status": s.get_status_display(),
                    "submitted": s.created_at,
                }
                for s in statements
            ],
        ),
        Section(
            "votes",
            _("Votes"),
            (
                ("conversation", _("Conversation")),
                ("statement", _("Statement")),
                ("vote", pgettext_lazy("vote value", "Vote")),
                ("updated", _("Updated")),
            ),
            [
                {
                    "conversation": v.statement.conversation.title,
                    "statement": v.statement.text,
                    "vote": v.get_value_display(),
                    "updated": v.updated_at,
                }
                for v in votes
            ],
        ),
    ]
    return [section for section in sections if section.rows]
