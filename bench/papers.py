"""Influence view render time at demo scale.

Builds the demo at ``--scale`` (100 gives 1,400 papers, 4,000 recommendations, their
presentations at 1,000 briefings and 300 outcomes) in a fresh database, then times the
influence page as staff, a member and an observer (funnel by theme and country,
outcomes, every recommendation with its derived status) and a recommendation's trail,
against GET /healthz in the same run.

    python bench/papers.py [--scale 100] [--repeat 10] [--database-url URL]
"""

import argparse
import sys

from _setup import client_for, demo_database, median_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    print(demo_database(args.scale, args.database_url))

    from kenesh.influence.models import Outcome, Presentation, Recommendation
    from kenesh.papers.models import PolicyPaper

    print(
        f"{PolicyPaper.objects.count()} papers, {Recommendation.objects.count()} recommendations, "
        f"{Presentation.objects.count()} presentations, {Outcome.objects.count()} outcomes"
    )
    trail = Recommendation.objects.filter(outcomes__isnull=False).first()
    medians = {}
    for username, label, url in (
        ("staff", "baseline /healthz", "/healthz"),
        ("staff", "influence (staff)", "/influence/"),
        ("expert", "influence (member)", "/influence/"),
        ("donor", "influence (observer)", "/influence/"),
        ("staff", "recommendation trail", f"/influence/recommendations/{trail.code}/"),
    ):
        medians[label], fastest = median_ms(client_for(username), url, args.repeat)
        print(f"{label:<22} median {medians[label]:8.2f} ms  (min {fastest:.2f}, n={args.repeat})")
    base = medians["baseline /healthz"]
    staff, observer = medians["influence (staff)"], medians["influence (observer)"]
    member = medians["influence (member)"]
    print(
        f"influence view {staff:.1f} ms (member {member:.1f} ms, observer {observer:.1f} ms); "
        f"baseline /healthz {base:.2f} ms; ratio {staff / base:.0f}x, {member / base:.0f}x "
        f"and {observer / base:.0f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
