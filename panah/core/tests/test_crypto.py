"""Field encryption and blind indexes (SECURITY.md DP-1, DP-2, DP-3, DP-7).

Rotation and `panah keys reencrypt` are in test_key_rotation.py.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from panah.core import checks, crypto
from panah.people.models import Person
from panah.people.services import INDEX_PHONE, PersonData, person_create


@pytest.fixture
def ring() -> crypto.KeyRing:
    return crypto.parse_key_document(crypto.new_key_document())


def _other_ring() -> crypto.KeyRing:
    return crypto.parse_key_document(crypto.new_key_document())


# --- The cipher itself -----------------------------------------------------------------------


def test_encrypted_value_round_trips(ring):
    for text in ("Abdul Rahman", "عبدالرحمن", "ملالۍ", "", "x" * 5000):
        sealed = crypto.encrypt(text, context="t.c", keyring=ring)
        assert crypto.decrypt(sealed, context="t.c", keyring=ring) == text
    assert "Abdul" not in crypto.encrypt("Abdul Rahman", context="t.c", keyring=ring)


def test_ciphertext_names_the_key_that_sealed_it(ring):
    sealed = crypto.encrypt("x", context="t.c", keyring=ring)
    assert sealed.startswith(crypto.CIPHERTEXT_PREFIX)
    assert crypto.ciphertext_key_id(sealed) == ring.current.key_id
    assert crypto.ciphertext_key_id("plain text") is None


def test_each_encryption_uses_a_fresh_nonce(ring):
    assert crypto.encrypt("x", context="t.c", keyring=ring) != crypto.encrypt(
        "x", context="t.c", keyring=ring
    )


def test_ciphertext_moved_to_another_column_does_not_decrypt(ring):
    sealed = crypto.encrypt("0300 1234567", context="people_person.given_name", keyring=ring)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="people_person.notes", keyring=ring)


def test_tampered_ciphertext_does_not_decrypt(ring):
    sealed = crypto.encrypt("secret", context="t.c", keyring=ring)
    middle = len(sealed) // 2 + 5
    flipped = sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1 :]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(flipped, context="t.c", keyring=ring)


def test_truncated_or_garbled_ciphertext_does_not_decrypt(ring):
    sealed = crypto.encrypt("secret", context="t.c", keyring=ring)
    for broken in (sealed[:-4], sealed[: len(crypto.CIPHERTEXT_PREFIX) + 9]):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(broken, context="t.c", keyring=ring)


def test_value_sealed_with_an_unknown_key_does_not_decrypt(ring):
    sealed = crypto.encrypt("secret", context="t.c", keyring=_other_ring())
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="t.c", keyring=ring)


def test_value_relabelled_with_an_unknown_key_id_does_not_decrypt(ring):
    sealed = crypto.encrypt("secret", context="t.c", keyring=ring)
    relabelled = sealed.replace(ring.current.key_id, "00000000", 1)
    with pytest.raises(crypto.DecryptionError, match="not loaded"):
        crypto.decrypt(relabelled, context="t.c", keyring=ring)


def test_plaintext_is_never_taken_for_ciphertext(ring):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("Abdul Rahman", context="t.c", keyring=ring)


# --- The same guarantees on rows in the database ---------------------------------------------


def _set_column(column: str, value_sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE people_person SET {column} = {value_sql}", params)  # noqa: S608


def _raw(column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person")  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def person(personas, actor_of):
    return person_create(
        actor_of(personas["a"]["operator"]), data=PersonData(given_name="Zarghuna", notes="ok")
    )


def test_stored_row_holds_ciphertext_and_reads_back_as_plaintext(person):
    assert crypto.ciphertext_key_id(_raw("given_name")) == crypto.get_keyring().current.key_id
    assert "Zarghuna" not in _raw("given_name")
    assert Person.objects.get(pk=person.pk).given_name == "Zarghuna"


def test_ciphertext_copied_into_another_column_fails_to_read(person):
    # An attacker with write access to the database swaps the name into the notes column.
    _set_column("notes", "given_name", [])
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=person.pk)


def test_ciphertext_tampered_in_the_database_fails_to_read(person):
    stored = _raw("given_name")
    position = len(stored) - 10
    tampered = (
        stored[:position] + ("A" if stored[position] != "A" else "B") + stored[position + 1 :]
    )
    _set_column("given_name", "%s", [tampered])
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=person.pk)


def test_row_sealed_under_an_unknown_key_fails_to_read(person):
    _set_column(
        "given_name",
        "%s",
        [crypto.encrypt("x", context="people_person.given_name", keyring=_other_ring())],
    )
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=person.pk)


def test_plaintext_slipped_into_an_encrypted_column_fails_loudly(person):
    _set_column("given_name", "%s", ["Zarghuna"])
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=person.pk)


def test_encrypted_columns_allow_no_lookup_but_isnull():
    with pytest.raises(Exception, match="Unsupported lookup"):
        Person.objects.filter(given_name="Zarghuna").exists()
    with pytest.raises(Exception, match="Unsupported lookup"):
        Person.objects.filter(given_name__icontains="Zar").exists()


# --- Blind indexes -----------------------------------------------------------------------------


def test_blind_index_differs_per_index_and_per_deployment(ring):
    other = _other_ring()
    phone = crypto.blind_index("person.phone", "+923001234567", keyring=ring)
    assert phone == crypto.blind_index("person.phone", "+923001234567", keyring=ring)
    assert phone != crypto.blind_index("person.document", "+923001234567", keyring=ring)
    assert phone != crypto.blind_index("person.phone", "+923001234567", keyring=other)
    assert "3001234567" not in phone


def test_blind_index_is_not_an_unkeyed_hash_of_the_value(ring):
    digest = crypto.blind_index(INDEX_PHONE, "+923001234567", keyring=ring)
    for unkeyed in (hashlib.sha256, hashlib.md5, hashlib.sha1):
        assert unkeyed(b"+923001234567").hexdigest()[: len(digest)] != digest


def test_a_new_key_ring_never_reuses_the_index_keys_of_a_discarded_one(monkeypatch):
    # Regression: derived index keys were cached by id(ring), and CPython gives a new object
    # the address of a discarded one, so a new ring could get the old ring's digests. Make
    # every object share one "address" to reproduce that reuse deterministically.
    monkeypatch.setattr(crypto, "id", lambda obj: 1, raising=False)
    first, second = _other_ring(), _other_ring()
    assert crypto.blind_index("person.phone", "+923001234567", keyring=first) != (
        crypto.blind_index("person.phone", "+923001234567", keyring=second)
    )


# --- Loading keys ------------------------------------------------------------------------------


def test_missing_keys_refuse_to_start_when_generation_is_off(settings, tmp_path):
    settings.PANAH_KEYS = ""
    settings.PANAH_KEY_FILE = tmp_path / "absent.json"
    settings.PANAH_GENERATE_DEV_KEYS = False
    with pytest.raises(ImproperlyConfigured):
        crypto.load_keyring()
    assert not (tmp_path / "absent.json").exists()


def test_missing_keys_fail_the_system_check(settings, tmp_path):
    settings.PANAH_KEYS = ""
    settings.PANAH_KEY_FILE = tmp_path / "absent.json"
    settings.PANAH_GENERATE_DEV_KEYS = False
    crypto.reset_keyring()
    try:
        problems = checks.encryption_keys_loaded(None)
    finally:
        crypto.reset_keyring()
    assert [p.id for p in problems] == ["panah.E001"]


def test_development_keys_are_generated_into_an_owner_only_file(settings, tmp_path):
    settings.PANAH_KEYS = ""
    settings.PANAH_KEY_FILE = tmp_path / "dev" / "keys.json"
    settings.PANAH_GENERATE_DEV_KEYS = True
    ring = crypto.load_keyring()
    assert len(ring.encryption_keys) == 1
    assert (settings.PANAH_KEY_FILE.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize(
    "document",
    [
        {"encryption_keys": [{"id": "a", "key": "c2hvcnQ="}]},
        {"encryption_keys": [], "index_key": "x"},
        {"index_key": "x"},
        "not an object",
    ],
)
def test_malformed_key_ring_is_refused(settings, document):
    settings.PANAH_KEYS = json.dumps(document)
    with pytest.raises(ImproperlyConfigured):
        crypto.load_keyring()


def test_two_keys_with_the_same_id_are_refused():
    document = crypto.new_key_document()
    document["encryption_keys"] = [*document["encryption_keys"]] * 2
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_key_document(document)
