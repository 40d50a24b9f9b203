"""Shared set-up for the benchmarks: Django, the benchmark database, plain anchor tables.

Every benchmark runs against its own database, never the demo's: a SQLite file under
var/bench/ (PANAH_SQLITE_PATH), or the PostgreSQL database named by DATABASE_URL.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panah.settings")
if not os.environ.get("DATABASE_URL"):
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PANAH_SQLITE_PATH", str(ROOT / "var" / "bench" / "bench.sqlite3"))
os.environ.setdefault("PANAH_KEY_FILE", str(ROOT / "var" / "bench" / "keys.json"))

import django  # noqa: E402

django.setup()

from django.db import models  # noqa: E402

BENCH_ORG = "Benchmark Legal Aid"


class PlainPerson(models.Model):
    """The anchor: the same person data, unencrypted, with ordinary b-tree indexes."""

    id = models.UUIDField(primary_key=True)
    org_id = models.UUIDField()
    given_name = models.TextField()
    family_name = models.TextField()
    father_name = models.TextField()
    phone = models.CharField(max_length=20)
    document_number = models.CharField(max_length=40)
    full_name_norm = models.CharField(max_length=200)

    class Meta:
        app_label = "demo"
        db_table = "bench_plain_person"
        managed = False


class PlainCase(models.Model):
    id = models.UUIDField(primary_key=True)
    org_id = models.UUIDField()
    reference = models.CharField(max_length=24)
    person = models.ForeignKey(PlainPerson, on_delete=models.DO_NOTHING, db_constraint=False)
    case_type = models.CharField(max_length=16)
    priority = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12)
    fir_number = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        app_label = "demo"
        db_table = "bench_plain_case"
        managed = False


def plain_ddl() -> list[str]:
    """Return the CREATE statements of the anchor tables for the current database."""
    from django.db import connection

    pg = connection.vendor == "postgresql"
    uid = "uuid" if pg else "char(32)"
    ts = "timestamp with time zone" if pg else "datetime"
    return [
        f"""CREATE TABLE bench_plain_person (
            id {uid} PRIMARY KEY, org_id {uid} NOT NULL, given_name text NOT NULL,
            family_name text NOT NULL, father_name text NOT NULL, phone varchar(20) NOT NULL,
            document_number varchar(40) NOT NULL, full_name_norm varchar(200) NOT NULL)""",
        "CREATE INDEX bench_pp_phone ON bench_plain_person (org_id, phone)",
        "CREATE INDEX bench_pp_doc ON bench_plain_person (org_id, document_number)",
        "CREATE INDEX bench_pp_name ON bench_plain_person (org_id, full_name_norm)",
        f"""CREATE TABLE bench_plain_case (
            id {uid} PRIMARY KEY, org_id {uid} NOT NULL, reference varchar(24) NOT NULL,
            person_id {uid} NOT NULL, case_type varchar(16) NOT NULL,
            priority smallint NOT NULL, status varchar(12) NOT NULL, fir_number text NOT NULL,
            created_at {ts} NOT NULL)""",
        *PLAIN_CASE_INDEXES,
    ]


# The same indexes as the real Case model's (panah/cases/models.py), newest first.
PLAIN_CASE_INDEXES = [
    "CREATE INDEX IF NOT EXISTS bench_pc_q1 "
    "ON bench_plain_case (org_id, status, priority, created_at DESC)",
    "CREATE INDEX IF NOT EXISTS bench_pc_q2 "
    "ON bench_plain_case (org_id, priority, created_at DESC)",
    "CREATE INDEX IF NOT EXISTS bench_pc_open2 ON bench_plain_case "
    "(org_id, priority, created_at DESC, status) WHERE NOT status = 'closed'",
]


def measure(fn: Callable[[], object], *, repeat: int, warmup: int = 20) -> list[float]:
    """Return `repeat` wall-clock timings of fn() in milliseconds, after a warm-up."""
    for _ in range(warmup):
        fn()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
