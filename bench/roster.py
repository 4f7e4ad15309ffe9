"""Roster page render time at demo scale.

Builds the demo at ``--scale`` (100 gives about 5,500 people) in a fresh SQLite
database, then times the roster's first page and a filtered page through Django's
test client, and a trivial view (GET /healthz, one SELECT, same middleware) as the
baseline. The last line gives the medians and their ratio to the baseline.

    python bench/roster.py [--scale 100] [--repeat 30] [--database-url URL]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="kenesh-bench-")
    os.environ["KENESH_DATA_DIR"] = data_dir
    os.environ.setdefault("KENESH_SECRET_KEY", "bench-only-secret-key")
    if args.database_url:
        os.environ["KENESH_DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "kenesh.settings"
    os.makedirs(os.path.join(data_dir, "static"), exist_ok=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kenesh.access.models import User
    from kenesh.demo.loader import load_demo
    from kenesh.people.models import Person

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    load_demo(scale=args.scale)
    print(
        f"demo at scale {args.scale}: {Person.objects.count()} people "
        f"on {connection.vendor}, loaded in {time.perf_counter() - started:.1f} s"
    )

    client = Client()
    client.force_login(User.objects.get(username="staff"))
    pages = {
        "baseline /healthz": "/healthz",
        "roster first page": "/people/",
        "roster filtered": "/people/?country=KG&track=seasoned&theme=borders&q=ova",
    }
    medians = {}
    for label, url in pages.items():
        for _ in range(3):  # warm caches and templates
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        medians[label] = statistics.median(times)
        print(
            f"{label:<20} median {medians[label]:7.2f} ms  (min {min(times):.2f}, n={len(times)})"
        )

    base = medians["baseline /healthz"]
    first, filtered = medians["roster first page"], medians["roster filtered"]
    print(
        f"roster first page {first:.2f} ms, filtered {filtered:.2f} ms; "
        f"baseline /healthz {base:.2f} ms; ratio {first / base:.1f}x and {filtered / base:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
