"""Roster page render time at demo scale.

Builds the demo at ``--scale`` (100 gives about 5,500 people) in a fresh SQLite
database, then times the roster's first page and a filtered page through Django's
test client, and a trivial view (GET /healthz, one SELECT, same middleware) as the
baseline. The last line gives the medians and their ratio to the baseline.

    python bench/roster.py [--scale 100] [--repeat 30] [--database-url URL]
"""

import argparse
import sys

from _setup import client_for, demo_database, median_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    print(demo_database(args.scale, args.database_url))

    client = client_for("staff")
    pages = {
        "baseline /healthz": "/healthz",
        "roster first page": "/people/",
        "roster filtered": "/people/?country=KG&track=seasoned&theme=borders&q=ova",
    }
    medians = {}
    for label, url in pages.items():
        medians[label], fastest = median_ms(client, url, args.repeat)
        print(f"{label:<20} median {medians[label]:7.2f} ms  (min {fastest:.2f}, n={args.repeat})")

    base = medians["baseline /healthz"]
    first, filtered = medians["roster first page"], medians["roster filtered"]
    print(
        f"roster first page {first:.2f} ms, filtered {filtered:.2f} ms; "
        f"baseline /healthz {base:.2f} ms; ratio {first / base:.1f}x and {filtered / base:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
