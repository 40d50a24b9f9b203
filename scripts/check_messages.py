"""Check (or with --update, refresh) Panah's translation catalogues.

Fails when:
- `makemessages` would add or remove a message id in any catalogue (a string was added or
  changed in code or templates without refreshing the catalogues);
- an entry in ur, ps or fa is untranslated or fuzzy;
- a compiled .mo file is missing or differs from what its .po compiles to.
English is the source language: its catalogue exists so the set of ids is checked, not filled.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "panah"
LOCALES = ["en", "ur", "ps", "fa"]
MUST_TRANSLATE = ["ur", "ps", "fa"]
IGNORE = ["tests/*", "*/tests/*", "testing/*", "benchmarks/*", "demo/*", "conftest.py"]


def _django(*args: str, cwd: Path) -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="panah.settings.test")
    subprocess.run(  # noqa: S603 - fixed command, our own interpreter
        [sys.executable, "-m", "django", *args], cwd=cwd, env=env, check=True
    )


def _makemessages(package_dir: Path) -> None:
    ignores = [arg for pattern in IGNORE for arg in ("--ignore", pattern)]
    _django(
        "makemessages",
        *[arg for locale in LOCALES for arg in ("--locale", locale)],
        "--no-location",
        "--no-obsolete",
        "--no-wrap",
        "--verbosity",
        "0",
        *ignores,
        cwd=package_dir,
    )


def _entries(po: Path) -> dict[str, tuple[str, bool]]:
    """Return msgid (with context and plural) → (msgstr, fuzzy) for a .po file."""
    import polib  # noqa: PLC0415 - imported late: only this script needs it

    catalogue = polib.pofile(str(po))
    result = {}
    for entry in catalogue:
        if entry.obsolete:
            continue
        key = f"{entry.msgctxt or ''}\x04{entry.msgid}\x00{entry.msgid_plural or ''}"
        translated = entry.msgstr or "".join(entry.msgstr_plural.values())
        if entry.msgid_plural:
            translated = "" if not all(entry.msgstr_plural.values()) else translated
        result[key] = (translated, "fuzzy" in entry.flags)
    return result


def _msgid(key: str) -> str:
    return key.split("\x04")[1].split("\x00")[0]


def _po(base: Path, locale: str) -> Path:
    return base / "locale" / locale / "LC_MESSAGES" / "django.po"


def update() -> int:
    _makemessages(PACKAGE)
    _django("compilemessages", "--verbosity", "0", cwd=PACKAGE)
    return check()


def check() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "panah"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        _makemessages(copy)
        for locale in LOCALES:
            committed, fresh = _po(PACKAGE, locale), _po(copy, locale)
            if not committed.exists():
                problems.append(f"{locale}: no catalogue; run `make messages`")
                continue
            old, new = _entries(committed), _entries(fresh)
            added = sorted(set(new) - set(old))
            removed = sorted(set(old) - set(new))
            problems.extend(f"{locale}: not in the catalogue: {_msgid(k)!r}" for k in added)
            problems.extend(f"{locale}: no longer used: {_msgid(k)!r}" for k in removed)
            if locale in MUST_TRANSLATE:
                for key, (text, fuzzy) in old.items():
                    msgid = _msgid(key)
                    if not msgid:
                        continue
                    if not text:
                        problems.append(f"{locale}: untranslated: {msgid!r}")
                    elif fuzzy:
                        problems.append(f"{locale}: fuzzy: {msgid!r}")
            mo = committed.with_suffix(".mo")
            compiled = Path(tmp) / f"{locale}.mo"
            subprocess.run(  # noqa: S603
                ["msgfmt", "--check-format", "-o", str(compiled), str(committed)],  # noqa: S607
                check=True,
            )
            if not mo.exists() or mo.read_bytes() != compiled.read_bytes():
                problems.append(f"{locale}: {mo.name} is missing or stale; run `make messages`")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} catalogue problem(s). Run `make messages` and translate.")
        return 1
    print("Translation catalogues are complete and current (en, ur, ps, fa).")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="refresh .po and compile .mo")
    args = parser.parse_args()
    return update() if args.update else check()


if __name__ == "__main__":
    sys.exit(main())
