"""A copy of the database reveals no name, phone, document number or note (SECURITY.md DP-1, AU-3).

Canaries (unique random strings) go into every sensitive field through the services; the data
is committed; then the raw database is searched byte by byte: on SQLite the database file
itself after a WAL checkpoint, on PostgreSQL a pg_dump of the test database.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from panah.audit.models import AuditEvent
from panah.cases.models import CaseEvent
from panah.cases.services import case_note_add
from panah.core.normalise import normalise_phone
from panah.helpline.services import CaseData, DocumentData, IntakeData, intake_record
from panah.people.services import PersonData, person_create

pytestmark = pytest.mark.django_db(transaction=True)


def _canary(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(6)}"


def _random_mobile() -> tuple[str, str]:
    """Return a random valid Pakistani mobile as typed ("0300 …") and its ten-digit core."""
    while True:
        core = f"3{secrets.randbelow(5)}{secrets.randbelow(10)}{secrets.randbelow(10**7):07d}"
        try:
            normalise_phone("0" + core)
        except Exception:  # noqa: S112 - draw again until the number is valid
            continue
        return f"0{core[:3]} {core[3:]}", core


def _sqlite_bytes(tmp_path: Path) -> bytes:
    if connection.is_in_memory_db():
        # Only if run without panah/conftest.py's on-disk test database: copy the pages.
        import sqlite3

        copy = tmp_path / "copy.sqlite3"
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        return copy.read_bytes()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(connection.settings_dict["NAME"])
    raw = path.read_bytes()
    # Whatever the checkpoint left behind in the journal files is part of "the database" too.
    for suffix in ("-wal", "-journal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            raw += extra.read_bytes()
    return raw


def _postgresql_bytes(tmp_path: Path) -> bytes:
    settings = connection.settings_dict
    pg_dump = "/usr/bin/pg_dump" if Path("/usr/bin/pg_dump").exists() else shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    env = dict(os.environ, PGPASSWORD=settings.get("PASSWORD") or "")
    out = tmp_path / "dump.sql"
    subprocess.run(
        [
            pg_dump,
            "--no-owner",
            "-h",
            settings.get("HOST") or "127.0.0.1",
            "-p",
            str(settings.get("PORT") or 5432),
            "-U",
            settings.get("USER") or "postgres",
            "-f",
            str(out),
            settings["NAME"],
        ],
        env=env,
        check=True,
        timeout=60,
    )
    return out.read_bytes()


def _raw_database_bytes(tmp_path: Path) -> bytes:
    if connection.vendor == "sqlite":
        return _sqlite_bytes(tmp_path)
    if connection.vendor == "postgresql":
        return _postgresql_bytes(tmp_path)
    pytest.skip(f"no raw reader for {connection.vendor}")


@pytest.fixture
def canaries(personas, actor_of, brewery):
    """Write a unique canary into every sensitive field, through the services, and commit."""
    actor = actor_of(personas["a"]["operator"])
    person_phone, person_core = _random_mobile()
    caller_phone, caller_core = _random_mobile()
    values = {
        "given": _canary("Given"),
        "family": _canary("Family"),
        "father": _canary("Father"),
        "given_native": "نام" + secrets.token_hex(5),
        "family_native": "کاکړ" + secrets.token_hex(5),
        "father_native": "پلار" + secrets.token_hex(5),
        "notes": _canary("PersonNotes"),
        "document": _canary("DOC"),
        "fir": _canary("FIR"),
        "summary": _canary("ContactSummary"),
        "case_note": _canary("CaseNote"),
        "caller": _canary("Caller"),
        "person_phone": person_core,
        "caller_phone": caller_core,
    }
    person = person_create(
        actor,
        data=PersonData(
            given_name=values["given"],
            family_name=values["family"],
            father_name=values["father"],
            given_name_native=values["given_native"],
            family_name_native=values["family_native"],
            father_name_native=values["father_native"],
            notes=values["notes"],
        ),
        phones=[person_phone],
    )
    result = intake_record(
        actor,
        data=IntakeData(
            channel="call",
            language="ps",
            caller_phone=caller_phone,
            caller_relation="spouse",
            caller_data=PersonData(given_name=values["caller"]),
            summary=values["summary"],
            person=person,
            document=DocumentData(doc_type="por", number=values["document"]),
            case=CaseData(
                case_type="arrest",
                priority=1,
                place=brewery,
                arrested_at=timezone.now() - datetime.timedelta(hours=1),
                fir_number=values["fir"],
            ),
        ),
    )
    case_note_add(actor, result.case, text=values["case_note"])
    return values


def test_database_copy_contains_no_plaintext_canary(canaries, tmp_path):
    raw = _raw_database_bytes(tmp_path)
    # Positive control: the copy is real and holds this test's non-sensitive data.
    assert b"Brewery Police Station" in raw
    assert b"a_operator" in raw
    leaked = [name for name, value in canaries.items() if value.encode() in raw]
    assert leaked == []


def test_database_copy_contains_no_canary_in_another_encoding(canaries, tmp_path):
    # UTF-16 or JSON-escaped copies (\\u0646…) would slip past a plain UTF-8 search.
    raw = _raw_database_bytes(tmp_path)
    for name, value in canaries.items():
        for encoded in (value.encode("utf-16-le"), json.dumps(value).encode()[1:-1]):
            assert encoded not in raw, name


def test_audit_log_task_store_and_timeline_data_hold_no_canary(canaries):
    audit = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
    tasks = json.dumps(list(DBTaskResult.objects.values()), default=str, ensure_ascii=False)
    timeline = json.dumps(list(CaseEvent.objects.values("data")), ensure_ascii=False)
    for name, value in canaries.items():
        assert value not in audit, name
        assert value not in tasks, name
        assert value not in timeline, name
    # The audit rows name the fields that were written, not what was written in them.
    fields = {f for event in AuditEvent.objects.all() for f in event.fields}
    assert {"given_name", "notes", "fir_number", "summary", "note"} <= fields


def test_the_application_still_reads_every_canary_back(canaries, personas):
    from panah.people.selectors import person_get_for, person_search_for

    user = personas["a"]["operator"]
    [match] = person_search_for(user, query=canaries["given"])
    person = person_get_for(user, match.person.pk)
    assert person.notes == canaries["notes"]
    assert person.father_name_native == canaries["father_native"]
    assert person.documents.get().number == canaries["document"]
    case = person.cases.get()
    assert case.fir_number == canaries["fir"] and case.summary == canaries["summary"]
    assert case.events.get(kind="note").note == canaries["case_note"]
