"""`panah dedupe RECORDS.csv --output CLUSTERS.csv`: find duplicate people in a spreadsheet.

Runs without the database or Django settings, so partners can clean a file before import.
Input header: record_id,given_name,family_name,father_name,sex,date_of_birth,phone,
document_number,source_org. Output: record_id,cluster_id for every input row, in input order.
Rows that cannot be read are reported on stderr with their line number and get a cluster of
their own; nothing is dropped.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import time
from collections.abc import Sequence

from panah.matching.dedupe import Options, deduplicate
from panah.matching.records import HeaderError, Record, read_records


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="panah dedupe",
        description="Find records of the same person in a CSV file and give them one cluster id.",
    )
    parser.add_argument("records", help="input CSV (UTF-8) with the dedupe header")
    parser.add_argument("--output", "-o", required=True, help="output CSV: record_id,cluster_id")
    parser.add_argument(
        "--review",
        help="also write the uncertain pairs for a person to check: "
        "record_id_l,record_id_r,match_probability,reason",
    )
    defaults = Options()
    parser.add_argument(
        "--link-threshold",
        type=float,
        default=defaults.link_threshold,
        help="match probability at which two records may be merged (default %(default)s)",
    )
    parser.add_argument(
        "--max-cluster-size",
        type=int,
        default=defaults.max_cluster_size,
        help="no cluster grows beyond this many records (default %(default)s)",
    )
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    parser.add_argument("--quiet", "-q", action="store_true", help="only report problems")
    parser.add_argument("--verbose", "-v", action="store_true", help="show Splink's messages")
    return parser


def _report(records: Sequence[Record]) -> None:
    for record in records:
        for problem in record.problems:
            kind = "bad row, kept in its own cluster" if record.bad else "warning"
            print(f"line {record.line}: {kind}: {problem}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the process exit code (0 ok, 2 unreadable input)."""
    args = _parser().parse_args(argv)
    if not 0 < args.link_threshold < 1 or args.max_cluster_size < 1:
        print(
            "panah dedupe: --link-threshold must be in (0, 1), --max-cluster-size ≥ 1",
            file=sys.stderr,
        )
        return 2
    if args.quiet or not args.verbose:
        # Splink's training notes ("level not observed…") are for model developers.
        logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.monotonic()
    try:
        with open(args.records, encoding="utf-8-sig", errors="replace", newline="") as handle:
            records = list(read_records(handle))
    except (OSError, HeaderError) as error:
        print(f"panah dedupe: {args.records}: {error}", file=sys.stderr)
        return 2
    _report(records)
    options = Options(
        link_threshold=args.link_threshold,
        review_threshold=min(Options().review_threshold, args.link_threshold),
        max_cluster_size=args.max_cluster_size,
        threads=args.threads,
    )
    result = deduplicate(records, options)
    width = max(6, len(str(len(records))))
    with open(args.output, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["record_id", "cluster_id"])
        for record, number in zip(records, result.cluster_of, strict=True):
            writer.writerow([record.record_id, f"C{number + 1:0{width}d}"])
    if args.review:
        with open(args.review, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["record_id_l", "record_id_r", "match_probability", "reason"])
            for left, right, probability, reason in sorted(result.review, key=lambda p: -p[2]):
                writer.writerow(
                    [
                        records[left].record_id,
                        records[right].record_id,
                        f"{probability:.4f}",
                        reason,
                    ]
                )
    if not args.quiet:
        clusters = len(set(result.cluster_of))
        bad = sum(r.bad for r in records)
        print(
            f"{len(records)} records ({bad} bad) -> {clusters} clusters; "
            f"{result.pairs_scored} pairs scored, {len(result.review)} for review, "
            f"model {'trained on this file' if result.trained else 'defaults'}; "
            f"{time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
