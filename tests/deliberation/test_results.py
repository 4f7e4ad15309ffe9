"""The map: drawn in the background after votes, shown with counts that respect anonymity."""

import io
import json
import zipfile

import numpy as np
import pytest

from kenesh.deliberation import polis, services
from kenesh.deliberation.models import Analysis, Conversation, Participant, Vote


def fill(conversation, n_people=24, seed=0):
    """Two camps of pseudonymous voters with common ground on statements 1 and 2."""
    rng = np.random.default_rng(seed)
    statements = list(conversation.statements.order_by("number"))
    people = Participant.objects.bulk_create(
        Participant(conversation=conversation, label=str(i), country="KG" if i % 2 else "TJ")
        for i in range(n_people)
    )
    votes = []
    for i, participant in enumerate(people):
        camp = 1 if i < n_people // 2 else -1
        for j, statement in enumerate(statements):
            value = 1 if j < 2 else camp * (1 if j % 2 else -1)
            if rng.random() < 0.1:
                value = -value
            votes.append(
                Vote(participant=participant, statement=statement, value=value, language="en")
            )
    Vote.objects.bulk_create(votes)
    return people


def test_not_enough_votes_is_a_state_not_an_error(login, conversation):
    analysis = services.run_analysis(conversation=conversation)
    assert analysis.state == Analysis.State.NOT_ENOUGH
    page = login("staff").get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert 'data-testid="not-enough"' in page


def test_results_show_groups_consensus_and_bridging(login, conversation):
    fill(conversation)
    analysis = services.run_analysis(conversation=conversation)
    assert analysis.state == "done" and analysis.votes == 24 * 12
    assert set(analysis.result["consensus"][:2]) == {1, 2}
    page = login("expert").get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert page.count('data-testid="group"') == 2
    assert 'data-testid="consensus"' in page and 'data-testid="bridging"' in page
    assert "Fictional statement number 1" in page and 'data-testid="by-country"' in page


def test_small_groups_are_hidden_from_non_staff(login, conversation):
    fill(conversation, n_people=8)
    services.run_analysis(conversation=conversation)
    analysis = conversation.analyses.get()
    assert min(analysis.result["group_sizes"].values()) < 5
    expert = login("expert").get(f"/deliberation/{conversation.code}/results/").content.decode()
    staff = login("staff").get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert expert.count('data-testid="group"') < staff.count('data-testid="group"')
    assert "fewer than 5 people" in expert


def test_a_vote_schedules_the_analysis(login, conversation, django_capture_on_commit_callbacks):
    fill(conversation)
    client = login("expert")
    statement = client.get(f"/deliberation/{conversation.code}/vote/").context["statement"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/deliberation/{conversation.code}/vote/",
            {"statement": str(statement.code), "value": "1", "language": "en"},
        )
    analysis = conversation.analyses.get()
    assert analysis.votes == 24 * 12 + 1
    page = client.get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert 'data-testid="last-analysis"' in page
    # While a run is pending, further votes do not ask again: one run serves a burst.
    conversation.refresh_from_db()
    assert conversation.analysis_requested_at is None
    with django_capture_on_commit_callbacks(execute=False):
        assert services.schedule_analysis(conversation)
        assert not services.schedule_analysis(conversation)


def test_exports_round_trip_through_polis_format(login, conversation, personas):
    fill(conversation)
    services.run_analysis(conversation=conversation)
    client = login("staff")
    data = json.loads(client.get(f"/deliberation/{conversation.code}/export.json").content)
    assert data["votes"] == 24 * 12 and "consensus" in data["result"]
    csv_text = client.get(f"/deliberation/{conversation.code}/export.csv").content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[0].startswith("number,statement")
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/deliberation/{conversation.code}/export.polis.zip").content)
    )
    again = polis.import_polis(
        title="Round trip",
        comments=archive.read("comments.csv"),
        votes=archive.read("votes.csv"),
        by=personas["staff"],
    )
    assert Vote.objects.filter(statement__conversation=again).count() == 24 * 12
    assert login("expert").get(f"/deliberation/{conversation.code}/export.json").status_code == 403


@pytest.mark.parametrize(
    ("comments", "votes", "message"),
    [
        (
            b"comment-id,comment-body\n1,x\n",
            b"timestamp,comment-id,voter-id,vote\n",
            "lacks the columns",
        ),
        (
            b"comment-id,moderated,comment-body\n1,1,x\n",
            b"timestamp,comment-id,voter-id,vote\n1,1,1,5\n",
            "-1, 0 or 1",
        ),
        (
            b"comment-id,moderated,comment-body\n1,1,x\n",
            b"timestamp,comment-id,voter-id,vote\n1,9,1,1\n",
            "not in comments.csv",
        ),
        (
            b"comment-id,moderated,comment-body\nA,1,x\n",
            b"timestamp,comment-id,voter-id,vote\n",
            "not a whole number",
        ),
        (b"\xff\xfe\x00", b"timestamp,comment-id,voter-id,vote\n", "UTF-8"),
        (b"comment-id,moderated,comment-body\n1,1,x\n", b"", "empty"),
    ],
)
def test_bad_imports_are_explained_and_leave_nothing(login, personas, comments, votes, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login("staff").post(
        "/deliberation/import/",
        {
            "title": "Bad",
            "comments": SimpleUploadedFile("comments.csv", comments),
            "votes": SimpleUploadedFile("votes.csv", votes),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Conversation.objects.filter(title="Bad").exists()


def test_a_repeated_statement_is_refused_by_the_service(conversation, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="repeats"):
        services.add_statement(
            conversation=conversation,
            text="Fictional statement number 4",
            language="en",
            by=personas["staff"],
        )


def test_statements_of_other_languages_carry_checked_translations(login, conversation):
    statement = conversation.statements.get(number=1)
    login("staff").post(
        f"/deliberation/{conversation.code}/statements/",
        {"translate": "1", "statement": 1, "language": "ru", "text": "Вымышленное утверждение 1"},
    )
    translation = statement.translations.get()
    assert translation.checked_by.username == "staff"
    client = login("expert")
    client.cookies["django_language"] = "ru"
    texts = set()
    for _ in range(12):
        page = client.get(f"/deliberation/{conversation.code}/vote/")
        texts.add((page.context["text"], page.context["language"]))
        client.post(
            f"/deliberation/{conversation.code}/vote/",
            {
                "statement": str(page.context["statement"].code),
                "value": "0",
                "language": page.context["language"],
            },
        )
    assert ("Вымышленное утверждение 1", "ru") in texts
    assert Vote.objects.get(statement=statement).language == "ru"
