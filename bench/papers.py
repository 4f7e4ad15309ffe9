"""Influence view render time at demo scale.

Builds the demo at ``--scale`` (100 gives 1,400 papers, 4,000 recommendations, their
presentations at 1,000 briefings and 300 outcomes) in a fresh database, opens every
papers and influence list (each status and progress tab, later pages, and the lists
inside one paper and one briefing) as staff, a member and the donor, stopping on any
answer but 200, then times the influence page as staff, a member and an observer
(funnel by theme and country, outcomes, every recommendation with its derived status)
and a recommendation's trail, against GET /healthz in the same run.

    python bench/papers.py [--scale 100] [--repeat 10] [--database-url URL]
"""

import argparse
import sys

from _setup import client_for, demo_database, median_ms


def list_pages() -> list[tuple[str, str]]:
    """(login, URL) of every papers and influence list worth opening at scale."""
    from django.db.models import Count

    from kenesh.convenings.models import Convening
    from kenesh.influence.models import Progress
    from kenesh.papers.models import PolicyPaper, Status

    everyone = ("staff", "expert", "donor")
    lists = ["/papers/", "/papers/?page=2", "/papers/?page=9999", "/influence/"]
    lists += [f"/papers/?status={status}" for status in Status.values]
    lists += [f"/influence/?progress={step}" for step in Progress.values]
    lists += ["/influence/?page=2", "/influence/outcomes/", "/influence/outcomes/?page=9999"]
    pages = [(username, url) for username in everyone for url in lists]
    paper = (
        PolicyPaper.objects.filter(status=Status.PUBLISHED)
        .annotate(n=Count("recommendations"))
        .order_by("-n", "pk")
        .first()
    )
    submitted = PolicyPaper.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    briefing = Convening.objects.annotate(n=Count("presentations")).order_by("-n", "pk").first()
    pages += [
        ("staff", f"/papers/{paper.code}/"),
        ("staff", f"/influence/papers/{paper.code}/"),
        ("staff", f"/influence/briefings/{briefing.code}/"),
        ("staff", "/influence/outcomes/new/"),
        ("staff", "/papers/new/"),
        ("expert", "/papers/new/"),
    ]
    if submitted is not None:
        pages.append(("staff", f"/papers/{submitted.code}/reviewers/"))
    return pages


def open_list_pages() -> None:
    """Every list must answer 200 at this scale; anything else stops the benchmark."""
    failures = []
    clients = {}
    for username, url in list_pages():
        client = clients.setdefault(username, client_for(username))
        try:
            status = client.get(url).status_code
        except Exception as error:  # the test client re-raises the view's exception
            failures.append(f"{username} {url}: {type(error).__name__}: {error}")
            continue
        if status != 200:
            failures.append(f"{username} {url}: {status}")
    if failures:
        raise SystemExit(
            "Papers and influence lists failing at this scale:\n" + "\n".join(failures)
        )
    print(f"{len(list_pages())} papers and influence list pages answered 200")


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
    open_list_pages()
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
