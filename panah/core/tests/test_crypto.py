"""Field encryption, key rotation and blind indexes (SECURITY.md DP-1, DP-2, DP-3, DP-7)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from panah.core import crypto
from panah.people.models import Person
from panah.people.services import PersonData, person_create


@pytest.fixture
def ring() -> crypto.KeyRing:
    return crypto.parse_key_document(crypto.new_key_document())


def test_encrypted_value_round_trips(ring):
    sealed = crypto.encrypt("Abdul Rahman", context="t.c", keyring=ring)
    assert "Abdul" not in sealed
    assert crypto.decrypt(sealed, context="t.c", keyring=ring) == "Abdul Rahman"


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


def test_value_sealed_with_an_unknown_key_does_not_decrypt(ring):
    other = crypto.parse_key_document(crypto.new_key_document())
    sealed = crypto.encrypt("secret", context="t.c", keyring=other)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="t.c", keyring=ring)


def test_blind_index_differs_per_index_and_per_deployment(ring):
    other = crypto.parse_key_document(crypto.new_key_document())
    phone = crypto.blind_index("person.phone", "+923001234567", keyring=ring)
    assert phone == crypto.blind_index("person.phone", "+923001234567", keyring=ring)
    assert phone != crypto.blind_index("person.document", "+923001234567", keyring=ring)
    assert phone != crypto.blind_index("person.phone", "+923001234567", keyring=other)
    assert "3001234567" not in phone


def test_missing_keys_refuse_to_start_when_generation_is_off(settings, tmp_path):
    settings.PANAH_KEYS = ""
    settings.PANAH_KEY_FILE = tmp_path / "absent.json"
    settings.PANAH_GENERATE_DEV_KEYS = False
    with pytest.raises(ImproperlyConfigured):
        crypto.load_keyring()
    assert not (tmp_path / "absent.json").exists()


def test_malformed_key_ring_is_refused(settings):
    settings.PANAH_KEYS = json.dumps({"encryption_keys": [{"id": "a", "key": "c2hvcnQ="}]})
    with pytest.raises(ImproperlyConfigured):
        crypto.load_keyring()


def _raw_given_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM people_person")
        return [row[0] for row in cursor.fetchall()]


def test_rotation_then_reencrypt_moves_every_row_to_the_new_key(
    personas, actor_of, settings, tmp_path
):
    path = tmp_path / "keys.json"
    crypto.write_key_document(path, crypto.new_key_document())
    settings.PANAH_KEYS = ""
    settings.PANAH_KEY_FILE = path
    crypto.reset_keyring()
    try:
        actor = actor_of(personas["a"]["operator"])
        for name in ("Zarghuna", "Mirwais", "Palwasha"):
            person_create(actor, data=PersonData(given_name=name))
        old_id = crypto.get_keyring().current.key_id
        call_command("keys", "rotate")
        new_id = crypto.get_keyring().current.key_id
        assert new_id != old_id
        # Old rows still read with both keys loaded.
        assert sorted(p.given_name for p in Person.objects.all()) == [
            "Mirwais",
            "Palwasha",
            "Zarghuna",
        ]
        assert {crypto.ciphertext_key_id(v) for v in _raw_given_names()} == {old_id}
        call_command("keys", "reencrypt")
        assert {crypto.ciphertext_key_id(v) for v in _raw_given_names()} == {new_id}
        assert sorted(p.given_name for p in Person.objects.all())[0] == "Mirwais"
    finally:
        crypto.reset_keyring()
