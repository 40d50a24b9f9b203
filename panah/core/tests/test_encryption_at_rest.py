"""A copy of the database reveals no name, phone or document number (SECURITY.md DP-1, AU-3).

Canaries (unique random strings) go into every sensitive field through the services; then the
raw database — the SQLite file, or a pg_dump of the PostgreSQL test database — is searched.
"""

from __future__ import annotations

import datetime
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from panah.audit.models import AuditEvent
from panah.helpline.services import CaseData, DocumentData, IntakeData, intake_record
from panah.people.services import PersonData


def _canary(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(6)}"


def _raw_database_bytes(tmp_path: Path) -> bytes:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        # The test database may live in memory: VACUUM INTO writes its exact pages to a file.
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        return copy.read_bytes()
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    env = dict(os.environ, PGPASSWORD=settings.get("PASSWORD") or "")
    out = tmp_path / "dump.sql"
    subprocess.run(  # noqa: S603 - fixed tool, test database
        [
            pg_dump,
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
    )
    return out.read_bytes()


@pytest.mark.django_db(transaction=True)
def test_database_copy_contains_no_plaintext_canary(personas, actor_of, brewery, tmp_path):
    canaries = {
        "given": _canary("Given"),
        "family": _canary("Family"),
        "father": _canary("Father"),
        "native": "نام" + secrets.token_hex(4),
        "document": _canary("DOC"),
        "fir": _canary("FIR"),
        "summary": _canary("Summary"),
        "caller": _canary("Caller"),
    }
    intake_record(
        actor_of(personas["a"]["operator"]),
        data=IntakeData(
            channel="call",
            language="ps",
            caller_phone="0345 9876543",
            caller_relation="spouse",
            caller_data=PersonData(given_name=canaries["caller"]),
            summary=canaries["summary"],
            person_data=PersonData(
                given_name=canaries["given"],
                family_name=canaries["family"],
                father_name=canaries["father"],
                given_name_native=canaries["native"],
            ),
            person_phones=["0301 2345678"],
            document=DocumentData(doc_type="por", number=canaries["document"]),
            case=CaseData(
                case_type="arrest",
                priority=1,
                place=brewery,
                arrested_at=timezone.now() - datetime.timedelta(hours=1),
                fir_number=canaries["fir"],
            ),
        ),
    )
    raw = _raw_database_bytes(tmp_path)
    assert len(raw) > 10_000
    phones = ["3012345678", "3459876543", "923012345678", "923459876543"]
    for value in [*canaries.values(), *phones]:
        assert value.encode() not in raw, value
    # The audit log holds ids and field names only.
    audit_text = str(list(AuditEvent.objects.values_list("object_id", "fields")))
    assert not any(value in audit_text for value in canaries.values())
