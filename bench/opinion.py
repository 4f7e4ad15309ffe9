"""Opinion-map speed against red-dwarf, the Python re-implementation of Pol.is's math.

Workloads (two planted groups and planted consensus statements):
  A. 10,000 participants x 1,000 statements, 20% of cells voted (2 million votes):
     ours and red-dwarf's run_pipeline, each in its own process, time and peak memory.
  B. 100,000 participants x 2,000 statements, 5% voted (10 million votes): ours.
  C. The four real Pol.is conversations under ../shared/data/polis: both tools.
The last line gives both tools' times on A and the ratio.

    pip install -e '.[bench]'       # red-dwarf, the baseline
    python bench/opinion.py [--skip-large] [--skip-baseline]
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
POLIS = Path(os.environ.get("KENESH_POLIS_DATA", HERE.parent.parent / "shared" / "data" / "polis"))


def synthetic(participants, statements, density, seed=0):
    rng = np.random.default_rng(seed)
    n = int(participants * statements * density)
    p = rng.integers(0, participants, n)
    s = rng.integers(0, statements, n)
    stance = rng.choice([-1, 1], statements)
    planted = np.arange(10)  # consensus: every group agrees
    camp = np.where(p % 2 == 0, 1, -1)
    v = stance[s] * camp
    v[np.isin(s, planted)] = 1
    v = np.where(rng.random(n) < 0.15, -v, v)
    v = np.where(rng.random(n) < 0.1, 0, v)
    return p, s, v


WORKER = r"""
import json, sys, time, resource
import numpy as np
tool, path = sys.argv[1], sys.argv[2]
data = np.load(path)
p, s, v = data["p"], data["s"], data["v"]
exclude = data["exclude"].tolist() if "exclude" in data else []
if tool == "kenesh":
    from kenesh.deliberation.opinion import analyze
    t = time.perf_counter()
    m = analyze(p, s, v, exclude_statements=exclude, bootstrap=0)
    seconds = time.perf_counter() - t
    extra = {"k": m.k, "consensus": [int(x) for x in m.consensus[:10]]}
else:
    import warnings
    warnings.filterwarnings("ignore")
    from reddwarf.implementations.polis import run_pipeline
    last = {}
    for a, b, c in zip(p.tolist(), s.tolist(), v.tolist()):
        last[(a, b)] = c
    votes = [{"participant_id": a, "statement_id": b, "vote": c, "modified": 0}
             for (a, b), c in last.items()]
    t = time.perf_counter()
    r = run_pipeline(votes=votes, mod_out_statement_ids=exclude, random_state=0)
    seconds = time.perf_counter() - t
    extra = {"k": int(r.participants_df["cluster_id"].dropna().nunique())}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
print(json.dumps({"seconds": seconds, "peak_gb": peak, **extra}))
"""


def run(tool, arrays):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "votes.npz")
        np.savez(path, **arrays)
        result = subprocess.run(
            [sys.executable, "-c", WORKER, tool, path], capture_output=True, text=True
        )
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def polis_arrays(name):
    folder = POLIS / name
    rows = sorted(csv.DictReader((folder / "votes.csv").open()), key=lambda r: int(r["timestamp"]))
    comments = csv.DictReader((folder / "comments.csv").open())
    exclude = [int(c["comment-id"]) for c in comments if c["moderated"] == "-1"]
    return {
        "p": np.array([int(r["voter-id"]) for r in rows]),
        "s": np.array([int(r["comment-id"]) for r in rows]),
        "v": np.array([int(r["vote"]) for r in rows]),
        "exclude": np.array(exclude, dtype=int),
    }


def have_reddwarf() -> bool:
    return (
        subprocess.run([sys.executable, "-c", "import reddwarf"], capture_output=True).returncode
        == 0
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-large", action="store_true", help="skip workload B")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run red-dwarf")
    args = parser.parse_args()
    baseline = not args.skip_baseline and have_reddwarf()
    if not args.skip_baseline and not baseline:
        print("red-dwarf is not installed (pip install -e '.[bench]'); baseline skipped")

    if POLIS.exists():
        for name in sorted(p.name for p in POLIS.iterdir() if p.is_dir()):
            arrays = polis_arrays(name)
            ours = run("kenesh", arrays)
            theirs = run("reddwarf", arrays) if baseline else {}
            print(
                f"C {name:<28} {len(arrays['v']):>7} votes  ours {ours.get('seconds', 0):6.2f} s"
                + (f"  red-dwarf {theirs.get('seconds', float('nan')):6.2f} s" if baseline else "")
            )

    if not args.skip_large:
        p, s, v = synthetic(100_000, 2_000, 0.05, seed=2)
        ours_b = run("kenesh", {"p": p, "s": s, "v": v})
        print(
            f"B 100,000 x 2,000 at 5% ({len(v):,} votes): ours {ours_b['seconds']:.2f} s, "
            f"peak {ours_b['peak_gb']:.2f} GB, k={ours_b['k']}"
        )

    p, s, v = synthetic(10_000, 1_000, 0.2, seed=1)
    ours_a = run("kenesh", {"p": p, "s": s, "v": v})
    planted = set(range(10))
    found = planted & set(ours_a["consensus"])
    print(
        f"A ours: {ours_a['seconds']:.2f} s, peak {ours_a['peak_gb']:.2f} GB, k={ours_a['k']}, "
        f"planted consensus found {len(found)}/10 in the top 10"
    )
    if baseline:
        theirs_a = run("reddwarf", {"p": p, "s": s, "v": v})
        if "error" in theirs_a:
            print(f"A red-dwarf failed: {theirs_a['error']}")
            return 1
        print(
            f"A red-dwarf: {theirs_a['seconds']:.2f} s, peak {theirs_a['peak_gb']:.2f} GB, "
            f"k={theirs_a['k']}"
        )
        ratio = theirs_a["seconds"] / ours_a["seconds"]
        print(
            f"10,000 x 1,000 at 20% (2,000,000 votes): ours {ours_a['seconds']:.2f} s, "
            f"red-dwarf {theirs_a['seconds']:.2f} s; ratio {ratio:.1f}x"
        )
    else:
        print(
            f"10,000 x 1,000 at 20% (2,000,000 votes): ours {ours_a['seconds']:.2f} s; "
            "ratio n/a (red-dwarf not installed)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
