"""Key rotation: add a key, old rows still read, `panah keys reencrypt` moves every row (DP-3).

Every test here runs on a key file of its own (the `key_file` fixture), so the suite's keys
are never touched.
"""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from panah.cases.models import Case, CaseEvent
from panah.cases.services import case_note_add
from panah.core import crypto
from panah.core.fields import encrypted_fields
from panah.helpline.models import Contact
from panah.helpline.services import CaseData, DocumentData, IntakeData, intake_record
from panah.people.models import IdentityDocument, Person, PhoneNumber
from panah.people.services import PersonData


def _raw_key_ids() -> dict[str, set[str | None]]:
    """Return, per encrypted column, the ids of the keys its non-empty raw values name."""
    found: dict[str, set[str | None]] = {}
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in encrypted_fields(model):
                table, column = model._meta.db_table, field.column
                cursor.execute(f"SELECT {qn(column)} FROM {qn(table)}")  # noqa: S608
                values = [row[0] for row in cursor.fetchall() if row[0]]
                if values:
                    found[f"{table}.{column}"] = {crypto.ciphertext_key_id(v) for v in values}
    return found


def _plaintext() -> dict[str, list[str]]:
    """Return every encrypted value as the application reads it."""
    result = {}
    for model in (Person, PhoneNumber, IdentityDocument, Case, CaseEvent, Contact):
        names = [f.name for f in encrypted_fields(model)]
        rows = model._base_manager.order_by("pk").values_list(*names)
        result[model._meta.label] = [str(row) for row in rows]
    return result


@pytest.fixture
def records(key_file, personas, actor_of, brewery):
    """Encrypted values in every model that has them, written through the services."""
    actor = actor_of(personas["a"]["operator"])
    result = intake_record(
        actor,
        data=IntakeData(
            channel="call",
            language="ps",
            caller_phone="0345 9876543",
            caller_relation="spouse",
            caller_data=PersonData(given_name="Gul Bibi"),
            summary="Picked up near the bus stand.",
            person_data=PersonData(
                given_name="Zarghuna", family_name="Achakzai", given_name_native="زرغونه"
            ),
            person_phones=["0301 2345678"],
            document=DocumentData(doc_type="por", number="PoR 1234"),
            case=CaseData(
                case_type="arrest",
                priority=1,
                place=brewery,
                arrested_at=timezone.now() - datetime.timedelta(hours=1),
                fir_number="FIR 77/2026",
            ),
        ),
    )
    case_note_add(actor, result.case, text="Family informed.")
    return result


def _drop_all_keys_but_the_newest(path) -> None:
    document = crypto.read_key_document(path)
    document["encryption_keys"] = document["encryption_keys"][-1:]
    crypto.write_key_document(path, document)
    crypto.reset_keyring()


def test_rotation_keeps_old_rows_readable_and_reencrypt_moves_every_column_to_the_new_key(
    records, key_file
):
    before = _plaintext()
    old_id = crypto.get_keyring().current.key_id
    columns = _raw_key_ids()
    # Every model with encrypted fields is covered, not only people.
    assert {c.split(".")[0] for c in columns} >= {
        "people_person",
        "people_phonenumber",
        "people_identitydocument",
        "cases_case",
        "cases_caseevent",
        "helpline_contact",
    }
    assert all(ids == {old_id} for ids in columns.values())

    call_command("keys", "rotate", stdout=StringIO())
    new_id = crypto.get_keyring().current.key_id
    assert new_id != old_id
    assert [k.key_id for k in crypto.get_keyring().encryption_keys] == [old_id, new_id]
    # Old rows still read while both keys are loaded; raw rows still name the old key.
    assert _plaintext() == before
    assert all(ids == {old_id} for ids in _raw_key_ids().values())

    out = StringIO()
    call_command("keys", "reencrypt", stdout=out)
    assert new_id in out.getvalue()
    after = _raw_key_ids()
    assert after.keys() == columns.keys()
    assert all(ids == {new_id} for ids in after.values()), after
    assert _plaintext() == before

    # The old key can now be retired: everything still reads without it.
    _drop_all_keys_but_the_newest(key_file)
    assert _plaintext() == before


def test_reencrypt_can_run_twice(records):
    call_command("keys", "rotate", stdout=StringIO())
    before = _plaintext()
    call_command("keys", "reencrypt", stdout=StringIO())
    call_command("keys", "reencrypt", stdout=StringIO())
    assert _plaintext() == before
    new_id = crypto.get_keyring().current.key_id
    assert all(ids == {new_id} for ids in _raw_key_ids().values())


def test_retiring_the_old_key_before_reencrypt_makes_old_rows_fail_loudly(records, key_file):
    call_command("keys", "rotate", stdout=StringIO())
    _drop_all_keys_but_the_newest(key_file)
    with pytest.raises(crypto.DecryptionError):
        list(Person.objects.all())


def test_new_writes_after_rotation_use_the_new_key(records, personas, actor_of):
    call_command("keys", "rotate", stdout=StringIO())
    new_id = crypto.get_keyring().current.key_id
    case_note_add(actor_of(personas["a"]["operator"]), records.case, text="After rotation.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM cases_caseevent WHERE note <> ''")
        ids = [crypto.ciphertext_key_id(row[0]) for row in cursor.fetchall()]
    assert ids.count(new_id) == 1 and len(ids) == 2


def test_search_keeps_working_across_rotation(records, personas):
    from panah.people.selectors import person_search_for

    call_command("keys", "rotate", stdout=StringIO())
    call_command("keys", "reencrypt", stdout=StringIO())
    user = personas["a"]["operator"]
    assert [m.person for m in person_search_for(user, query="0301 2345678")] == [records.person]


def test_rotate_refuses_when_keys_come_from_the_environment(settings):
    settings.PANAH_KEYS = json.dumps(crypto.new_key_document())
    crypto.reset_keyring()
    try:
        with pytest.raises(CommandError):
            call_command("keys", "rotate", stdout=StringIO())
    finally:
        crypto.reset_keyring()


def test_show_lists_key_ids_but_never_key_material(key_file):
    out = StringIO()
    call_command("keys", "show", stdout=out)
    document = crypto.read_key_document(key_file)
    entry = document["encryption_keys"][0]
    assert entry["id"] in out.getvalue()
    assert entry["key"] not in out.getvalue()
    assert document["index_key"] not in out.getvalue()
