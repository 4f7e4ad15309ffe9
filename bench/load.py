"""Load: signed-in users browsing and voting, throughput, a public consultation, and
simultaneous votes, against gunicorn on PostgreSQL over loopback (issue 10, item 7).

Builds the demo at ``--scale`` in a PostgreSQL database of its own (``kenesh_bench_load``
on 127.0.0.1:5432, user postgres, dropped first and at the end), signs in ``--users``
experts (sessions made in this process, as a sign-in would make them), and serves the
platform with ``gunicorn kenesh.wsgi -w 4`` (sync workers) beside one background worker
(``kenesh manage kenesh_worker``, the database task queue) that draws the opinion maps.
Two-step sign-in is off for the served platform (KENESH_MFA_REQUIRED=0): sessions are
made here, not through the sign-in form. One asyncio process (aiohttp) is every client,
through a pool of --connections connections (a request's time includes waiting for one);
every vote the platform answered is then looked up in the database.

browse        --users signed-in experts for --duration s, then ten times as many: home,
              roster, convening list, a conversation, its vote page and votes (the vote
              form's own POST, as htmx sends it), 1-3 s between requests. p50/p99, req/s,
              errors (any 5xx, unexpected status, timeout or connection error).
throughput    8 clients, as fast as they go, for --seconds s each: /healthz, the roster's
              first page, the influence overview (staff). Roster/healthz ratio: aim 0.15;
              before: 0.06 on one waitress process (roster 29/s, /healthz 459/s).
consultation  --voters invitation-link voters arriving evenly over --duration s in a
              pseudonymous conversation, each joining and voting --votes times; votes/s,
              errors, and the delay from the last vote until the opinion map counts them all.
simultaneous  --simultaneous voters released at one instant (half link voters, half
              members whose first vote makes their place), some sending the same vote twice
              at once, some two different votes at once, then changing them at once; the
              database must then hold exactly one vote per voter and statement, each the
              voter's last choice.

    python bench/load.py [--scale 100] [--users 60] [--duration 60] [--workers 4]
                         [--only browse|throughput|consultation|simultaneous] [--quick]

Needs ``pip install -e '.[load,postgres]'`` (gunicorn, aiohttp, psycopg). The last line
is the roster/healthz throughput ratio against the 0.15 aim, with the errors and lost votes.
gunicorn's sync workers close every connection, which costs /healthz relatively more than
the roster: compare the roster's own rate too when comparing with a waitress measurement.
"""

import argparse
import asyncio
import contextlib
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SCENARIOS = ("browse", "throughput", "consultation", "simultaneous")
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "kenesh_bench_load"
AIM_RATIO = 0.15
BEFORE = "0.06 on one waitress process (roster 29/s, /healthz 459/s, --scale 100, 8 clients)"

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATEMENT_RE = re.compile(r'name="statement" value="([0-9a-f-]{36})"')
LANGUAGE_RE = re.compile(r'name="language" value="([^"]*)"')


# --- the database, the served platform, and cleaning up ---------------------------------


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Platform:
    """gunicorn and one background worker, each in its own process group."""

    def __init__(self, workers: int, log_dir: Path):
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / "served.log"
        self.processes: list[subprocess.Popen] = []

    def env(self) -> dict:
        env = os.environ.copy()
        env.update(
            KENESH_MFA_REQUIRED="0",
            KENESH_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            KENESH_DB_CONN_MAX_AGE=env.get("KENESH_DB_CONN_MAX_AGE", "60"),
            KENESH_LOG_LEVEL="WARNING",
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return env

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the children
        common = {"env": self.env(), "stdout": log, "stderr": log, "start_new_session": True}
        self.processes.append(
            subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "kenesh.wsgi",
                    "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                    "--graceful-timeout", "5", "--backlog", "4096",
                ],
                **common,
            )
        )  # fmt: skip
        self.processes.append(
            subprocess.Popen(
                [
                    sys.executable, "-m", "kenesh.cli", "manage", "kenesh_worker",
                    "--interval", "1", "--parent-pid", str(os.getpid()),
                ],
                **common,
            )
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while True:
            for process in self.processes:
                if process.poll() is not None:
                    raise SystemExit(
                        f"A served process exited; see {self.log_path}:\n{self.tail()}"
                    )
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"/healthz did not answer 200 in 90 s:\n{self.tail()}")
            time.sleep(0.5)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def errors_logged(self) -> list[str]:
        """Tracebacks and server errors the served processes wrote."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        return [
            line
            for line in text.splitlines()
            if "Traceback" in line or "Internal Server Error" in line or "WORKER TIMEOUT" in line
        ]

    def stop(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.processes.clear()


# --- what the setup makes: sessions, conversations, invitation links ---------------------


@dataclass
class Fixture:
    staff_cookie: str = ""
    member_cookies: list[str] = field(default_factory=list)
    member_persons: list[int] = field(default_factory=list)
    water: str = ""  # the demo's named conversation, open to members
    water_statements: list[str] = field(default_factory=list)
    public: str = ""  # a pseudonymous consultation made here
    public_tokens: list[str] = field(default_factory=list)
    sim_links: str = ""
    sim_links_statements: list[str] = field(default_factory=list)
    sim_links_tokens: list[str] = field(default_factory=list)
    sim_members: str = ""
    sim_members_statements: list[str] = field(default_factory=list)


STATEMENTS = [
    "Border crossings should open at night for farmers during the harvest.",
    "Local water committees need a seat for each village downstream.",
    "Schools near the border should teach both neighbouring languages.",
    "Joint patrols make border villages safer.",
    "Pasture rights should follow the season, not the map.",
    "Markets on the border should be open to traders from both sides.",
    "Disputes over irrigation should first go to elders of both villages.",
    "Road repairs near the border should be planned together.",
    "A hotline between district heads would prevent most clashes.",
    "Young people from both sides should meet every summer.",
    "Electricity cuts in winter should be shared fairly across the valley.",
    "Customs rules should be printed in every local language.",
]


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)  # user_logged_in: access.sessions writes the UserSession row
    return client.cookies["sessionid"].value


def build_fixture(n_members: int, n_public: int, n_simultaneous: int) -> Fixture:
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from kenesh.access.models import Role, User
    from kenesh.deliberation import services
    from kenesh.deliberation.models import Anonymity, Conversation, StatementStatus
    from kenesh.people.models import Person

    fixture = Fixture()
    staff = User.objects.get(username="staff")
    fixture.staff_cookie = session_cookie(staff)
    water = Conversation.objects.filter(anonymity=Anonymity.NAMED, open_to_members=True).first()
    fixture.water = str(water.code)
    fixture.water_statements = [
        str(code)
        for code in water.statements.filter(status=StatementStatus.ACCEPTED).values_list(
            "code", flat=True
        )
    ]
    # Members: experts tied to roster records that had no login, the ones without a place
    # in the demo's conversation first (so they have statements left to vote on).
    people = list(Person.objects.filter(user__isnull=True).order_by("id"))
    taken = set(water.participants.exclude(person=None).values_list("person_id", flat=True))
    people.sort(key=lambda p: p.pk in taken)
    if len(people) < n_members:
        raise SystemExit(
            f"{n_members} members need as many roster records without a login; the demo at "
            f"this scale has {len(people)}: raise --scale."
        )
    password = make_password(None)  # unusable: these members never type one
    for i, person in enumerate(people[:n_members]):
        user = User.objects.create(
            username=f"bench-member-{i}", role=Role.EXPERT, password=password
        )
        person.user = user
        person.save(update_fields=["user"])
        fixture.member_cookies.append(session_cookie(user))
        fixture.member_persons.append(person.pk)

    # Every page a browsing member opens must answer 200 before any load.
    probe = Client()
    probe.cookies["sessionid"] = fixture.member_cookies[0]
    for url in [*browse_pages(fixture), vote_url(fixture.water)]:
        status = probe.get(url).status_code
        if status != 200:
            raise SystemExit(f"A member's {url} answered {status} before any load.")

    def conversation(title, anonymity, n_statements, **extra):
        made = services.create_conversation(
            by=staff,
            title=title,
            description="Made by bench/load.py.",
            language="en",
            convening=None,
            anonymity=anonymity,
            open_to_members=anonymity == Anonymity.NAMED,
            participants_may_submit=False,
            is_open=True,
            **extra,
        )
        codes = [
            str(services.add_statement(conversation=made, text=text, language="en", by=staff).code)
            for text in STATEMENTS[:n_statements]
        ]
        return made, codes

    def links(made, count):
        tokens = []
        while len(tokens) < count:
            batch = services.create_invitation_links(
                conversation=made, count=min(500, count - len(tokens)), by=staff
            )
            tokens += [p.token for p in batch]
        return tokens

    public, _codes = conversation("Bench: a public consultation", Anonymity.PSEUDONYMOUS, 12)
    fixture.public, fixture.public_tokens = str(public.code), links(public, n_public)
    n_links = n_simultaneous - n_simultaneous // 2
    sim_links, fixture.sim_links_statements = conversation(
        "Bench: simultaneous link votes", Anonymity.PSEUDONYMOUS, 3
    )
    fixture.sim_links, fixture.sim_links_tokens = str(sim_links.code), links(sim_links, n_links)
    sim_members, fixture.sim_members_statements = conversation(
        "Bench: simultaneous member votes", Anonymity.NAMED, 3
    )
    fixture.sim_members = str(sim_members.code)
    return fixture


def browse_pages(fixture: Fixture) -> list[str]:
    return ["/", "/people/", "/convenings/", f"/deliberation/{fixture.water}/"]


def vote_url(code: str) -> str:
    return f"/deliberation/{code}/vote/"


# --- the clients ------------------------------------------------------------------------


@dataclass
class Sample:
    label: str
    started: float
    seconds: float
    status: int | str
    error: bool


class Recorder:
    def __init__(self):
        self.samples: list[Sample] = []

    def errors(self) -> list[Sample]:
        return [s for s in self.samples if s.error]

    def summary(self, indent: str = "  ") -> list[str]:
        lines = []
        by_label = defaultdict(list)
        for sample in self.samples:
            by_label[sample.label].append(sample)
        for label, samples in [("all", self.samples), *sorted(by_label.items())]:
            times = sorted(s.seconds for s in samples)
            if not times:
                continue
            errors = sum(s.error for s in samples)
            lines.append(
                f"{indent}{label:<22} n={len(times):<6} p50 {pct(times, 0.5) * 1000:7.0f} ms"
                f"  p99 {pct(times, 0.99) * 1000:7.0f} ms  errors {errors}"
            )
        kinds = Counter(f"{s.label} -> {s.status}" for s in self.errors())
        for kind, n in kinds.most_common(8):
            lines.append(f"{indent}  error: {kind} x{n}")
        return lines


def client_cpu() -> float:
    """CPU seconds this process (every client) has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine(cpu_before: float) -> str:
    """What else the machine did: the clients' own CPU time and the load average."""
    return (
        f"clients used {client_cpu() - cpu_before:.1f} CPU s; load average {os.getloadavg()[0]:.1f}"
    )


def pct(sorted_values, q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    index = max(0, min(len(sorted_values) - 1, int(-(-q * len(sorted_values) // 1)) - 1))
    return sorted_values[index]


class Client:
    """One browser: its own cookies, the shared connection pool."""

    def __init__(self, base, connector, recorder, timeout, cookie=None, who=None):
        import aiohttp

        self.who = who  # ("member", person id) or ("link", token): whose votes these are
        self.sent = {}  # statement code -> the last value the platform took (200)
        self.base = base
        self.recorder = recorder
        self.timeout = timeout
        self.jar = aiohttp.CookieJar(unsafe=True)  # cookies from 127.0.0.1, as a browser's
        if cookie:
            self.jar.update_cookies({"sessionid": cookie})
        self.session = self._session(connector)

    def _session(self, connector):
        import aiohttp

        return aiohttp.ClientSession(
            connector=connector,
            connector_owner=False,
            cookie_jar=self.jar,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 kenesh-bench"},
        )

    async def move_to(self, connector):
        """Go on with the same cookies through another connection pool."""
        await self.session.close()
        self.session = self._session(connector)

    async def close(self):
        await self.session.close()

    async def request(self, label, method, path, expect=200, **kwargs) -> str | None:
        import aiohttp

        started = time.monotonic()
        try:
            async with self.session.request(
                method, self.base + path, allow_redirects=False, **kwargs
            ) as response:
                body = await response.text()
                status = response.status
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            self.recorder.samples.append(
                Sample(label, started, time.monotonic() - started, type(error).__name__, True)
            )
            return None
        ok = status == expect
        self.recorder.samples.append(
            Sample(label, started, time.monotonic() - started, status, not ok)
        )
        return body if ok else None

    async def vote(self, code, page, value, statement=None, label="vote") -> str | None:
        """The vote card's form, as htmx posts it (the clicked button's value with it)."""
        token = TOKEN_RE.search(page or "")
        if token is None:
            return None
        if statement is None:
            found = STATEMENT_RE.search(page)
            if found is None:
                return None
            statement = found.group(1)
        language = LANGUAGE_RE.search(page)
        url = vote_url(code)
        body = await self.request(
            label,
            "POST",
            url + "cast/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "statement": statement,
                "language": language.group(1) if language else "",
                "value": str(value),
            },
            headers={
                "HX-Request": "true",
                "HX-Current-URL": self.base + url,
                "HX-Target": "vote-card",
                "Origin": self.base,
                "Referer": self.base + url,
            },
        )
        if body is not None:
            self.sent[statement] = value
        return body


def connector(limit: int):
    import aiohttp

    # gunicorn's sync workers close each connection after its response.
    return aiohttp.TCPConnector(limit=limit, force_close=True)


# --- browse -----------------------------------------------------------------------------


async def browse(base, fixture, n_users, duration, connections, timeout, rng) -> tuple:
    recorder = Recorder()
    pool = connector(connections)
    pages = browse_pages(fixture)
    clients = [
        Client(base, pool, recorder, timeout, cookie, who=("member", person))
        for cookie, person in zip(
            fixture.member_cookies[:n_users], fixture.member_persons[:n_users], strict=True
        )
    ]
    started = time.monotonic()
    end = started + duration

    async def member(client: Client, delay: float):
        await asyncio.sleep(delay)
        while time.monotonic() < end:
            choice = rng.choices(["page", "vote"], weights=[4, 2])[0]
            if choice == "page":
                path = rng.choice(pages)
                await client.request(path_label(path), "GET", path)
            else:
                page = await client.request("vote page", "GET", vote_url(fixture.water))
                if page is not None:
                    statement = None
                    if STATEMENT_RE.search(page) is None:  # all voted: change a vote
                        statement = rng.choice(fixture.water_statements)
                    await client.vote(
                        fixture.water, page, rng.choice([1, -1, 0]), statement=statement
                    )
            await asyncio.sleep(rng.uniform(1, 3))

    try:
        await asyncio.gather(*(member(c, rng.uniform(0, min(3, duration / 4))) for c in clients))
    finally:
        for client in clients:
            await client.close()
        await pool.close()
    return recorder, time.monotonic() - started, clients


def path_label(path: str) -> str:
    if path == "/":
        return "home"
    if path.startswith("/people/"):
        return "roster"
    if path.startswith("/convenings/"):
        return "convening list"
    if path.startswith("/deliberation/"):
        return "conversation"
    return path


# --- throughput -------------------------------------------------------------------------


async def hammer(base, cookie, path, seconds, clients_n, timeout) -> tuple[float, Recorder]:
    recorder = Recorder()
    pool = connector(clients_n)
    clients = [Client(base, pool, recorder, timeout, cookie) for _ in range(clients_n)]
    for client in clients:  # one warm-up each: every worker has imported and connected
        await client.request("warm-up", "GET", path)
    recorder.samples.clear()
    end = time.monotonic() + seconds

    async def loop(client):
        while time.monotonic() < end:
            await client.request(path, "GET", path)

    started = time.monotonic()
    try:
        await asyncio.gather(*(loop(c) for c in clients))
    finally:
        for client in clients:
            await client.close()
        await pool.close()
    elapsed = time.monotonic() - started
    done = sum(not s.error for s in recorder.samples)
    return done / elapsed, recorder


# --- the public consultation ------------------------------------------------------------


async def consultation(base, fixture, n_voters, duration, votes_each, connections, timeout, rng):
    recorder = Recorder()
    pool = connector(connections)
    started = time.monotonic()
    last_vote = [0.0]
    first_vote = [None]
    counted = [0]
    clients = []

    async def voter(token: str, delay: float):
        await asyncio.sleep(delay)
        client = Client(base, pool, recorder, timeout, who=("link", token))
        clients.append(client)
        try:
            if (
                await client.request("join link", "GET", f"/deliberation/join/{token}/", 302)
                is None
            ):
                return
            page = await client.request("vote page", "GET", vote_url(fixture.public))
            for _ in range(votes_each):
                if page is None or STATEMENT_RE.search(page) is None:
                    return
                await asyncio.sleep(rng.uniform(0.5, 1.5))
                page = await client.vote(fixture.public, page, rng.choice([1, 1, -1, 0]))
                if page is not None:
                    now = time.monotonic()
                    counted[0] += 1
                    last_vote[0] = max(last_vote[0], now)
                    first_vote[0] = first_vote[0] or now
        finally:
            await client.close()

    tokens = fixture.public_tokens[:n_voters]
    spacing = duration / max(1, len(tokens))
    try:
        await asyncio.gather(*(voter(t, i * spacing) for i, t in enumerate(tokens)))
    finally:
        await pool.close()
    return (
        recorder,
        clients,
        counted[0],
        (first_vote[0] or started),
        last_vote[0],
        time.monotonic() - started,
    )


def wait_for_map(conversation_code: str, since: float, limit: float) -> tuple[float | None, str]:
    """Seconds from the last vote until the conversation's latest map counts every vote it
    holds, or None after ``limit`` s; and what the map and runs show. The last vote is
    the later of ``since`` (the last one answered) and the last time the count of votes
    grew: a request whose client gave up may still be served from the queue."""
    from django.db import connection

    from kenesh.deliberation.models import Analysis, AnalysisRun, Conversation, Vote

    conversation = Conversation.objects.get(code=conversation_code)

    def count():
        connection.close()  # a fresh snapshot each time
        return Vote.objects.filter(statement__conversation=conversation).count()

    votes, grew = count(), since
    settled = time.monotonic() + limit
    while time.monotonic() < settled:  # until no vote has arrived for 5 s
        time.sleep(0.5)
        now_votes = count()
        if now_votes != votes:
            votes, grew = now_votes, time.monotonic()
        elif time.monotonic() - grew >= 5:
            break
    since = max(since, grew)
    deadline = time.monotonic() + limit
    while True:
        latest = Analysis.objects.filter(conversation=conversation).order_by("-id").first()
        if latest is not None and latest.votes >= votes:
            return time.monotonic() - since, (
                f"map of {latest.votes} votes, {latest.participants} participants, "
                f"{latest.state}, drawn in {latest.seconds:.1f} s"
            )
        if time.monotonic() > deadline:
            runs = Counter(
                AnalysisRun.objects.filter(conversation=conversation).values_list(
                    "status", flat=True
                )
            )
            conversation.refresh_from_db()
            return None, (
                f"latest map counts {latest.votes if latest else 0} of {votes} votes; "
                f"runs {dict(runs)}; analysis_requested_at={conversation.analysis_requested_at}"
                f" (no run waiting: see services.schedule_analysis and run_analysis)"
            )
        connection.close()
        time.sleep(0.5)


def check_sent(clients) -> tuple[int, list[str]]:
    """Every vote the platform took (200) is in the database with the value last sent:
    (pairs checked, problems)."""
    from kenesh.deliberation.models import Vote

    wanted = {(c.who, s): v for c in clients for s, v in c.sent.items()}
    members = {who[1] for who, _s in wanted if who[0] == "member"}
    tokens = {who[1] for who, _s in wanted if who[0] == "link"}
    held = {}
    rows = Vote.objects.filter(participant__person_id__in=members) | Vote.objects.filter(
        participant__token__in=tokens
    )
    for vote in rows.values(
        "participant__token", "participant__person_id", "statement__code", "value"
    ):
        person = vote["participant__person_id"]
        who = ("member", person) if person else ("link", vote["participant__token"])
        held[(who, str(vote["statement__code"]))] = vote["value"]
    problems = []
    for key, value in wanted.items():
        if key not in held:
            problems.append(f"lost: {key[0][0]} {key[0][1]}, statement {key[1]}")
        elif held[key] != value:
            problems.append(f"{key[0][0]} {key[0][1]}: {key[1]} holds {held[key]}, sent {value}")
    return len(wanted), problems


# --- simultaneous votes -----------------------------------------------------------------


@dataclass
class Voter:
    client: "Client"
    conversation: str
    statements: list[str]
    kind: int  # 0 one vote, 1 the same vote twice at once, 2 two votes at once, 3 one vote
    page: str = ""
    first: dict = field(default_factory=dict)  # statement -> values sent in round 1
    last: dict = field(default_factory=dict)  # statement -> the value it must end with
    key: object = None  # the participant (link voters) or person (members) behind it


async def simultaneous(base, fixture, n_voters, timeout, rng):
    recorder = Recorder()
    prepare = connector(16)
    burst = connector(0)  # no limit: every request leaves at the barrier
    voters: list[Voter] = []
    n_links = n_voters - n_voters // 2
    for i, token in enumerate(fixture.sim_links_tokens[:n_links]):
        client = Client(base, prepare, recorder, timeout)
        voters.append(Voter(client, fixture.sim_links, fixture.sim_links_statements, i % 4))
        voters[-1].key = ("link", token)
    for i in range(n_voters // 2):
        cookie = fixture.member_cookies[i]
        client = Client(base, prepare, recorder, timeout, cookie)
        voters.append(
            Voter(client, fixture.sim_members, fixture.sim_members_statements, (i + 1) % 4)
        )
        voters[-1].key = ("member", fixture.member_persons[i])

    async def ready(voter: Voter):
        if voter.key[0] == "link":
            joined = await voter.client.request(
                "join link", "GET", f"/deliberation/join/{voter.key[1]}/", 302
            )
            if joined is None:
                return
        voter.page = (
            await voter.client.request("vote page", "GET", vote_url(voter.conversation)) or ""
        )

    await asyncio.gather(*(ready(v) for v in voters))
    for voter in voters:  # from now on every request leaves without waiting for a connection
        await voter.client.move_to(burst)

    def post(voter, statement, value, label):
        return voter.client.vote(voter.conversation, voter.page, value, statement, label)

    # Round 1: everyone votes on every statement at once; the same voter's two requests
    # are sent one after the other, so they reach different workers together.
    sends = []
    for voter in voters:
        for statement in voter.statements:
            value = rng.choice([1, -1, 0])
            values = [value]
            if voter.kind == 1:
                values = [value, value]
            elif voter.kind == 2:
                values = [value, rng.choice([v for v in (1, -1, 0) if v != value])]
            voter.first[statement] = values
            voter.last[statement] = values[0] if len(set(values)) == 1 else None
            sends += [post(voter, statement, v, "round 1 vote") for v in values]
    round_1 = time.monotonic()
    await asyncio.gather(*sends)
    round_1 = time.monotonic() - round_1
    # Round 2: voters of kinds 2 and 3 change every vote at once; kind 3 sends its change
    # twice at once.
    sends = []
    for voter in voters:
        if voter.kind not in (2, 3):
            continue
        for statement in voter.statements:
            before = set(voter.first[statement])
            value = next(v for v in (1, -1, 0) if v not in before)
            voter.last[statement] = value
            copies = 2 if voter.kind == 3 else 1
            sends += [post(voter, statement, value, "round 2 change") for _ in range(copies)]
    round_2 = time.monotonic()
    await asyncio.gather(*sends)
    round_2 = time.monotonic() - round_2
    for voter in voters:
        await voter.client.close()
    await prepare.close()
    await burst.close()
    return recorder, voters, round_1, round_2


def check_simultaneous(fixture, voters) -> tuple[list[str], int, int, int]:
    """What the database holds after the burst: (problems, vote rows, expected, duplicate
    places). One row per voter and statement, each the voter's last choice."""
    from django.db.models import Count

    from kenesh.deliberation.models import Conversation, Participant, Vote

    problems = []
    rows = 0
    expected = 0
    duplicates = 0
    for code in (fixture.sim_links, fixture.sim_members):
        conversation = Conversation.objects.get(code=code)
        doubled = (
            Vote.objects.filter(statement__conversation=conversation)
            .values("participant", "statement")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        for row in doubled:
            problems.append(f"{row['n']} votes for one participant and statement: {row}")
        doubled_places = (
            Participant.objects.filter(conversation=conversation, person__isnull=False)
            .values("person")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        duplicates += len(doubled_places)
        rows += Vote.objects.filter(statement__conversation=conversation).count()
    held = {}
    for vote in Vote.objects.filter(
        statement__conversation__code__in=[fixture.sim_links, fixture.sim_members]
    ).values("participant__token", "participant__person_id", "statement__code", "value"):
        who = (
            ("member", vote["participant__person_id"])
            if vote["participant__person_id"]
            else ("link", vote["participant__token"])
        )
        held[(who, str(vote["statement__code"]))] = vote["value"]
    for voter in voters:
        for statement in voter.statements:
            expected += 1
            value = held.get((voter.key, statement))
            if value is None:
                problems.append(f"lost: {voter.key[0]} voter {voter.key[1]}, statement {statement}")
            elif voter.last[statement] is None:
                if value not in voter.first[statement]:
                    problems.append(f"value {value} never sent by {voter.key}, {statement}")
            elif value != voter.last[statement]:
                problems.append(
                    f"{voter.key[0]} voter {voter.key[1]}: {statement} holds {value}, "
                    f"last sent {voter.last[statement]}"
                )
    return problems, rows, expected, duplicates


# --- main -------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--users", type=int, default=60, help="browse: then ten times as many")
    parser.add_argument("--duration", type=float, default=60, help="browse and consultation, s")
    parser.add_argument("--seconds", type=float, default=10, help="throughput, per page")
    parser.add_argument("--voters", type=int, default=2000, help="consultation")
    parser.add_argument("--votes", type=int, default=3, help="consultation: votes per voter")
    parser.add_argument("--simultaneous", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=100, help="client connection limit")
    parser.add_argument("--timeout", type=float, default=60, help="per request, s")
    parser.add_argument("--map-timeout", type=float, default=120)
    parser.add_argument("--only", choices=SCENARIOS, action="append")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.quick:
        args.scale, args.users, args.duration, args.seconds = 1, 3, 4, 2
        args.voters, args.votes, args.simultaneous, args.map_timeout = 40, 2, 20, 60
    scenarios = args.only or list(SCENARIOS)
    rng = random.Random(args.seed)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    platform = None
    scratch = Path(tempfile.mkdtemp(prefix="kenesh-bench-load-"))
    os.environ["KENESH_DATABASE_URL"] = f"{PG_SERVER}/{DATABASE}"
    # This process builds and checks; it queues nothing (its backend is _setup's immediate
    # one, which also keeps /healthz, opened before any worker runs, at 200). The served
    # processes use the database queue and the worker.
    os.environ["KENESH_MFA_REQUIRED"] = "0"
    try:
        admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin_sql(f"CREATE DATABASE {DATABASE}")
        from _setup import demo_database

        print(demo_database(args.scale, os.environ["KENESH_DATABASE_URL"]), flush=True)
        n_members = max(args.users * 10 if "browse" in scenarios else 0, args.simultaneous // 2, 1)
        started = time.monotonic()
        fixture = build_fixture(n_members, args.voters, args.simultaneous)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        connection.close()
        print(
            f"{n_members} members signed in, {len(fixture.public_tokens)} + "
            f"{len(fixture.sim_links_tokens)} invitation links, in "
            f"{time.monotonic() - started:.1f} s",
            flush=True,
        )
        platform = Platform(args.workers, scratch)
        platform.start()
        print(
            f"served: gunicorn kenesh.wsgi -w {args.workers} (sync) on {platform.base}, "
            f"PostgreSQL {DATABASE}, KENESH_DB_CONN_MAX_AGE="
            f"{platform.env()['KENESH_DB_CONN_MAX_AGE']}, one kenesh_worker "
            f"(django_tasks_db); KENESH_MFA_REQUIRED=0 (sessions made by force_login); "
            f"clients: one aiohttp process, {args.connections} connections at most; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before",
            flush=True,
        )
        final = []
        total_requests = total_errors = lost = 0

        if "browse" in scenarios:
            for n in (args.users, args.users * 10):
                cpu = client_cpu()
                recorder, elapsed, clients = asyncio.run(
                    browse(platform.base, fixture, n, args.duration, args.connections,
                           args.timeout, rng)
                )  # fmt: skip
                total_requests += len(recorder.samples)
                total_errors += len(recorder.errors())
                votes = sum(1 for s in recorder.samples if s.label == "vote" and not s.error)
                print(
                    f"browse: {n} signed-in members for {args.duration:.0f} s: "
                    f"{len(recorder.samples)} requests, {len(recorder.samples) / elapsed:.1f}/s, "
                    f"{votes} votes, errors {len(recorder.errors())} ({machine(cpu)})",
                    flush=True,
                )
                print("\n".join(recorder.summary()), flush=True)
                checked, problems = check_sent(clients)
                lost += sum(p.startswith("lost") for p in problems)
                print(f"  database: {checked} member-statement votes checked, {len(problems)} "
                      f"missing or wrong", flush=True)  # fmt: skip
                for problem in problems[:10]:
                    print(f"  PROBLEM {problem}")
                if problems:
                    final.append(f"{len(problems)} browse votes missing or wrong")

        ratio = None
        if "throughput" in scenarios:
            rates = {}
            for label, path in (
                ("/healthz", "/healthz"),
                ("roster", "/people/"),
                ("influence", "/influence/"),
            ):
                cpu = client_cpu()
                rate, recorder = asyncio.run(
                    hammer(platform.base, fixture.staff_cookie, path, args.seconds, 8,
                           args.timeout)
                )  # fmt: skip
                rates[label] = rate
                total_requests += len(recorder.samples)
                total_errors += len(recorder.errors())
                times = sorted(s.seconds for s in recorder.samples)
                print(
                    f"throughput {label:<10} {rate:7.1f} requests/s (8 clients, "
                    f"{args.seconds:.0f} s; p50 {pct(times, 0.5) * 1000:.0f} ms, "
                    f"p99 {pct(times, 0.99) * 1000:.0f} ms, errors {len(recorder.errors())}; "
                    f"{machine(cpu)})",
                    flush=True,
                )
            ratio = rates["roster"] / rates["/healthz"]
            print(
                f"throughput ratios: roster/healthz {ratio:.3f}, influence/healthz "
                f"{rates['influence'] / rates['/healthz']:.3f} (aim 0.15; before {BEFORE}, "
                f"influence 10/s)",
                flush=True,
            )

        if "consultation" in scenarios:
            cpu = client_cpu()
            recorder, clients, votes, first, last, elapsed = asyncio.run(
                consultation(platform.base, fixture, args.voters, args.duration, args.votes,
                             args.connections, args.timeout, rng)
            )  # fmt: skip
            total_requests += len(recorder.samples)
            total_errors += len(recorder.errors())
            span = max(last - first, 1e-9)
            print(
                f"consultation: {len(fixture.public_tokens[: args.voters])} link voters arriving "
                f"over {args.duration:.0f} s, {args.votes} votes each: {votes} votes in "
                f"{span:.1f} s ({votes / span:.1f} votes/s), {len(recorder.samples)} requests "
                f"in {elapsed:.1f} s, errors {len(recorder.errors())} ({machine(cpu)})",
                flush=True,
            )
            print("\n".join(recorder.summary()), flush=True)
            checked, problems = check_sent(clients)
            lost += sum(p.startswith("lost") for p in problems)
            print(f"  database: {checked} link votes checked, {len(problems)} missing or wrong")
            for problem in problems[:10]:
                print(f"  PROBLEM {problem}")
            if problems:
                final.append(f"{len(problems)} consultation votes missing or wrong")
            delay, how = wait_for_map(fixture.public, last, args.map_timeout)
            if delay is None:
                print(
                    f"opinion map: NOT showing every vote {args.map_timeout:.0f} s after the "
                    f"last vote: {how}",
                    flush=True,
                )
                final.append("map missing votes")
            else:
                print(f"opinion map shows every vote {delay:.1f} s after the last: {how}")

        if "simultaneous" in scenarios:
            cpu = client_cpu()
            recorder, voters, r1, r2 = asyncio.run(
                simultaneous(platform.base, fixture, args.simultaneous,
                             args.timeout, rng)
            )  # fmt: skip
            total_requests += len(recorder.samples)
            total_errors += len(recorder.errors())
            problems, rows, expected, duplicates = check_simultaneous(fixture, voters)
            lost += sum(p.startswith("lost") for p in problems)
            sent = sum(s.label.startswith("round") for s in recorder.samples)
            print(
                f"simultaneous: {len(voters)} voters at one instant "
                f"({len(voters) - len(voters) // 2} links, {len(voters) // 2} members on their "
                f"first vote), {sent} vote requests "
                f"(round 1 in {r1:.1f} s, changes in {r2:.1f} s), errors "
                f"{len(recorder.errors())}; database: {rows} vote rows for {expected} "
                f"voter-statement pairs, {len(problems)} problems, {duplicates} doubled places "
                f"({machine(cpu)})",
                flush=True,
            )
            print("\n".join(recorder.summary()), flush=True)
            for problem in problems[:10]:
                print(f"  PROBLEM {problem}")
            if problems or duplicates:
                final.append(f"{len(problems) + duplicates} vote problems")

        logged = platform.errors_logged()
        if logged:
            print(f"the served processes logged {len(logged)} errors; last lines of the log:")
            print(platform.tail())
        head = (
            f"roster/healthz throughput {ratio:.3f} against the aim 0.15 "
            f"({ratio / AIM_RATIO:.2f}x the aim; before 0.06); "
            if ratio is not None
            else ""
        )
        print(
            f"{head}errors {total_errors} of {total_requests} requests; votes lost {lost}"
            + (f"; {', '.join(final)}" if final else "")
        )
        return 1 if total_errors or final else 0
    finally:
        if platform is not None:
            platform.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        data_dir = os.environ.get("KENESH_DATA_DIR", "")
        if Path(data_dir).name.startswith("kenesh-bench-"):
            shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
