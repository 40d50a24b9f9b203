"""Test settings: only what makes the suite fast and hermetic.

Background tasks keep the real database backend: tests run enqueued work explicitly, so the
rows a service enqueues are checked the way production stores them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from panah.settings import *  # noqa: F403

PANAH_ENV = "test"
# A fresh key ring per test run, outside the repository (never the developer's var/keys.json).
_TEST_VAR = Path(tempfile.mkdtemp(prefix="panah-test-"))
PANAH_KEYS = ""
PANAH_KEY_FILE = _TEST_VAR / "keys.json"
PANAH_GENERATE_DEV_KEYS = True
STATIC_ROOT = _TEST_VAR / "static"
STATIC_ROOT.mkdir()

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
