"""Duplicate detection at national scale: `panah dedupe` on 1,000,000 generated records.

Generates (once, into var/bench/) a records CSV of the size asked for with
panah.matching.synthetic — the same generator as the quality benchmark: Afghan and Pakistani
names with spelling variants, typos, Arabic script, missing fields, siblings sharing a father,
family name and phone as hard negatives — and its truth file. Then runs the real command a
partner would run, `panah dedupe RECORDS.csv --output CLUSTERS.csv`, as a child process, and
prints its wall time and peak memory (the child's maximum resident set size, from the kernel)
against the goal: under 10 minutes and under 8 GB on this 2-core, 24 GB machine. The ratio
printed is goal ÷ measured (above 1 means within the goal). Pairwise precision, recall and F1
of the clusters are printed too, so a faster run cannot hide a worse one, with the size of the
largest cluster (the cap must hold at scale).

    python benchmarks/bench_dedupe_scale.py [--records 1000000] [--threads N]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from panah.matching import synthetic  # noqa: E402
from panah.matching.evaluate import pairwise_scores  # noqa: E402

BENCH = ROOT / "var" / "bench"
GOAL_SECONDS = 10 * 60
GOAL_BYTES = 8 * 1024**3
SEED = 2026
# synthetic.generate registers 45% of people two to four times: about 1.75 records a person.
RECORDS_PER_PERSON = 1.75


def records_file(records: int) -> tuple[Path, Path]:
    """Return (records CSV, truth CSV) of about `records` rows, generating them once."""
    path = BENCH / f"dedupe-{records}.csv"
    truth = BENCH / f"dedupe-{records}-truth.csv"
    if not (path.exists() and truth.exists()):
        BENCH.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        count = synthetic.write(path, round(records / RECORDS_PER_PERSON), seed=SEED, truth=truth)
        print(f"generated {count:,} records in {time.perf_counter() - began:.0f} s", flush=True)
    return path, truth


def read_column(path: Path, key: str, value: str) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row[key]: row[value] for row in csv.DictReader(handle)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    args = parser.parse_args()
    path, truth_path = records_file(args.records)
    output = BENCH / f"dedupe-{args.records}-clusters.csv"
    command = [
        str(ROOT / ".venv" / "bin" / "panah"),
        "dedupe",
        str(path),
        "--output",
        str(output),
        "--quiet",
    ]
    if args.threads:
        command += ["--threads", str(args.threads)]
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    completed = subprocess.run(command, check=False, capture_output=True, text=True)  # noqa: S603
    wall = time.perf_counter() - began
    # ru_maxrss of terminated children, in KiB on Linux: the largest child, here the only one.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if completed.returncode != 0:
        sys.exit(f"panah dedupe failed ({completed.returncode}):\n{completed.stderr[-2000:]}")

    clusters = read_column(output, "record_id", "cluster_id")
    truth = read_column(truth_path, "record_id", "entity_id")
    ids = list(clusters)
    precision, recall, f1 = pairwise_scores([clusters[i] for i in ids], [truth[i] for i in ids])
    largest = max(Counter(clusters.values()).values())
    print(
        f"records: {len(clusters):,} (people: {len(set(truth.values())):,}); "
        f"cpu cores: {os.cpu_count()}; load average before: {load_before:.2f}"
    )
    print(
        f"wall time {wall:,.0f} s (goal {GOAL_SECONDS} s, ratio goal/measured "
        f"{GOAL_SECONDS / wall:.2f}: {'met' if wall < GOAL_SECONDS else 'NOT met'})"
    )
    print(
        f"peak memory {peak / 1024**3:.2f} GB (goal 8 GB, ratio goal/measured "
        f"{GOAL_BYTES / peak:.2f}: {'met' if peak < GOAL_BYTES else 'NOT met'})"
    )
    print(
        f"pairwise precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f}; "
        f"largest cluster {largest}"
    )


if __name__ == "__main__":
    main()
