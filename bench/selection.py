"""Cohort selection and mentor matching speed.

Selection: 10 of 2,000 applicants under 12 balance constraints (country minimum and
maximum for four countries, gender minima, sector spread) with scipy's HiGHS MILP.
Matching: 500 mentees to 200 mentors with capacities 1 to 4. Baselines: the targets in
the issue (2 s and 1 s). The last line gives both times, their ratio to the targets and
the selection's objective as a share of the unconstrained optimum.

    python bench/selection.py [--repeat 5]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from kenesh.mentoring.matching import Mentee, Mentor, match
from kenesh.mentoring.selection import Candidate, Quota, select_cohort

COUNTRIES = ["KZ", "KG", "TJ", "UZ"]
SECTORS = ["academia", "civil_society", "media", "government", "security"]
LANGUAGES = ["ru", "en", "kk", "ky", "tg", "uz"]


def workload(seed=0):
    rng = np.random.default_rng(seed)
    candidates = [
        Candidate(
            i,
            float(rng.normal(60, 15)),
            {
                "country": COUNTRIES[rng.integers(4)],
                "gender": ["female", "male"][rng.integers(2)],
                "sector": SECTORS[rng.integers(5)],
            },
        )
        for i in range(2000)
    ]
    quotas = [Quota("country", c, 2, 3) for c in COUNTRIES]
    quotas += [Quota("gender", "female", 5), Quota("gender", "male", 4)]
    quotas += [Quota("sector", s, 1, 3) for s in SECTORS]
    quotas += [Quota("sector", "security", 0, 2)]
    assert len(quotas) == 12
    mentors = [
        Mentor(
            j,
            frozenset(rng.choice(LANGUAGES, 2, replace=False)),
            frozenset(rng.choice(11, 3, replace=False).tolist()),
            COUNTRIES[j % 4],
            int(rng.integers(1, 5)),
        )
        for j in range(200)
    ]
    mentees = [
        Mentee(
            i,
            frozenset(rng.choice(LANGUAGES, 2, replace=False)),
            frozenset(rng.choice(11, 2, replace=False).tolist()),
            COUNTRIES[i % 4],
        )
        for i in range(500)
    ]
    return candidates, quotas, mentors, mentees


def timed(function, repeat):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    candidates, quotas, mentors, mentees = workload()
    selecting, selection = timed(lambda: select_cohort(candidates, 10, quotas), args.repeat)
    matching, matched = timed(lambda: match(mentees, mentors), args.repeat)
    share = selection.objective / selection.unconstrained_objective
    print(
        f"selection: 10 of {len(candidates)} under {len(quotas)} constraints: {selecting:.3f} s, "
        f"objective {selection.objective:.1f} of {selection.unconstrained_objective:.1f}"
    )
    print(
        f"matching: {len(mentees)} mentees to {len(mentors)} mentors "
        f"({sum(m.capacity for m in mentors)} places): {matching:.3f} s, "
        f"{len(matched.pairs)} matched, {len(matched.unmatched)} unmatched"
    )
    print(
        f"selection {selecting:.3f} s ({selecting / 2.0:.2f} of the 2 s target), matching "
        f"{matching:.3f} s ({matching / 1.0:.2f} of the 1 s target); objective ratio {share:.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
