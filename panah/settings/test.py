"""Test settings: only what makes the suite fast and hermetic.

Background tasks keep the real database backend: tests run enqueued work explicitly, so the
rows a service enqueues are checked the way production stores them.
"""

from __future__ import annotations

import os
import tempfile

# A fresh key ring and var/ per test run, outside the repository.
os.environ.setdefault("PANAH_ENV", "test")
os.environ.setdefault("PANAH_VAR_DIR", tempfile.mkdtemp(prefix="panah-test-"))

from panah.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
