"""Production settings pass Django's deployment checklist and refuse to start without keys."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from panah.core.crypto import new_key_document

ROOT = Path(__file__).resolve().parent.parent


def _panah(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PANAH_", "DJANGO_"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="panah.settings")
    return subprocess.run(
        [sys.executable, "-m", "panah.cli", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_with_no_warnings(tmp_path: Path) -> None:
    result = _panah(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PANAH_ENV="production",
        PANAH_SECRET_KEY=secrets.token_urlsafe(60),
        PANAH_KEYS=json.dumps(new_key_document()),
        PANAH_VAR_DIR=str(tmp_path),
        PANAH_HELPLINE_NUMBER="+92 81 0000000",
    )
    assert result.returncode == 0, result.stderr


def test_production_warns_when_no_helpline_number_is_set(tmp_path: Path) -> None:
    result = _panah(
        "check",
        "--deploy",
        PANAH_ENV="production",
        PANAH_SECRET_KEY=secrets.token_urlsafe(60),
        PANAH_KEYS=json.dumps(new_key_document()),
        PANAH_VAR_DIR=str(tmp_path),
    )
    assert "panah.W001" in result.stderr + result.stdout


def test_production_refuses_to_start_without_encryption_keys(tmp_path: Path) -> None:
    result = _panah(
        "check",
        PANAH_ENV="production",
        PANAH_SECRET_KEY=secrets.token_urlsafe(60),
        PANAH_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "panah.E001" in result.stderr
    assert not (tmp_path / "keys.json").exists()


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _panah("check", PANAH_ENV="production", PANAH_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "PANAH_SECRET_KEY" in result.stderr
