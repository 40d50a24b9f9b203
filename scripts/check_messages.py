"""Check (or with --update, refresh) Panah's translation catalogues.

Run from anywhere with the project's interpreter: `.venv/bin/python scripts/check_messages.py`
(`make messages-check`), or with `--update` (`make messages`) to regenerate the .po files in
place, keeping existing translations, and compile the .mo files.

The check fails (exit 1) when:
- `makemessages` would add or remove a message id in a committed catalogue (a string was added
  or changed in code or templates without refreshing the catalogues);
- an entry in ur, ps or fa is untranslated, fuzzy, or its placeholders differ from the msgid's;
- a catalogue's header is fuzzy or has the wrong Language or Plural-Forms;
- a compiled .mo is missing or differs byte for byte from what msgfmt makes of its .po.
English is the source language: its catalogue exists so the set of ids is checked, not filled.

`makemessages` always runs on a temporary copy of the sources and the locale directory, so a
check never writes to the working tree (not even Django's transient `template.html.py` files).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import polib
except ImportError:  # pragma: no cover - a dev dependency
    raise SystemExit("polib is missing: run `make messages` (it installs the dev tools)") from None

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "panah" / "locale"
LOCALES = ["en", "ur", "ps", "fa"]
MUST_TRANSLATE = ["ur", "ps", "fa"]
# gettext's plural rules (the same as Django's own ur and fa catalogues; Pashto as CLDR).
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "ur": "nplurals=2; plural=(n != 1);",
    "ps": "nplurals=2; plural=(n != 1);",
    "fa": "nplurals=2; plural=(n > 1);",
}
# Directories never scanned for messages (Django adds `.*`, `*~`, `*.pyc` and `CVS` itself).
IGNORE = [".venv", "var", "benchmarks", "tests", "node_modules"]
# Not copied into the scratch tree either: not sources, or irrelevant to messages.
NOT_COPIED = [*IGNORE, ".*", "__pycache__", "*.egg-info", "*.mo", "*.pyc", "*.woff2"]
MSGFMT = "msgfmt"
MSGFMT_OPTIONS = ["--check-format"]  # exactly what Django's compilemessages passes

PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


# --- makemessages on a scratch copy ----------------------------------------------------------


@contextmanager
def _generated() -> Iterator[Path]:
    """Yield a scratch locale directory holding what `makemessages` makes of the sources."""
    with tempfile.TemporaryDirectory(prefix="panah-messages-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
        locale = src / "panah" / "locale"
        locale.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="panah.settings.test")
        # Django writes into settings.LOCALE_PATHS[0]: point it at the copy, then make messages
        # from the copy's root, so nothing in the working tree is touched.
        code = (
            "import sys, django\n"
            "django.setup()\n"
            "from django.conf import settings\n"
            "from django.core.management import call_command\n"
            "settings.LOCALE_PATHS = [sys.argv[1]]\n"
            "call_command('makemessages', locale=sys.argv[2].split(','), domain='django',\n"
            "    ignore_patterns=sys.argv[3].split(','), no_obsolete=True, no_location=True,\n"
            "    no_wrap=True, verbosity=0)\n"
        )
        result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-c", code, str(locale), ",".join(LOCALES), ",".join(IGNORE)],
            cwd=src,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit("makemessages failed (is gettext installed? `apt install gettext`)")
        yield locale


def _po(locale_dir: Path, locale: str) -> Path:
    return locale_dir / locale / "LC_MESSAGES" / "django.po"


def _without_creation_date(text: str) -> str:
    return re.sub(r'^"POT-Creation-Date: .*\\n"\n', "", text, count=1, flags=re.MULTILINE)


def _msgfmt(po: Path, out: Path) -> str:
    """Compile po into out; return msgfmt's complaints ('' when it succeeded)."""
    result = subprocess.run(  # noqa: S603 - fixed command
        [MSGFMT, *MSGFMT_OPTIONS, "-o", str(out), str(po)],
        capture_output=True,
        text=True,
    )
    return "" if result.returncode == 0 else (result.stderr.strip() or "msgfmt failed")


# --- reading catalogues ----------------------------------------------------------------------


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _label(key: tuple[str, str, str]) -> str:
    context, msgid, plural = key
    text = repr(msgid)
    if plural:
        text += f" / plural {plural!r}"
    if context:
        text += f" (context {context!r})"
    return text


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _entry_problems(entry: polib.POEntry, locale: str) -> list[str]:
    label = _label(_key(entry))
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        texts = [forms.get(i, "") for i in range(max(len(forms), 2))]
    else:
        texts = [entry.msgstr]
    if not all(texts):
        return [f"{locale}: untranslated: {label}"]
    problems = []
    if "fuzzy" in entry.flags:
        problems.append(f"{locale}: fuzzy (check the translation, then drop the flag): {label}")
    sources = [entry.msgid, entry.msgid_plural or entry.msgid]
    for index, text in enumerate(texts):
        source = sources[min(index, 1)]
        named = {p for p in _placeholders(source) if "(" in p}
        theirs = _placeholders(text)
        # A singular form may drop a count ("one case"), never a named value.
        if (named and named != {p for p in theirs if "(" in p}) or (
            not named and len(theirs) > len(_placeholders(source))
        ):
            problems.append(f"{locale}: placeholders differ from the msgid: {label}")
            break
        if set(BRACE.findall(source)) != set(BRACE.findall(text)):
            problems.append(f"{locale}: {{placeholders}} differ from the msgid: {label}")
            break
    return problems


def _header_problems(catalogue: polib.POFile, locale: str) -> list[str]:
    problems = []
    meta = catalogue.metadata
    if catalogue.metadata_is_fuzzy:
        problems.append(f"{locale}: the catalogue header is marked fuzzy")
    if meta.get("Language") != locale:
        problems.append(f"{locale}: header Language is {meta.get('Language')!r}, not {locale!r}")
    if meta.get("Plural-Forms", "").strip() != PLURAL_FORMS[locale]:
        problems.append(
            f"{locale}: header Plural-Forms is {meta.get('Plural-Forms')!r}, "
            f"expected {PLURAL_FORMS[locale]!r}"
        )
    if "charset=UTF-8" not in meta.get("Content-Type", ""):
        problems.append(f"{locale}: header Content-Type must say charset=UTF-8")
    return problems


# --- the two modes ---------------------------------------------------------------------------


def check() -> int:
    problems: list[str] = []
    with _generated() as fresh_dir, tempfile.TemporaryDirectory() as tmp:
        for locale in LOCALES:
            committed, fresh = _po(LOCALE_DIR, locale), _po(fresh_dir, locale)
            if not committed.exists():
                problems.append(f"{locale}: {committed.relative_to(ROOT)} is missing")
                continue
            old = polib.pofile(str(committed))
            new = polib.pofile(str(fresh))
            old_keys = {_key(e) for e in old if not e.obsolete}
            new_keys = {_key(e) for e in new if not e.obsolete}
            problems += [
                f"{locale}: not in the catalogue: {_label(k)}" for k in sorted(new_keys - old_keys)
            ]
            problems += [
                f"{locale}: no longer in the code: {_label(k)}" for k in sorted(old_keys - new_keys)
            ]
            if any(e.obsolete for e in old):
                problems.append(f"{locale}: the catalogue keeps obsolete (#~) entries")
            problems += _header_problems(old, locale)
            if locale in MUST_TRANSLATE:
                for entry in old:
                    if not entry.obsolete:
                        problems += _entry_problems(entry, locale)
            mo = committed.with_suffix(".mo")
            compiled = Path(tmp) / f"{locale}.mo"
            error = _msgfmt(committed, compiled)
            if error:
                problems.append(f"{locale}: msgfmt rejects {committed.name}:\n{error}")
            elif not mo.exists():
                problems.append(f"{locale}: {mo.relative_to(ROOT)} is missing")
            elif mo.read_bytes() != compiled.read_bytes():
                problems.append(f"{locale}: {mo.relative_to(ROOT)} is stale (differs from its .po)")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(
            f"\n{len(problems)} catalogue problem(s). Run `make messages`, translate every "
            "ur, ps and fa entry (no fuzzy flags), run `make messages` again and commit "
            "the .po and .mo files.",
            file=sys.stderr,
        )
        return 1
    print("Translation catalogues are complete and current (" + ", ".join(LOCALES) + ").")
    return 0


def update() -> int:
    """Regenerate the .po files in place (keeping translations) and compile the .mo files."""
    with _generated() as fresh_dir:
        for locale in LOCALES:
            committed, fresh = _po(LOCALE_DIR, locale), _po(fresh_dir, locale)
            new_text = fresh.read_text(encoding="utf-8")
            old_text = committed.read_text(encoding="utf-8") if committed.exists() else ""
            # Only the creation date changed: keep the file as it is (no churn).
            if _without_creation_date(new_text) != _without_creation_date(old_text):
                committed.parent.mkdir(parents=True, exist_ok=True)
                committed.write_text(new_text, encoding="utf-8")
                print(f"{locale}: updated {committed.relative_to(ROOT)}")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for locale in LOCALES:
            po = _po(LOCALE_DIR, locale)
            mo, compiled = po.with_suffix(".mo"), Path(tmp) / f"{locale}.mo"
            error = _msgfmt(po, compiled)
            if error:
                print(f"{locale}: msgfmt rejects {po.name}:\n{error}", file=sys.stderr)
                failed = True
            elif not mo.exists() or mo.read_bytes() != compiled.read_bytes():
                shutil.copyfile(compiled, mo)
                print(f"{locale}: compiled {mo.relative_to(ROOT)}")
    return max(check(), 1 if failed else 0)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Check Panah's translation catalogues (en, ur, ps, fa)."
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="regenerate the .po files in place (keeping translations) and compile the .mo files",
    )
    args = parser.parse_args()
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if not shutil.which(tool)]
    if missing:
        raise SystemExit(f"{', '.join(missing)} not found: install gettext (apt install gettext)")
    return update() if args.update else check()


if __name__ == "__main__":
    sys.exit(main())
