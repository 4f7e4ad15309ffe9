"""Faults: what the platform does when things break, and whether anything is lost.

Four scenarios, on a throwaway PostgreSQL cluster of this script's own (port 5433, so the
machine's main server is never restarted), with the demo loaded and the platform served
by gunicorn (several worker processes) on loopback:

1. worker killed: an opinion map is being drawn by ``kenesh manage kenesh_worker``; the
   worker is killed (SIGKILL) mid-analysis and a new one started at once. Measured: the
   time until the task is queued again and until the map exists, and that it counts every
   vote.
2. PostgreSQL restarted under load: 20 clients open pages and vote while the cluster is
   stopped for a few seconds and started again. Every response is recorded: during the
   outage only the plain 503 page (no 500, no hang past the client's timeout), after it
   only successes within a few seconds; every vote acknowledged is in the database.
3. full disk on upload: the media directory is a 2 MB tmpfs, filled up but for a little;
   a document uploaded through the real form gets the clear message, leaves no row and
   no partial file, and the server keeps serving (and stores the file once room is made).
4. two editors: two signed-in authors open one draft and save different text at the same
   moment: one version is saved, the other author gets the conflict page with their text.

The last line: "faults: N of 4 recovered, M lost", against the baseline of the platform
losing nothing and recovering from each fault without a hand on it.

Needs root (pg_createcluster, mount) and the PostgreSQL server packages. Run:

    .venv/bin/python bench/faults.py            # all four, about three minutes
    .venv/bin/python bench/faults.py --only restart --load-seconds 12
"""

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _setup

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLUSTER = "kbench"
PG_PORT = 5433
DB_NAME = "kenesh_bench_faults"
DB_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB_NAME}"
STALE_SECONDS = 10  # the worker's, shortened for the benchmark (the product's default: 30)
CLIENT_TIMEOUT = 10
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BASE = re.compile(r'name="base" value="(\d+)"')
DOWN_PAGE = 'data-testid="database-down"'
STORAGE_FULL = "The server has no room to store this file just now"


def say(*parts):
    print(*parts, flush=True)


# --- what this script starts, and stops whatever happens --------------------------------

PROCESSES: list[subprocess.Popen] = []
MOUNTS: list[str] = []
STATE = {"cluster": None}


def pg_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: float(v))
    if not versions:
        raise SystemExit("No PostgreSQL server packages (/etc/postgresql is empty).")
    return versions[-1]


def pg_ctl(action: str, *extra: str) -> None:
    version = STATE["cluster"]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, CLUSTER, action, *extra],
        check=True,
        capture_output=True,
    )


def create_cluster() -> None:
    version = pg_version()
    listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    if any(line.split()[:2] == [version, CLUSTER] for line in listed.splitlines()):
        say(f"(dropping a cluster {version}/{CLUSTER} left from an earlier run)")
        subprocess.run(["pg_dropcluster", "--stop", version, CLUSTER], check=False)
    subprocess.run(
        ["pg_createcluster", version, CLUSTER, "--port", str(PG_PORT), "--", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    STATE["cluster"] = version
    pg_ctl("start")
    import psycopg

    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:{PG_PORT}/postgres", autocommit=True
    ) as admin:
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')


def stop_process(process: subprocess.Popen, grace: float = 5) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def clean_up() -> None:
    for process in PROCESSES:
        stop_process(process)
    for mount in MOUNTS:
        subprocess.run(["umount", "-l", mount], check=False)
    if STATE["cluster"]:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        subprocess.run(
            ["pg_dropcluster", "--stop", STATE["cluster"], CLUSTER],
            check=False,
            capture_output=True,
        )
        STATE["cluster"] = None


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A child process in a session of its own, so it can be killed with its children."""
    process = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    PROCESSES.append(process)
    return process


def child_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        KENESH_DATABASE_URL=DB_URL,
        KENESH_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        KENESH_WORKER_STALE_SECONDS=str(STALE_SECONDS),
        KENESH_MFA_REQUIRED="0",
        KENESH_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the demo, and what the scenarios need in it -----------------------------------------


def _open_every_list_page_without_worker(original=_setup.open_every_list_page):
    """The pages are opened before any worker runs: /healthz would rightly say 503
    (tasks wait on the database queue and no worker is alive); it is not a page failing."""
    from kenesh.core import worker

    uses_worker = worker.uses_worker
    worker.uses_worker = lambda: False
    try:
        return original()
    finally:
        worker.uses_worker = uses_worker


_setup.open_every_list_page = _open_every_list_page_without_worker


def prepare(voters: int, links: int):
    """A pseudonymous conversation with ``voters`` extra synthetic voters (so a map takes
    a few seconds to draw), ``links`` invitation links for the load, a draft with two
    authors who can sign in, and a convening for the upload."""
    from django.db import connection

    from kenesh.access.models import User
    from kenesh.convenings.models import Convening
    from kenesh.deliberation import services as deliberation
    from kenesh.deliberation.models import (
        Anonymity,
        Conversation,
        Participant,
        StatementStatus,
        Vote,
    )
    from kenesh.papers import services as papers
    from kenesh.papers.models import AuthorRole

    admin = User.objects.get(username="admin")
    conversation = (
        Conversation.objects.filter(anonymity=Anonymity.PSEUDONYMOUS).order_by("-id").first()
    )
    statements = list(
        conversation.statements.filter(status=StatementStatus.ACCEPTED).order_by("number")
    )
    rng = random.Random(7)
    Participant.objects.bulk_create(
        Participant(conversation=conversation, label=f"Synthetic {i}") for i in range(voters)
    )
    synthetic = Participant.objects.filter(
        conversation=conversation, label__startswith="Synthetic "
    )
    votes = [
        Vote(participant=p, statement=s, value=rng.choice((-1, 0, 1, 1)), language="ru")
        for p in synthetic
        for s in statements
        if rng.random() < 0.8
    ]
    Vote.objects.bulk_create(votes, batch_size=5000)
    invited = []
    while len(invited) < links:  # at most 500 at a time
        invited += deliberation.create_invitation_links(
            conversation=conversation, count=min(500, links - len(invited)), by=admin
        )
    young = User.objects.get(username="young")
    expert = User.objects.get(username="expert")
    paper = papers.create_paper(
        by=User.objects.get(username="staff"),
        authors=[(young.person, AuthorRole.LEAD), (expert.person, AuthorRole.CO_AUTHOR)],
        title="Two editors at once (fictional)",
        body="# Two editors\n\nFirst draft.",
        language="en",
        visibility="public",
    )
    convening = Convening.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "conversation": conversation,
        "statements": [str(s.code) for s in statements],
        "tokens": [p.token for p in invited],
        "paper": paper,
        "convening": convening,
        "votes": Vote.objects.filter(statement__conversation=conversation).count(),
    }


# --- 1. worker killed mid-analysis -------------------------------------------------------


def scenario_worker(ctx, logs: Path) -> tuple[bool, int]:
    from django.db import close_old_connections
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from kenesh.access.models import User
    from kenesh.deliberation import services
    from kenesh.deliberation.models import Analysis, AnalysisRun
    from kenesh.deliberation.queries import analysis_input

    say("\n1. worker killed mid-analysis")
    worker_args = [PYTHON, "-m", "kenesh.cli", "manage", "kenesh_worker", "--no-reload",
                   "--interval", "0.5", "--no-startup-delay"]  # fmt: skip
    env = child_env()
    conversation = ctx["conversation"]
    before = Analysis.objects.filter(conversation=conversation).count()
    first = start(worker_args, env, logs / "worker1.log")
    time.sleep(2)
    run = services.request_analysis(
        conversation=conversation, by=User.objects.get(username="admin")
    )
    queued = time.monotonic()
    task = None
    while time.monotonic() - queued < 60:
        close_old_connections()
        run.refresh_from_db()
        task = DBTaskResult.objects.filter(pk=run.task_id).first() if run.task_id else None
        if task and task.status == TaskResultStatus.RUNNING:
            break
        time.sleep(0.1)
    else:
        say("   the task never started running")
        return False, 0
    running_at = time.monotonic()
    time.sleep(0.7)  # well inside the analysis, which takes a few seconds
    drawn_before_kill = Analysis.objects.filter(conversation=conversation).count() - before
    run.refresh_from_db()
    task.refresh_from_db()
    mid = (
        task.status == TaskResultStatus.RUNNING
        and run.status == AnalysisRun.Status.RUNNING
        and not drawn_before_kill
    )
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(5)
    killed_at = time.monotonic()
    say(f"   task running {running_at - queued:.1f} s after it was queued; worker killed "
        f"{killed_at - running_at:.1f} s into it (still running then: {mid})")  # fmt: skip
    second = start(worker_args, env, logs / "worker2.log")
    requeued_at = done_at = None
    while time.monotonic() - killed_at < 180:
        close_old_connections()
        task.refresh_from_db()
        if requeued_at is None and (
            task.status == TaskResultStatus.READY or len(task.worker_ids) > 1
        ):
            requeued_at = time.monotonic()
        if task.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            done_at = time.monotonic()
            break
        time.sleep(0.2)
    stop_process(second)
    run.refresh_from_db()
    analyses = Analysis.objects.filter(conversation=conversation).count() - before
    rows, _attributes, _excluded = analysis_input(conversation)
    analysis = run.analysis
    ok = bool(
        done_at
        and task.status == TaskResultStatus.SUCCESSFUL
        and run.status == AnalysisRun.Status.DONE
        and analysis is not None
        and analysis.state == Analysis.State.DONE
        and analysis.votes == len(rows)
        and analyses == 1
        and mid
    )
    if requeued_at:
        say(f"   requeued {requeued_at - killed_at:.1f} s after the kill (stale after "
            f"{STALE_SECONDS} s; the new worker looks for abandoned tasks when it starts and "
            "at every heartbeat)")  # fmt: skip
    else:
        say("   never requeued")
    if done_at:
        say(f"   finished ({task.status}) {done_at - killed_at:.1f} s after the kill; "
            f"attempts {len(task.worker_ids)}; map drawn in "
            f"{analysis.seconds if analysis else float('nan'):.1f} s")  # fmt: skip
    say(f"   map counts {analysis.votes if analysis else 0:,} votes of {len(rows):,}; "
        f"maps made by this run: {analyses}")  # fmt: skip
    if not mid:
        say("   (the kill did not land mid-analysis: raise --voters)")
    say(f"   verdict: {'recovered, nothing lost' if ok else 'NOT RECOVERED'}")
    # Lost: the requested map never made, or votes it does not count.
    lost = 1 if analysis is None else len(rows) - analysis.votes
    return ok, lost


# --- 2. PostgreSQL restarted under load ---------------------------------------------------


def serve(logs: Path, data_dir: str, workers: int = 3) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = child_env()
    env.update(KENESH_DATA_DIR=data_dir, KENESH_DB_CONN_MAX_AGE="60")
    process = start(
        [str(Path(PYTHON).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "30", "--graceful-timeout", "5", "kenesh.wsgi:application"],
        env, logs / "gunicorn.log",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(base + "/login/", timeout=5) as response,
        ):
            if response.status == 200:
                return process, base
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {logs / 'gunicorn.log'}")
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within a minute")


def new_session():
    import aiohttp

    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=CLIENT_TIMEOUT),
    )


async def fetch(session, method, url, records, kind, **kwargs):
    """One request, recorded as (sent, answered, kind, status, clean); status 0 is a
    timeout or a refused connection."""
    sent = time.monotonic()
    try:
        async with session.request(method, url, allow_redirects=False, **kwargs) as response:
            body = await response.text()
            status = response.status
            clean = status != 503 or (
                DOWN_PAGE in body and response.headers.get("Retry-After") == "30"
            )
    except (TimeoutError, OSError, Exception) as error:
        body, status, clean = type(error).__name__, 0, False
    records.append((sent, time.monotonic(), kind, status, clean))
    return status, body


async def voter(base, code, tokens, statements, stop_at, records, acknowledged):
    """One browser: opens an invitation link, votes on every statement (a page now and
    then between votes), then opens its next link, until the time is up."""
    rng = random.Random(tokens[0])
    async with new_session() as session:
        for token in tokens:
            csrf = None
            while csrf is None and time.monotonic() < stop_at:
                await fetch(session, "GET", f"{base}/deliberation/join/{token}/", records, "join")
                status, body = await fetch(
                    session, "GET", f"{base}/deliberation/{code}/vote/", records, "page"
                )
                match = CSRF.search(body) if status == 200 else None
                csrf = match.group(1) if match else None
                if csrf is None:
                    await asyncio.sleep(0.5)
            todo = list(statements)
            rng.shuffle(todo)
            while todo and time.monotonic() < stop_at:
                if rng.random() < 0.6:
                    statement = todo[0]
                    # The same value if this vote is sent again after a failure.
                    value = ("1", "-1", "0")[zlib.crc32(f"{token}{statement}".encode()) % 3]
                    status, _body = await fetch(
                        session, "POST", f"{base}/deliberation/{code}/vote/cast/", records, "vote",
                        data={"statement": statement, "value": value, "language": "ru",
                              "csrfmiddlewaretoken": csrf},
                    )  # fmt: skip
                    if status == 302:  # recorded: the page is shown again with the next card
                        acknowledged.append((token, statement, int(value)))
                        todo.pop(0)
                else:
                    url = rng.choice(
                        (f"{base}/deliberation/{code}/vote/", f"{base}/login/", f"{base}/")
                    )
                    await fetch(session, "GET", url, records, "page")
                await asyncio.sleep(rng.uniform(0.05, 0.25))
            if time.monotonic() >= stop_at:
                return


async def health_probe(base, stop_at, probes):
    async with new_session() as session:
        while time.monotonic() < stop_at:
            sent = time.monotonic()
            try:
                async with session.get(f"{base}/healthz") as response:
                    body = await response.json(content_type=None)
                    probes.append((sent, response.status, body.get("status")))
            except Exception as error:
                probes.append((sent, 0, type(error).__name__))
            await asyncio.sleep(0.5)


def scenario_restart(ctx, base, load_seconds, clients, logs) -> tuple[bool, int]:
    from django.db import connections

    from kenesh.deliberation.models import Vote

    say(f"\n2. PostgreSQL restarted under load ({clients} clients, {load_seconds} s, "
        "gunicorn -w 3, CONN_MAX_AGE 60)")  # fmt: skip
    records, acknowledged, probes, outage = [], [], [], {}
    code = ctx["conversation"].code
    connections.close_all()
    # A worker beside the server, as `kenesh serve` runs one: /healthz depends on it.
    worker = start(
        [PYTHON, "-m", "kenesh.cli", "manage", "kenesh_worker", "--no-reload", "--interval", "1"],
        child_env(),
        logs / "worker-restart.log",
    )
    time.sleep(3)

    async def restart(after):
        await asyncio.sleep(after)
        outage["stop"] = time.monotonic()
        await asyncio.to_thread(pg_ctl, "stop", "-m", "fast")
        outage["stopped"] = time.monotonic()
        await asyncio.sleep(3)
        await asyncio.to_thread(pg_ctl, "start")
        outage["started"] = time.monotonic()

    per_client = [ctx["tokens"][i::clients] for i in range(clients)]

    async def main():
        began = time.monotonic()
        stop_at = began + load_seconds
        await asyncio.gather(
            *(
                voter(base, code, tokens, ctx["statements"], stop_at, records, acknowledged)
                for tokens in per_client
            ),
            health_probe(base, stop_at, probes),
            restart(load_seconds / 3),
        )
        return began

    began = asyncio.run(main())
    worker_alive = worker.poll() is None
    stop_process(worker)
    stop, started = outage["stop"], outage["started"]
    recovery_allowance = 5.0
    phases = {"before": [], "outage": [], "after": []}
    for sent, answered, kind, status, clean in records:
        if answered < stop:
            phases["before"].append((kind, status, clean))
        elif sent <= started:
            phases["outage"].append((kind, status, clean))
        else:
            phases["after"].append((kind, status, clean, sent))
    ok_status = {200, 302}

    def tally(rows):
        counts = {}
        for row in rows:
            counts[row[1]] = counts.get(row[1], 0) + 1
        return ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(counts.items()))

    unclean = [r for r in records if r[3] == 0 or r[3] == 500 or (r[3] == 503 and not r[4])]
    unexpected = [r for r in records if r[3] not in ok_status | {503}]
    bad_after = [
        r for r in phases["after"] if r[1] not in ok_status and r[3] > started + recovery_allowance
    ]
    last_failure = max(
        (sent for kind, status, clean, sent in phases["after"] if status not in ok_status),
        default=None,
    )
    first_503 = min((r[1] for r in records if r[3] == 503), default=None)
    recovery = 0.0 if last_failure is None else last_failure - started
    first_success = min(
        (answered for sent, answered, kind, status, clean in records
         if sent > started and status in ok_status),
        default=None,
    )  # fmt: skip
    health_down = [p for p in probes if stop <= p[0] <= started]
    health_after = [p for p in probes if p[0] > started + recovery_allowance]

    connections.close_all()
    saved = {
        (token, str(statement), value)
        for token, statement, value in Vote.objects.filter(
            participant__token__in=ctx["tokens"]
        ).values_list("participant__token", "statement__code", "value")
    }
    lost = [vote for vote in acknowledged if vote not in saved]
    before_restart = sum(1 for r in records if r[2] == "vote" and r[1] < stop and r[3] in ok_status)
    say(f"   {len(records):,} responses in {load_seconds} s ({len(records) / load_seconds:.0f}/s)")
    say(f"   before the restart: {tally(phases['before'])}")
    say(f"   outage: stop issued at {stop - began:.1f} s, server down after "
        f"{outage['stopped'] - stop:.1f} s, started again at {started - began:.1f} s "
        f"({started - stop:.1f} s without a database)")  # fmt: skip
    say(f"   during the outage: {tally(phases['outage'])}; first 503 "
        f"{(first_503 - stop) if first_503 else float('nan'):+.1f} s after the stop")  # fmt: skip
    say(f"   after it: {tally(phases['after'])}; last failure {recovery:.1f} s after the start "
        f"(allowed {recovery_allowance:.0f} s); first success answered "
        f"{(first_success or float('nan')) - started:.2f} s after it")  # fmt: skip
    plain = not [r for r in records if r[3] == 503 and not r[4]]
    say(f"   every 503 the plain page with Retry-After: {plain}; "
        f"500s: {sum(1 for r in records if r[3] == 500)}; no answer within {CLIENT_TIMEOUT} s: "
        f"{sum(1 for r in records if r[3] == 0)}; other statuses: {len(unexpected)}")  # fmt: skip
    say(f"   /healthz while down: {sorted({(p[1], p[2]) for p in health_down})}; "
        f"after: {sorted({(p[1], p[2]) for p in health_after})}; the worker beside it "
        f"{'kept running' if worker_alive else 'EXITED (kenesh serve restarts it)'}")  # fmt: skip
    say(f"   votes acknowledged: {len(acknowledged)} ({before_restart} before the restart); "
        f"missing from the database: {len(lost)}")  # fmt: skip
    ok = not unclean and not unexpected and not bad_after and not lost and bool(phases["outage"])
    say(f"   verdict: {'recovered, nothing lost' if ok else 'NOT CLEAN'}")
    return ok, len(lost)


# --- 3. full disk on upload --------------------------------------------------------------


async def sign_in(session, base, username) -> None:
    async with session.get(f"{base}/login/") as response:
        csrf = CSRF.search(await response.text()).group(1)
    async with session.post(
        f"{base}/login/",
        data={"username": username, "password": "kenesh-demo", "csrfmiddlewaretoken": csrf},
        allow_redirects=False,
    ) as response:
        if response.status != 302:
            raise SystemExit(f"could not sign in as {username}: {response.status}")


async def form_csrf(session, url) -> tuple[str, str]:
    async with session.get(url) as response:
        body = await response.text()
        assert response.status == 200, (url, response.status)
    return CSRF.search(body).group(1), body


def media_files(media: Path) -> set[str]:
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}


def scenario_disk(ctx, base, media: Path, how: str) -> tuple[bool, int]:
    from django.db import connections

    from kenesh.convenings.models import Document

    say(f"\n3. full disk on upload ({how})")
    connections.close_all()
    filler = media / "filler.bin"
    free = shutil.disk_usage(media).free
    with filler.open("wb") as out:  # leave 64 KB free
        out.write(b"\0" * max(0, free - 64 * 1024))
    free_left = shutil.disk_usage(media).free
    pdf = b"%PDF-1.4\n" + os.urandom(300 * 1024) + b"\n%%EOF\n"
    url = f"{base}/convenings/{ctx['convening'].code}/documents/new/"

    async def upload(session, title):
        import aiohttp

        csrf, _ = await form_csrf(session, url)
        form = aiohttp.FormData()
        for name, value in (
            ("title", title),
            ("kind", "concept_note"),
            ("csrfmiddlewaretoken", csrf),
        ):
            form.add_field(name, value)
        form.add_field("file", pdf, filename="note.pdf", content_type="application/pdf")
        async with session.post(url, data=form, allow_redirects=False) as response:
            return response.status, await response.text()

    async def main():
        async with new_session() as session:
            await sign_in(session, base, "staff")
            files_before = media_files(media)
            rows_before = await asyncio.to_thread(Document.objects.count)
            full = await upload(session, "Concept note, disk full")
            files_after = media_files(media)
            rows_after = await asyncio.to_thread(Document.objects.count)
            async with session.get(f"{base}/login/") as response:
                serving = response.status
            filler.unlink()
            room = await upload(session, "Concept note, room made")
            rows_final = await asyncio.to_thread(Document.objects.count)
            return (
                full,
                files_before,
                files_after,
                rows_before,
                rows_after,
                serving,
                room,
                rows_final,
            )

    full, files_before, files_after, rows_before, rows_after, serving, room, rows_final = (
        asyncio.run(main())
    )
    connections.close_all()
    message = STORAGE_FULL in full[1]
    say(f"   {len(pdf) // 1024} KB PDF uploaded with {free_left // 1024} KB free: "
        f"status {full[0]}, clear message on the form: {message}")  # fmt: skip
    say(f"   documents {rows_before} -> {rows_after}; files in media {len(files_before)} -> "
        f"{len(files_after)} (new: {sorted(files_after - files_before) or 'none'})")  # fmt: skip
    say(f"   the server keeps serving: GET /login/ {serving}; with room made, the same upload: "
        f"{room[0]}, documents {rows_after} -> {rows_final}")  # fmt: skip
    ok = (
        full[0] == 200 and message and rows_after == rows_before
        and files_after == files_before and serving == 200
        and room[0] == 302 and rows_final == rows_after + 1
    )  # fmt: skip
    say(f"   verdict: {'clear refusal, nothing kept, recovered' if ok else 'NOT CLEAN'}")
    return ok, 0 if rows_after == rows_before else 1


# --- 4. two editors -----------------------------------------------------------------------


def scenario_editors(ctx, base) -> tuple[bool, int]:
    from django.db import connections

    from kenesh.papers.models import PaperVersion

    say("\n4. two editors save one draft at the same moment (HTTP, gunicorn -w 3)")
    connections.close_all()
    paper = ctx["paper"]
    url = f"{base}/papers/{paper.code}/edit/"
    texts = {
        "young": "# Two editors\n\nThe young expert's draft: rivers first.",
        "expert": "# Two editors\n\nThe seasoned expert's draft: budgets first.",
    }

    async def main():
        sessions = {name: new_session() for name in texts}
        try:
            forms = {}
            for name, session in sessions.items():
                await sign_in(session, base, name)
                csrf, body = await form_csrf(session, url)
                forms[name] = (csrf, BASE.search(body).group(1))

            async def save(name):
                csrf, base_version = forms[name]
                async with sessions[name].post(
                    url,
                    data={"body": texts[name], "base": base_version, "note": "",
                          "csrfmiddlewaretoken": csrf},
                    allow_redirects=False,
                ) as response:  # fmt: skip
                    return name, response.status, await response.text()

            return await asyncio.gather(*(save(name) for name in texts)), forms
        finally:
            for session in sessions.values():
                await session.close()

    results, forms = asyncio.run(main())
    connections.close_all()
    versions = list(PaperVersion.objects.filter(paper=paper).order_by("number"))
    statuses = {name: status for name, status, _ in results}
    saved = [name for name, status, _ in results if status == 302]
    refused = [(name, body) for name, status, body in results if status == 409]
    kept_in_page = bool(refused) and texts[refused[0][0]] in refused[0][1].replace("&#x27;", "'")
    say(f"   both opened version {', '.join(f[1] for f in forms.values())}; answers: {statuses}")
    say(f"   versions now: {[v.number for v in versions]}; the saved one is "
        f"{saved[0] if saved else 'none'}'s; the other's text on its conflict page: "
        f"{kept_in_page}")  # fmt: skip
    lost = 0
    for name, text in texts.items():
        if not any(v.body == text for v in versions) and not (
            refused and refused[0][0] == name and kept_in_page
        ):
            lost += 1
    ok = (
        sorted(statuses.values()) == [302, 409]
        and len(versions) == 2
        and versions[1].body == texts[saved[0]]
        and kept_in_page
        and lost == 0
    )
    say(f"   verdict: {'one saved, the other told, nothing lost' if ok else 'NOT CLEAN'}")
    return ok, lost


# --- the run --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--voters", type=int, default=20000, help="synthetic voters for the map")
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--only", choices=["worker", "restart", "disk", "editors"], action="append")
    args = parser.parse_args()
    chosen = args.only or ["worker", "restart", "disk", "editors"]
    if os.geteuid() != 0:
        raise SystemExit("Run as root: the scenarios make a PostgreSQL cluster and a tmpfs.")

    def interrupted(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    logs = Path(tempfile.mkdtemp(prefix="kenesh-faults-logs-"))
    results = {}
    try:
        create_cluster()
        os.environ["KENESH_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
        os.environ["KENESH_WORKER_STALE_SECONDS"] = str(STALE_SECONDS)
        described = _setup.demo_database(args.scale, DB_URL)
        ctx = prepare(args.voters, max(args.clients, 1) * 12)
        say(f"{described}; PostgreSQL {STATE['cluster']} cluster '{CLUSTER}' on port {PG_PORT}")
        say(f"conversation with {ctx['votes']:,} votes on {len(ctx['statements'])} statements; "
            f"logs in {logs}")  # fmt: skip
        data_dir = os.environ["KENESH_DATA_DIR"]
        media = Path(data_dir) / "media"
        media.mkdir(exist_ok=True)
        how = "no tmpfs"
        if "disk" in chosen:
            mounted = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(media)],
                capture_output=True, text=True,
            )  # fmt: skip
            if mounted.returncode == 0:
                MOUNTS.append(str(media))
                how = "a real 2 MB tmpfs as the media directory: the write fails with ENOSPC"
            else:
                how = f"tmpfs refused ({mounted.stderr.strip()}); not measured"
        if "worker" in chosen:
            results["worker"] = scenario_worker(ctx, logs)
        server = base = None
        if {"restart", "disk", "editors"} & set(chosen):
            server, base = serve(logs, data_dir)
        if "restart" in chosen:
            results["restart"] = scenario_restart(ctx, base, args.load_seconds, args.clients, logs)
        if "disk" in chosen:
            if MOUNTS:
                results["disk"] = scenario_disk(ctx, base, media, how)
            else:
                say(f"\n3. full disk: {how}")
                results["disk"] = (False, 0)
        if "editors" in chosen:
            results["editors"] = scenario_editors(ctx, base)
        if server is not None:
            stop_process(server)
            log = (logs / "gunicorn.log").read_text(errors="replace")
            say(f"\nserver log: {log.count('Traceback')} tracebacks, "
                f"{log.count('Database unavailable')} 'Database unavailable' warnings, "
                f"{log.count('No room to store')} 'No room to store' errors")  # fmt: skip
    finally:
        clean_up()
    recovered = sum(1 for ok, _lost in results.values() if ok)
    lost = sum(lost for _ok, lost in results.values())
    say(
        f"faults: {recovered} of {len(results)} recovered, {lost} lost "
        "(baseline: every fault recovered without a hand on it, nothing lost)"
    )
    return 0 if recovered == len(results) and not lost else 1


if __name__ == "__main__":
    sys.exit(main())
