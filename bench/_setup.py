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
    return (
        f"demo at scale {scale}: {result.people} people on {connection.vendor}, "
        f"loaded in {time.perf_counter() - started:.1f} s"
    )


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
