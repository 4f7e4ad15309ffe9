"""Programme overview render time at demo scale.

Builds the demo at ``--scale`` (100 gives 5,500 people, 2,000 convenings and their
participations) in a fresh database, then times the programme overview page (counts,
paths and composition, all from the records, for staff, a member and a donor), the
convening list, the emergent experts' paths and the attendance page of the largest
convening, against the trivial GET /healthz in the same run. The last line gives the
medians and ratios.

    python bench/convenings.py [--scale 100] [--repeat 20] [--database-url URL]
"""

import argparse
import sys

from _setup import client_for, demo_database, median_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    print(demo_database(args.scale, args.database_url))

    from django.db.models import Count

    from kenesh.convenings.models import Convening, Participation

    print(f"{Convening.objects.count()} convenings, {Participation.objects.count()} participations")
    largest = (
        Convening.objects.annotate(n=Count("participations")).order_by("-n", "starts_on").first()
    )
    medians = {}
    for username, label, url in (
        ("staff", "baseline /healthz", "/healthz"),
        ("staff", "overview (staff)", "/convenings/programme/"),
        ("mentor", "overview (member)", "/convenings/programme/"),
        ("donor", "overview (observer)", "/convenings/programme/"),
        ("staff", "convening list", "/convenings/"),
        ("mentor", "paths (member)", "/convenings/paths/"),
        ("staff", "participants page", f"/convenings/{largest.code}/participants/"),
    ):
        medians[label], fastest = median_ms(client_for(username), url, args.repeat)
        print(f"{label:<22} median {medians[label]:8.2f} ms  (min {fastest:.2f}, n={args.repeat})")

    base = medians["baseline /healthz"]
    staff, listing = medians["overview (staff)"], medians["convening list"]
    attendance = medians["participants page"]
    print(
        f"overview {staff:.1f} ms, convening list {listing:.1f} ms, participants page "
        f"{attendance:.1f} ms; baseline /healthz {base:.2f} ms; ratio {staff / base:.0f}x, "
        f"{listing / base:.0f}x and {attendance / base:.0f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
