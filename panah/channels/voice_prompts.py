"""The voice menu's recorded prompts: which ones it needs, which exist, which are placeholders.

One file per prompt key and language: `panah/static/voice/<language>/<key>.wav` (or `.mp3`),
e.g. `voice/ps/line.main.wav`. The keys are those of `selfservice.voice.voice_menu` (`line.<node>`,
`line.<node>.8`, `line.more`, `line.back`) plus the voice menu's own (`voice.*`). Panah ships
a short tone for each as a placeholder; `manifest.json` beside them lists the placeholders'
SHA-256, so a file replaced by a real recording is recognised as such without editing the
manifest. `panah channels voice-prompts check` lists what is missing or still a placeholder,
`… scripts` prints what to say in each, `… placeholders` makes the missing ones.
docs/channels.md ("Voice prompts") says how to record and replace them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import struct
import wave
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from panah.selfservice.engine import EffectKind, Flow, NodeType

VOICE_DIR = Path(__file__).resolve().parents[1] / "static" / "voice"
STATIC_PREFIX = "voice"
MANIFEST = "manifest.json"
LANGUAGES = ("en", "ur", "ps", "fa")
EXTENSIONS = (".wav", ".mp3")
MAX_BYTES = 2 * 1024 * 1024  # a prompt is seconds long; a big file is a mistake

# Placeholders: a short tone, 8 kHz 16-bit mono PCM (what telephony plays without resampling),
# one pitch per language so a tester hears which language's files are missing.
SAMPLE_RATE = 8000
TONE_SECONDS = 0.12
TONE_HZ = {"en": 440, "ur": 523, "ps": 587, "fa": 659}

# Prompts of the voice menu itself (not in the flow). Translatable: the Urdu, Pashto and Dari
# scripts to record come from the catalogues, like every other text Panah says.
VOICE_TEXTS: dict[str, Promise] = {
    "voice.record_name": _(
        "After the tone, say the person's name, then press the hash key. To go back, press 0."
    ),
    "voice.voicemail": _(
        "Please leave a message after the tone: say what happened and how to reach you, then "
        "press the hash key. A person from Panah will call you back."
    ),
    "voice.voicemail_more": _(
        "To add anything to your report, speak after the tone, then press the hash key."
    ),
    "voice.sent_by_sms": _("We have sent you the answer by SMS."),
    "voice.goodbye": _("Thank you. A person from Panah will call you back. Goodbye."),
}
PRESS_KEY = "voice.press."  # + digit: "press 1", said after an item of a list
DIGITS = "0123456789"


def press_key(digit: str) -> str:
    return f"{PRESS_KEY}{digit}"


def _press_text(digit: str) -> str:
    return _("press %(digit)s") % {"digit": digit}


# --- Which prompts the voice menu plays ------------------------------------------------------


def voice_replaces(flow: Flow, node_id: str) -> bool:
    """Whether the voice menu plays its own prompt instead of the node's: "talk to a person"
    asks for a voicemail, where the text asks the person to write."""
    node = flow.nodes[node_id]
    return node.type == NodeType.END and tuple(node.effects) == (EffectKind.HANDOFF_TO_OPERATOR,)


def prompt_keys(flow: Flow) -> list[str]:
    """Return every prompt key the voice menu may play for this flow, in a stable order.

    List items (`districts.<id>`, `police_stations.<id>`) are data, not listed: without a
    recording their name is said in English (where Twilio speaks English), see `voice.py`.
    """
    keys = [f"{flow.id}.not_understood", f"{flow.id}.more", f"{flow.id}.back"]
    for node_id, node in flow.nodes.items():
        if voice_replaces(flow, node_id):
            continue
        keys.append(f"{flow.id}.{node_id}")
        if node.type == NodeType.PICK and node.skip_label:
            keys.append(f"{flow.id}.{node_id}.8")
    keys += list(VOICE_TEXTS)
    keys += [press_key(d) for d in DIGITS]
    return keys


def script(flow: Flow, key: str, language: str) -> str:
    """Return what the recording of a prompt says (its text), or "" for an unknown key."""
    if key in VOICE_TEXTS:
        with translation.override(language):
            return str(VOICE_TEXTS[key])
    if key.startswith(PRESS_KEY) and key[len(PRESS_KEY) :] in DIGITS:
        with translation.override(language):
            return _press_text(key[len(PRESS_KEY) :])
    prefix = f"{flow.id}."
    if not key.startswith(prefix):
        return ""
    rest = key[len(prefix) :]
    if rest in ("not_understood", "more", "back"):
        return flow.text(rest, language)
    node_id, _dot, digit = rest.partition(".")
    node = flow.nodes.get(node_id)
    if node is None:
        return ""
    if not digit:
        return node.prompt[language]
    if digit == "8" and node.skip_label:
        return node.skip_label[language]
    return ""


_NUMBERED = re.compile(r"^\s*(\d)\s+(.+)$")


def spoken(text: str) -> str:
    """Turn a menu as written ("1 Someone was arrested" per line) into a sentence Twilio can
    say in English ("Someone was arrested, press 1.")."""
    parts = []
    for line in text.splitlines():
        match = _NUMBERED.match(line)
        parts.append(f"{match[2]}, press {match[1]}." if match else line.strip())
    return " ".join(p for p in parts if p)


# --- The files ---------------------------------------------------------------------------


def file_for(language: str, key: str, *, root: Path = VOICE_DIR) -> Path | None:
    """Return the recording of a prompt in a language, if there is one."""
    for extension in EXTENSIONS:
        path = root / language / f"{key}{extension}"
        if path.is_file():
            return path
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(root: Path = VOICE_DIR) -> dict[str, str]:
    """Return the shipped placeholders: relative path → SHA-256."""
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    placeholders = data.get("placeholders") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in (placeholders or {}).items()}


@dataclass(frozen=True)
class Recording:
    static_path: str  # for `static()`: "voice/ur/line.main.wav"
    placeholder: bool


@functools.lru_cache(maxsize=4)
def inventory(root: Path = VOICE_DIR) -> dict[tuple[str, str], Recording]:
    """Return the recordings on disk by (language, key), telling placeholders from real ones.

    Read once per process (a few hundred small files): replacing a recording takes a restart,
    as any static file does after `collectstatic`.
    """
    placeholders = read_manifest(root)
    found: dict[tuple[str, str], Recording] = {}
    for language in LANGUAGES:
        folder = root / language
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix not in EXTENSIONS or not path.is_file():
                continue
            relative = f"{language}/{path.name}"
            recording = Recording(
                static_path=f"{STATIC_PREFIX}/{relative}",
                placeholder=placeholders.get(relative) == _sha256(path),
            )
            previous = found.get((language, path.stem))
            if previous is None or previous.placeholder:
                found[(language, path.stem)] = recording
    return found


def wav_problem(path: Path) -> str:
    """Return why a recording cannot be played on a phone line, or "" if it can."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        return f"larger than {MAX_BYTES // 1024} KB"
    if path.suffix == ".mp3":
        return "" if size > 0 else "empty"
    data = path.read_bytes()[:4096]
    if len(data) < 36 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return "not a WAV file"
    offset = 12
    while offset + 8 <= len(data):
        chunk, length = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        if chunk == b"fmt " and offset + 24 <= len(data):
            audio_format, channels, rate = struct.unpack("<HHI", data[offset + 8 : offset + 16])
            bits = struct.unpack("<H", data[offset + 22 : offset + 24])[0]
            if audio_format not in (1, 7):  # PCM, or µ-law
                return "not PCM or µ-law"
            if channels != 1:
                return "not mono"
            if not 8000 <= rate <= 48000:
                return "sample rate outside 8–48 kHz"
            if audio_format == 1 and bits not in (8, 16):
                return "not 8- or 16-bit"
            return ""
        offset += 8 + length + (length % 2)
    return "no format chunk"


@dataclass
class CheckReport:
    missing: list[str] = field(default_factory=list)  # "ur/line.main"
    placeholders: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)  # "ur/line.main.wav: not mono"
    unknown: list[str] = field(default_factory=list)  # files no prompt uses

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unusable)


def check(flow: Flow, *, root: Path = VOICE_DIR) -> CheckReport:
    """Compare the files with the prompts the voice menu plays, in every language."""
    report = CheckReport()
    placeholders = read_manifest(root)
    keys = prompt_keys(flow)
    for language in LANGUAGES:
        for key in keys:
            path = file_for(language, key, root=root)
            name = f"{language}/{key}"
            if path is None:
                report.missing.append(name)
                continue
            problem = wav_problem(path)
            if problem:
                report.unusable.append(f"{language}/{path.name}: {problem}")
            elif placeholders.get(f"{language}/{path.name}") == _sha256(path):
                report.placeholders.append(name)
            else:
                report.recorded.append(name)
        folder = root / language
        if folder.is_dir():
            known = set(keys)
            report.unknown += [
                f"{language}/{p.name}"
                for p in sorted(folder.iterdir())
                if p.suffix in EXTENSIONS and p.stem not in known and not _is_list_item(p.stem)
            ]
    return report


def _is_list_item(stem: str) -> bool:
    # Recordings of place names are optional extras: `districts.<id>`, `police_stations.<id>`.
    return stem.startswith(("districts.", "police_stations."))


def tone(language: str) -> bytes:
    """Return the placeholder of a language: a short tone as a WAV file (about 2 KB)."""
    import io  # noqa: PLC0415 - only the generator needs it

    frequency = TONE_HZ.get(language, 480)
    count = int(SAMPLE_RATE * TONE_SECONDS)
    fade = SAMPLE_RATE // 100  # 10 ms in and out, so the tone does not click
    frames = bytearray()
    for i in range(count):
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        value = int(8000 * envelope * math.sin(2 * math.pi * frequency * i / SAMPLE_RATE))
        frames += struct.pack("<h", value)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def placeholders_write(
    flow: Flow, *, root: Path = VOICE_DIR, languages: Iterable[str] = LANGUAGES
) -> list[str]:
    """Write a placeholder for every missing prompt (never over an existing file) and record
    the placeholders in the manifest; return the files written."""
    manifest = read_manifest(root)
    written = []
    for language in languages:
        data = tone(language)
        digest = hashlib.sha256(data).hexdigest()
        (root / language).mkdir(parents=True, exist_ok=True)
        for key in prompt_keys(flow):
            if file_for(language, key, root=root) is not None:
                continue
            relative = f"{language}/{key}.wav"
            (root / relative).write_bytes(data)
            manifest[relative] = digest
            written.append(relative)
    document = {
        "about": "Placeholders shipped with Panah (SHA-256 of each file). A file whose hash "
        "differs is a real recording. See docs/channels.md, 'Voice prompts'.",
        "format": {"container": "wav", "encoding": "pcm_s16le", "sample_rate": SAMPLE_RATE},
        "placeholders": dict(sorted(manifest.items())),
    }
    (root / MANIFEST).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    inventory.cache_clear()
    return written
