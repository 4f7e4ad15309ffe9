"""What the benchmarks share: a fresh demo database at a scale, and a timing loop."""

import os
import statistics
import tempfile
import time


def demo_database(scale: int, database_url: str | None = None):
    """Configure Django on a fresh database holding the demo at ``scale``; return the
    staff test client and a line describing what was built."""
    data_dir = tempfile.mkdtemp(prefix="kenesh-bench-")
    os.environ["KENESH_DATA_DIR"] = data_dir
    os.environ.setdefault("KENESH_SECRET_KEY", "bench-only-secret-key")
    # Pages are measured, not the worker: background tasks run where they are queued,
    # and /healthz (the baseline) needs no worker.
    os.environ.setdefault(
        "KENESH_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
    )
    # Clients here sign in without a second step (force_login); pages are what is timed.
    os.environ.setdefault("KENESH_MFA_REQUIRED", "0")
    if database_url:
        os.environ["KENESH_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kenesh.settings"
    os.makedirs(os.path.join(data_dir, "static"), exist_ok=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from kenesh.demo.loader import load_demo

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    result = load_demo(scale=scale)
    loaded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # A database in use has planner statistics (autovacuum gathers them); one loaded a
        # moment ago has none, and PostgreSQL would plan as if every table were empty.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    pages = open_every_list_page()
    return (
        f"demo at scale {scale}: {result.people} people on {connection.vendor}, "
        f"loaded in {loaded:.1f} s; {pages} list pages opened as every role"
    )


DEMO_LOGINS = ("admin", "staff", "mentor", "expert", "young", "donor")


def list_page_urls() -> list[str]:
    """Every page of the platform that takes no object: the lists, overviews and forms."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix="/"):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and not entry.pattern.converters:
                yield prefix + str(entry.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


def open_every_list_page() -> int:
    """Open every list page as every demo login; stop the benchmark on any server error,
    so that a page that only fails at scale (a query too large for SQLite) is caught."""
    import logging

    # Refusals (403 for a role, 405 for a GET) are expected here: keep them out of the figures.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    failures = []
    urls = list_page_urls()
    for username in DEMO_LOGINS:
        client = client_for(username)
        for url in urls:
            try:
                status = client.get(url).status_code
            except Exception as error:  # the test client re-raises the view's exception
                failures.append(f"{username} {url}: {type(error).__name__}: {error}")
                continue
            if status >= 500:
                failures.append(f"{username} {url}: {status}")
    if failures:
        raise SystemExit("List pages failing at this scale:\n" + "\n".join(failures))
    return len(urls)


def client_for(username: str):
    from django.test import Client

    from kenesh.access.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def median_ms(client, url: str, repeat: int) -> tuple[float, float]:
    """Median and minimum time of ``repeat`` GETs of ``url``, after three warm-ups."""
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, url
    return statistics.median(times), min(times)
