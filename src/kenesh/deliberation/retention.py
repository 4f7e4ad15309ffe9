"""Deliberation's retention rule (registered in ``DeliberationConfig.ready``).

``deliberation.vote_links``: in conversations closed for votes whose last activity (a
vote, a statement, or their opening) came before the cut-off, each participant's link to
a person is cut. The participant and its votes stay, so the opinion map, its counts and
its groups are unchanged; its times are cut to the day as a pseudonymous participant's
are (``services.day_of``), so they cannot be matched against other records either.

Declared attributes (country, track, sector) stay: the map shows them only in aggregate,
behind the small-cell rule, and dropping them would change a map drawn again; what
named the person was the link, and it is gone.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kenesh.core.retention import Rule, register
from kenesh.deliberation.models import Conversation, Participant, Statement, Vote
from kenesh.deliberation.services import truncate_times


def _old_conversations(before):
    recent = Q(votes__updated_at__gte=before) | Q(created_at__gte=before)
    return Conversation.objects.filter(is_open=False, created_at__lt=before).exclude(
        pk__in=Statement.objects.filter(recent).values("conversation")
    )


def _linked(before):
    return Participant.objects.filter(
        conversation__in=_old_conversations(before), person__isnull=False
    ).order_by("pk")


def find_vote_links(before) -> list[str]:
    return [
        f"participant {code} in conversation {conversation}"
        for code, conversation in _linked(before).values_list("code", "conversation__code")
    ]


def purge_vote_links(before) -> int:
    participants = list(_linked(before).values_list("pk", flat=True))
    Participant.objects.filter(pk__in=participants).update(person=None)
    truncate_times(
        participants=Participant.objects.filter(pk__in=participants),
        votes=Vote.objects.filter(participant__in=participants),
        statements=Statement.objects.filter(author__in=participants),
    )
    return len(participants)


def register_rules() -> None:
    register(
        Rule(
            name="deliberation.vote_links",
            policy="vote_links",
            description=_("links between votes and people in closed conversations"),
            find=find_vote_links,
            purge=purge_vote_links,
        )
    )
