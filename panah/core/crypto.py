"""Field encryption and blind indexes.

Sensitive values (names, phone and document numbers, free-text notes) are stored as AES-256-GCM
ciphertext. Each value is bound to its column through the associated data, so a ciphertext
copied into another column fails to decrypt. Several encryption keys may be loaded at once: the
newest encrypts, all of them decrypt, and `panah keys reencrypt` moves old rows to the newest.

Exact look-ups use blind indexes: a truncated HMAC-SHA256 of the normalised value under a key
derived per index, so a stolen database reveals no values and two deployments with different
keys produce unrelated digests. The key material lives outside the database (environment or key
file) and never in the repository.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CIPHERTEXT_PREFIX = "v1$"
NONCE_BYTES = 12
KEY_BYTES = 32
BLIND_INDEX_BYTES = 16


class DecryptionError(Exception):
    """Raised when a stored value cannot be decrypted with the loaded keys."""


@dataclass(frozen=True)
class EncryptionKey:
    key_id: str
    secret: bytes

    @functools.cached_property
    def cipher(self) -> AESGCM:
        # Built once per key: AESGCM() costs more than the decryption of a short name.
        return AESGCM(self.secret)


@dataclass(frozen=True)
class KeyRing:
    """Loaded key material: encryption keys (oldest first) and the blind-index root key."""

    encryption_keys: tuple[EncryptionKey, ...]
    index_root: bytes

    @property
    def current(self) -> EncryptionKey:
        return self.encryption_keys[-1]

    def by_id(self, key_id: str) -> EncryptionKey | None:
        return self._by_id.get(key_id)

    @functools.cached_property
    def _by_id(self) -> dict[str, EncryptionKey]:
        return {key.key_id: key for key in self.encryption_keys}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


def new_key_entry() -> dict[str, str]:
    """Return a fresh encryption key entry for a key file."""
    return {"id": secrets.token_hex(4), "key": _b64(os.urandom(KEY_BYTES))}


def new_key_document() -> dict[str, object]:
    """Return a complete new key-ring document (one encryption key, one index root)."""
    return {"version": 1, "encryption_keys": [new_key_entry()], "index_key": _b64(os.urandom(32))}


def parse_key_document(document: dict[str, object]) -> KeyRing:
    """Validate a key-ring document and return the KeyRing it describes."""
    try:
        entries = document["encryption_keys"]
        if not isinstance(entries, list) or not entries:
            raise ValueError("encryption_keys must be a non-empty list")
        keys = []
        for entry in entries:
            secret = _unb64(entry["key"])
            if len(secret) != KEY_BYTES:
                raise ValueError("every encryption key must be 32 bytes")
            keys.append(EncryptionKey(key_id=str(entry["id"]), secret=secret))
        index_root = _unb64(str(document["index_key"]))
        if len(index_root) < 32:
            raise ValueError("index_key must be at least 32 bytes")
    except (KeyError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"Panah key ring is malformed: {exc}") from exc
    if len({key.key_id for key in keys}) != len(keys):
        raise ImproperlyConfigured("Panah key ring has two keys with the same id")
    return KeyRing(encryption_keys=tuple(keys), index_root=index_root)


def write_key_document(path: Path, document: dict[str, object]) -> None:
    """Write a key file readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
    os.replace(tmp, path)


def read_key_document(path: Path) -> dict[str, object]:
    """Read a key file as JSON."""
    with path.open(encoding="utf-8") as handle:
        document: dict[str, object] = json.load(handle)
    return document


_lock = threading.Lock()
_keyring: KeyRing | None = None


def load_keyring() -> KeyRing:
    """Load the key ring from PANAH_KEYS or the key file, generating a dev ring if allowed."""
    if settings.PANAH_KEYS:
        try:
            return parse_key_document(json.loads(settings.PANAH_KEYS))
        except json.JSONDecodeError as exc:
            raise ImproperlyConfigured("PANAH_KEYS is not valid JSON") from exc
    path = Path(settings.PANAH_KEY_FILE)
    if not path.exists():
        if not settings.PANAH_GENERATE_DEV_KEYS:
            raise ImproperlyConfigured(
                "No encryption keys: set PANAH_KEYS or PANAH_KEY_FILE. Panah will not start "
                "without them, and data encrypted under other keys stays unreadable."
            )
        write_key_document(path, new_key_document())
    return parse_key_document(read_key_document(path))


def get_keyring() -> KeyRing:
    """Return the process-wide key ring, loading it on first use."""
    global _keyring
    if _keyring is None:
        with _lock:
            if _keyring is None:
                _keyring = load_keyring()
    return _keyring


def reset_keyring() -> None:
    """Forget the loaded key ring (after rotation, and in tests)."""
    global _keyring
    with _lock:
        _keyring = None


def encrypt(plaintext: str, *, context: str, keyring: KeyRing | None = None) -> str:
    """Encrypt text for storage in the column named by `context`."""
    ring = keyring or get_keyring()
    key = ring.current
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.cipher.encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return f"{CIPHERTEXT_PREFIX}{key.key_id}${_b64(nonce + sealed)}"


def ciphertext_key_id(stored: str) -> str | None:
    """Return the id of the key that sealed a stored value, or None if it is not ciphertext."""
    if not stored.startswith(CIPHERTEXT_PREFIX):
        return None
    return stored[len(CIPHERTEXT_PREFIX) :].split("$", 1)[0]


def decrypt(stored: str, *, context: str, keyring: KeyRing | None = None) -> str:
    """Decrypt a stored value; raise DecryptionError if the key is unknown or data tampered."""
    ring = keyring or get_keyring()
    if not stored.startswith(CIPHERTEXT_PREFIX):
        raise DecryptionError("value is not Panah ciphertext")
    # Hot path (every encrypted column of every row read): one split, one dict look-up.
    key_id, _, payload = stored[len(CIPHERTEXT_PREFIX) :].partition("$")
    key = ring.by_id(key_id)
    if key is None:
        raise DecryptionError("value was sealed with a key that is not loaded")
    try:
        raw = _unb64(payload)
        plain = key.cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("value failed authentication") from exc
    return plain.decode("utf-8")


def _index_key(index_name: str, ring: KeyRing) -> bytes:
    # A separate key per index (DP-7): equal values in two indexes give unrelated digests.
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"panah-blind-index:{index_name}".encode(),
    ).derive(ring.index_root)


# Keyed by the root key itself, not by id(ring): CPython reuses the address of a discarded
# ring, and a new ring at that address would otherwise get the old ring's index keys.
_index_keys: dict[tuple[bytes, str], bytes] = {}


def blind_index(index_name: str, normalised_value: str, *, keyring: KeyRing | None = None) -> str:
    """Return the keyed digest of an already-normalised value for the named index."""
    ring = keyring or get_keyring()
    cache_key = (ring.index_root, index_name)
    key = _index_keys.get(cache_key)
    if key is None:
        key = _index_keys[cache_key] = _index_key(index_name, ring)
    mac = hmac.HMAC(key, hashes.SHA256())
    mac.update(normalised_value.encode("utf-8"))
    return mac.finalize()[:BLIND_INDEX_BYTES].hex()
