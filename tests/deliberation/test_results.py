"""The map: drawn in the background after votes, shown with counts that respect anonymity."""

import csv
import io
import json
import zipfile

import numpy as np
import pytest
from django.utils import timezone

from kenesh.core.models import AuditEntry
from kenesh.deliberation import polis, services
from kenesh.deliberation.models import Analysis, AnalysisRun, Conversation, Participant, Vote
from tests.deliberation.conftest import add_statements


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


def test_the_map_reports_its_stability_where_the_bootstrap_runs(login, conversation, settings):
    # A few replicates show the setting reaches the map; test_opinion_math checks the
    # package's own default of 20.
    settings.KENESH_OPINION_BOOTSTRAP = 3
    fill(conversation)
    analysis = services.run_analysis(conversation=conversation)
    assert 0 <= analysis.result["stability"] <= 1
    assert analysis.result["group_stability"]
    page = login("expert").get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert "Group stability (bootstrap" in page
    settings.KENESH_OPINION_BOOTSTRAP = 0
    assert services.run_analysis(conversation=conversation).result["stability"] is None
    del settings.KENESH_OPINION_BOOTSTRAP
    assert services.bootstrap_replicates() is None  # unset: the package's own rule


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
            f"/deliberation/{conversation.code}/vote/cast/",
            {"statement": str(statement.code), "value": "1", "language": "en"},
        )
    analysis = conversation.analyses.get()
    assert analysis.votes == 24 * 12 + 1
    run = AnalysisRun.objects.get()
    assert (run.status, run.reason, run.analysis) == ("done", "votes", analysis)
    page = client.get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert 'data-testid="last-analysis"' in page and 'data-status="done"' in page
    # While a run is pending, further votes do not ask again: one run serves a burst.
    conversation.refresh_from_db()
    assert conversation.analysis_requested_at is None
    with django_capture_on_commit_callbacks(execute=False):
        assert services.schedule_analysis(conversation)
        assert not services.schedule_analysis(conversation)


def test_a_burst_of_votes_shares_one_run_queued_fifteen_seconds_later(
    login, conversation, django_capture_on_commit_callbacks
):
    client = login("expert")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for statement in conversation.statements.all()[:5]:
            client.post(
                f"/deliberation/{conversation.code}/vote/cast/",
                {"statement": str(statement.code), "value": "1", "language": "en"},
            )
    assert Vote.objects.count() == 5
    (run,) = AnalysisRun.objects.all()
    assert run.status == "queued" and len(callbacks) == 1
    conversation.refresh_from_db()
    assert conversation.analysis_requested_at == run.requested_at
    assert services.ANALYSIS_DELAY.total_seconds() == 15


def test_a_vote_cast_while_the_map_is_drawn_is_in_the_next_map(
    conversation, personas, monkeypatch, django_capture_on_commit_callbacks
):
    """The run reads the votes, a vote arrives before the run ends: that vote queues the
    next run, so no vote is left out of every map (found by the load benchmark)."""
    from kenesh.deliberation import queries

    fill(conversation)
    before = Vote.objects.count()
    late = Participant.objects.create(conversation=conversation, label="late", country="KG")
    first, second = list(conversation.statements.order_by("number"))[:2]
    with django_capture_on_commit_callbacks(execute=False):
        services.cast_vote(conversation=conversation, statement=first, value=1, language="en",
                           participant=late)  # fmt: skip
    (run,) = AnalysisRun.objects.all()
    read_votes = queries.analysis_input

    def votes_then_one_more(conv):
        rows = read_votes(conv)
        services.cast_vote(conversation=conversation, statement=second, value=-1,
                           language="en", participant=late)  # fmt: skip
        return rows

    monkeypatch.setattr(queries, "analysis_input", votes_then_one_more)
    with django_capture_on_commit_callbacks(execute=False):
        drawn = services.run_analysis(conversation=conversation, run=run)
    monkeypatch.setattr(queries, "analysis_input", read_votes)
    assert drawn.votes == before + 1  # the late vote came after the votes were read
    later = AnalysisRun.objects.exclude(pk=run.pk).get()
    assert later.status == "queued"
    assert services.run_analysis(conversation=conversation, run=later).votes == before + 2


def progress_url(conversation, seen=None):
    suffix = f"?seen={seen}" if seen else ""
    return f"/deliberation/{conversation.code}/results/progress/{suffix}"


def test_redraw_now_runs_in_the_background_and_the_page_follows_it(
    login, conversation, django_capture_on_commit_callbacks
):
    fill(conversation)
    staff = login("staff")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff.post(f"/deliberation/{conversation.code}/results/analyze/")
    assert response.status_code == 302
    run = AnalysisRun.objects.get()
    assert (run.status, run.reason, run.requested_by) == ("queued", "redraw", staff_user(run))
    assert not conversation.analyses.exists(), "nothing is drawn inside the request"

    page = staff.get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert 'id="analysis-progress" role="status" aria-live="polite"' in page
    assert 'data-status="queued"' in page and 'hx-trigger="every 2s"' in page
    # Polling while nothing changed sends nothing (and screen readers hear nothing twice).
    assert staff.get(progress_url(conversation, "queued")).status_code == 204
    # A second click while the first waits queues nothing more.
    with django_capture_on_commit_callbacks(execute=False) as more:
        staff.post(f"/deliberation/{conversation.code}/results/analyze/")
    assert AnalysisRun.objects.count() == 1 and not more

    AnalysisRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now())
    running = staff.get(progress_url(conversation, "queued")).content.decode()
    assert 'data-status="running"' in running and 'hx-trigger="every 2s"' in running

    for callback in callbacks:  # the worker takes the job
        callback()
    run.refresh_from_db()
    assert run.status == "done" and run.analysis.state == "done" and run.finished_at
    done = staff.get(progress_url(conversation, "running"))
    assert done.status_code == 200
    assert 'data-status="done"' in done.content.decode()
    assert 'data-testid="show-new-map"' in done.content.decode()
    assert "hx-trigger" not in done.content.decode(), "polling stops once finished"


def staff_user(run):
    from kenesh.access.models import User

    return User.objects.get(username="staff")


def test_a_failed_redraw_says_so_and_keeps_the_last_map(
    login, conversation, monkeypatch, django_capture_on_commit_callbacks
):
    fill(conversation)
    services.run_analysis(conversation=conversation)

    def broken(*args, **kwargs):
        raise RuntimeError("the fictional disk is full")

    monkeypatch.setattr("kenesh.deliberation.opinion.analyze", broken)
    with django_capture_on_commit_callbacks(execute=True):
        login("staff").post(f"/deliberation/{conversation.code}/results/analyze/")
    run = AnalysisRun.objects.get()
    assert run.status == "failed" and "RuntimeError" in run.message
    assert conversation.analyses.count() == 1
    conversation.refresh_from_db()
    assert conversation.analysis_requested_at is None
    staff = login("staff").get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert 'data-status="failed"' in staff and "the fictional disk is full" in staff
    assert 'data-testid="group"' in staff
    expert = login("expert").get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert 'data-status="failed"' in expert and "fictional disk" not in expert


def test_a_job_the_queue_gave_up_on_shows_as_failed(conversation, monkeypatch):
    from kenesh.deliberation import queries

    run = AnalysisRun.objects.create(conversation=conversation, reason="redraw", task_id="x1")
    monkeypatch.setattr(queries, "_queued_status", lambda task_id: "FAILED")
    assert queries.analysis_progress(conversation).status == "failed"
    run.refresh_from_db()
    assert run.status == "queued", "reading the progress writes nothing"


def test_the_polis_import_checks_the_files_then_draws_the_map_in_the_background(
    login, personas, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    comments = "comment-id,moderated,comment-body\n" + "".join(
        f"{i},1,Fictional comment {i}\n" for i in range(8)
    )
    votes = "timestamp,comment-id,voter-id,vote\n" + "".join(
        f"{1000 + v * 8 + c},{c},{v},{1 if (c + v) % 3 else -1}\n"
        for v in range(12)
        for c in range(8)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = login("staff").post(
            "/deliberation/import/",
            {
                "title": "Imported",
                "comments": SimpleUploadedFile("comments.csv", comments.encode()),
                "votes": SimpleUploadedFile("votes.csv", votes.encode()),
            },
        )
    conversation = Conversation.objects.get(title="Imported")
    assert response.status_code == 302 and response["Location"].endswith("/results/")
    run = AnalysisRun.objects.get()
    assert (run.conversation, run.reason, run.status) == (conversation, "import", "queued")
    assert not conversation.analyses.exists()
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert run.status == "done" and run.analysis.votes == 96


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
    # Imported voters are pseudonymous: no time finer than the day is kept for them.
    imported = Vote.objects.filter(statement__conversation=again)
    moments = [*imported.values_list("updated_at", flat=True)]
    moments += [
        *Participant.objects.filter(conversation=again).values_list("created_at", flat=True)
    ]
    assert all((m.hour, m.minute, m.second, m.microsecond) == (0, 0, 0, 0) for m in moments)
    assert login("expert").get(f"/deliberation/{conversation.code}/export.json").status_code == 403
    exported = AuditEntry.objects.filter(action="deliberation.conversation.exported")
    assert sorted(exported.values_list("data__format", flat=True)) == ["csv", "json", "polis.zip"]
    assert client.get(f"/deliberation/{conversation.code}/export.xlsx").status_code == 404


FORMULAS = [
    '=HYPERLINK("http://example.invalid")',
    "-5% water for the lower valley",
    "+1 vote",
    "@SUM(A1)",
]


def test_formula_like_statements_are_inert_in_exports_and_come_back_exactly(
    login, conversation, personas
):
    add_statements(conversation, FORMULAS)
    fill(conversation)
    services.run_analysis(conversation=conversation)
    client = login("staff")
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/deliberation/{conversation.code}/export.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    cells = {row[1] for row in rows[1:]}
    assert {"'" + text for text in FORMULAS} <= cells
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/deliberation/{conversation.code}/export.polis.zip").content)
    )
    comments = list(csv.DictReader(io.StringIO(archive.read("comments.csv").decode())))
    bodies = {row["comment-body"] for row in comments}
    assert {"'" + text for text in FORMULAS} <= bodies
    again = polis.import_polis(
        title="Round trip",
        comments=archive.read("comments.csv"),
        votes=archive.read("votes.csv"),
        by=personas["staff"],
    )
    assert list(again.statements.order_by("number").values_list("text", flat=True)) == list(
        conversation.statements.order_by("number").values_list("text", flat=True)
    )


def test_a_pseudonymous_voter_sees_the_results_without_names_or_small_groups(
    client, pseudonymous, personas
):
    fill(pseudonymous, n_people=8)
    analysis = services.run_analysis(conversation=pseudonymous)
    sizes = analysis.result["group_sizes"].values()
    (link,) = services.create_invitation_links(
        conversation=pseudonymous, count=1, by=personas["staff"]
    )
    results = f"/deliberation/{pseudonymous.code}/results/"
    assert client.get(results).status_code == 302  # no link yet: sign in
    client.get(f"/deliberation/join/{link.token}/")
    response = client.get(results)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="group"') == sum(1 for n in sizes if n >= 5)
    if min(sizes) < 5:
        assert "fewer than 5 people" in page
    assert link.shown_label not in page and "/login/" not in page.split("<main", 1)[-1]
    assert f'href="/deliberation/{pseudonymous.code}/vote/"' in page
    assert client.get(progress_url(pseudonymous)).status_code == 200
    # The link opens its own conversation only.
    other = Conversation.objects.create(title="Other", anonymity="pseudonymous")
    assert client.get(f"/deliberation/{other.code}/results/").status_code == 302


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
        (
            b"comment-id,moderated,comment-body\n1,1," + b"x" * 200_000 + b"\n",
            b"timestamp,comment-id,voter-id,vote\n",
            "cannot be read as CSV",
        ),
        (
            b"comment-id,moderated,comment-body\n-3,1,x\n",
            b"timestamp,comment-id,voter-id,vote\n",
            "out of range",
        ),
        (
            b"comment-id,moderated,comment-body\n1,1,x\n",
            b"timestamp,comment-id,voter-id,vote\n99999999999999999999,1,1,1\n",
            "out of range",
        ),
        (
            b"comment-id,moderated,comment-body\n1\n",
            b"timestamp,comment-id,voter-id,vote\n1,1\n",
            "not a whole number",
        ),
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
    assert not AnalysisRun.objects.exists()


def test_an_invisible_import_title_is_refused(login, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login("staff").post(
        "/deliberation/import/",
        {
            "title": "\u200b\u200b",
            "comments": SimpleUploadedFile("comments.csv", b"comment-id,moderated,comment-body\n"),
            "votes": SimpleUploadedFile("votes.csv", b"timestamp,comment-id,voter-id,vote\n"),
        },
    )
    assert response.status_code == 200 and "invisible characters" in response.content.decode()
    assert not Conversation.objects.exists()


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
            f"/deliberation/{conversation.code}/vote/cast/",
            {
                "statement": str(page.context["statement"].code),
                "value": "0",
                "language": page.context["language"],
            },
        )
    assert ("Вымышленное утверждение 1", "ru") in texts
    assert Vote.objects.get(statement=statement).language == "ru"
