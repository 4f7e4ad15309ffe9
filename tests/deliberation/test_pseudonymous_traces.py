"""A link voter leaves no address, no browser and no time finer than the day behind."""

import datetime
from importlib import import_module

from django.apps import apps
from django.db import models

from kenesh.core.models import AuditEntry
from kenesh.deliberation import services
from kenesh.deliberation.models import AnalysisRun, Participant, Statement, Vote

CANARY_ADDRESS = "203.0.113.77"
CANARY_BROWSER = "CanaryBrowser/9.9 (Fictional OS)"
TRACE = {"REMOTE_ADDR": CANARY_ADDRESS, "HTTP_USER_AGENT": CANARY_BROWSER}


def at_midnight_utc(moment) -> bool:
    moment = moment.astimezone(datetime.UTC)
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def take_part_by_link(client, conversation, participant):
    client.get(f"/deliberation/join/{participant.token}/", **TRACE)
    page = client.get(f"/deliberation/{conversation.code}/vote/", **TRACE)
    statement = page.context["statement"]
    client.post(
        f"/deliberation/{conversation.code}/vote/cast/",
        {"statement": str(statement.code), "value": 1, "language": "en"},
        **TRACE,
    )
    services.submit_statement(
        conversation=conversation,
        text="Border posts should open on market days",
        language="en",
        participant=participant,
    )


def every_stored_text():
    """Every text and JSON value in every table, as one string per row."""
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            or f.get_internal_type() == "GenericIPAddressField"
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                yield model._meta.label, " ".join(str(value) for value in row)


def test_a_link_voter_leaves_no_address_or_browser_anywhere(client, pseudonymous, personas):
    (participant,) = services.create_invitation_links(
        conversation=pseudonymous, count=1, by=personas["staff"]
    )
    take_part_by_link(client, pseudonymous, participant)
    assert Vote.objects.filter(participant=participant).count() == 1
    for label, text in every_stored_text():
        assert CANARY_ADDRESS not in text, label
        assert "CanaryBrowser" not in text, label


def test_a_link_voter_s_times_are_kept_to_the_day(client, pseudonymous, personas):
    (participant,) = services.create_invitation_links(
        conversation=pseudonymous, count=1, by=personas["staff"]
    )
    take_part_by_link(client, pseudonymous, participant)
    participant.refresh_from_db()
    assert at_midnight_utc(participant.created_at)
    (vote,) = Vote.objects.filter(participant=participant)
    assert at_midnight_utc(vote.updated_at)
    (statement,) = Statement.objects.filter(author=participant)
    assert at_midnight_utc(statement.created_at)
    # No audit entry carries the statement's exact time either.
    assert not AuditEntry.objects.filter(target_code=str(statement.code)).exists()


def test_a_named_member_keeps_full_times_and_an_audit_entry(conversation, personas):
    person = personas["expert"].person
    statement = conversation.statements.first()
    vote = services.cast_vote(
        conversation=conversation, statement=statement, value=1, language="en", person=person
    )
    submitted = services.submit_statement(
        conversation=conversation, text="Water councils need women", language="en", person=person
    )
    # Not truncated: a named time equals midnight only by a one-in-86-billion chance.
    assert not at_midnight_utc(vote.updated_at)
    assert not at_midnight_utc(submitted.created_at)
    assert AuditEntry.objects.filter(
        action="deliberation.statement.submitted", target_code=str(submitted.code)
    ).exists()


def test_link_votes_still_share_one_redraw_per_burst(client, pseudonymous, personas):
    """The 15-second debounce reads the conversation's own request time and the run's,
    never the votes' times, so votes kept to the day still make one run per burst."""
    links = services.create_invitation_links(
        conversation=pseudonymous, count=3, by=personas["staff"]
    )
    statement = pseudonymous.statements.first()
    for participant in links:
        services.cast_vote(
            conversation=pseudonymous,
            statement=statement,
            value=1,
            language="en",
            participant=participant,
        )
    assert AnalysisRun.objects.filter(conversation=pseudonymous).count() == 1


def test_the_migration_cuts_stored_pseudonymous_times_and_keeps_every_row(
    pseudonymous, conversation, personas
):
    fine = datetime.datetime(2025, 3, 14, 15, 9, 26, 535897, tzinfo=datetime.UTC)
    (link,) = services.create_invitation_links(
        conversation=pseudonymous, count=1, by=personas["staff"]
    )
    named = services.join(conversation=conversation, person=personas["expert"].person)
    for participant, talk in ((link, pseudonymous), (named, conversation)):
        Vote.objects.create(
            participant=participant,
            statement=talk.statements.first(),
            value=1,
            language="en",
            updated_at=fine,
        )
        Statement.objects.create(
            conversation=talk, number=99, text="Later", language="en", author=participant,
            created_at=fine,
        )  # fmt: skip
    Participant.objects.update(created_at=fine)
    counts = (Participant.objects.count(), Vote.objects.count(), Statement.objects.count())

    migration = import_module("kenesh.deliberation.migrations.0003_pseudonymous_times_to_the_day")
    migration.times_to_the_day(apps, None)

    day = datetime.datetime(2025, 3, 14, tzinfo=datetime.UTC)
    assert Participant.objects.get(pk=link.pk).created_at == day
    assert Vote.objects.get(participant=link).updated_at == day
    assert Statement.objects.get(author=link).created_at == day
    assert Participant.objects.get(pk=named.pk).created_at == fine
    assert Vote.objects.get(participant=named).updated_at == fine
    assert Statement.objects.get(author=named).created_at == fine
    assert (Participant.objects.count(), Vote.objects.count(), Statement.objects.count()) == counts
