"""The voice menu's recordings: the shipped placeholders, their manifest and `voice-prompts`."""

from __future__ import annotations

import datetime
import io
import shutil
import wave
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from panah.channels import voice_prompts
from panah.selfservice import engine
from panah.selfservice.engine import NodeType
from panah.selfservice.flows import installed_flow
from panah.selfservice.tests.conftest import places_catalog
from panah.selfservice.voice import voice_menu

LANGUAGES = voice_prompts.LANGUAGES


def wav(*, channels: int = 1, rate: int = 8000, seconds: float = 0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x10\x00" * int(rate * seconds) * channels)
    return buffer.getvalue()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped recordings to change."""
    copy = tmp_path / "voice"
    shutil.copytree(voice_prompts.VOICE_DIR, copy)
    return copy


def test_every_prompt_ships_in_every_language_as_a_small_placeholder():
    report = voice_prompts.check(installed_flow())

    assert report.ok
    assert report.missing == [] and report.unusable == [] and report.unknown == []
    assert report.recorded == []  # nothing recorded yet: all placeholders, and the check says so
    assert len(report.placeholders) == len(voice_prompts.prompt_keys(installed_flow())) * 4
    sizes = [p.stat().st_size for p in voice_prompts.VOICE_DIR.rglob("*.wav")]
    assert max(sizes) < 4096


def test_the_placeholders_are_playable_telephone_audio():
    for language in LANGUAGES:
        path = voice_prompts.file_for(language, "line.main")
        assert path is not None and voice_prompts.wav_problem(path) == ""
        with wave.open(str(path)) as audio:
            assert (audio.getnchannels(), audio.getframerate(), audio.getsampwidth()) == (
                1,
                8000,
                2,
            )


def test_every_prompt_the_voice_menu_can_ask_for_is_in_the_catalogue():
    flow, catalog = installed_flow(), places_catalog()
    keys = set(voice_prompts.prompt_keys(flow))
    now = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
    for language in LANGUAGES:
        states = [
            engine.State(flow.id, flow.version, node_id, language, language_chosen=True)
            for node_id, node in flow.nodes.items()
            if node.type != NodeType.PICK and not voice_prompts.voice_replaces(flow, node_id)
        ]
        # The lists, as a caller reaches them: arrested → a district → its police stations.
        state = engine.State(flow.id, flow.version, flow.menu, language, language_chosen=True)
        for digit in ("1", "1"):
            state, _reply = engine.step(flow, state, digit, now, catalog=catalog)
            assert flow.nodes[state.node].type == NodeType.PICK
            states.append(state)
        for state in states:
            menu = voice_menu(flow, state, catalog)
            assert menu.prompt_key in keys
            assert voice_prompts.script(flow, menu.prompt_key, language)
            node = flow.nodes[state.node]
            for choice in menu.choices:
                assert voice_prompts.press_key(choice.digit) in keys
                # A list says each choice (a menu's prompt already names its choices): the
                # list's own items are data, said by name; "not listed", "more", "back" are
                # recordings.
                if node.type == NodeType.PICK and not choice.key.startswith(f"{node.list}."):
                    assert choice.key in keys


def test_a_replaced_recording_is_recognised_without_editing_the_manifest(root):
    (root / "ps" / "line.main.wav").write_bytes(wav())

    report = voice_prompts.check(installed_flow(), root=root)
    recordings = voice_prompts.inventory(root)

    assert report.recorded == ["ps/line.main"]
    assert "ps/line.main" not in report.placeholders
    assert recordings[("ps", "line.main")].placeholder is False
    assert recordings[("ur", "line.main")].placeholder is True


def test_missing_unusable_and_unknown_files_are_listed(root):
    (root / "fa" / "line.rights.wav").unlink()
    (root / "ur" / "line.main.wav").write_bytes(wav(channels=2))
    (root / "en" / "voice.goodbye.wav").write_bytes(b"not audio at all")
    (root / "en" / "line.retired.wav").write_bytes(wav())
    (root / "en" / "districts.12.wav").write_bytes(wav())  # a place name: an optional extra

    report = voice_prompts.check(installed_flow(), root=root)

    assert not report.ok
    assert report.missing == ["fa/line.rights"]
    assert report.unusable == ["en/voice.goodbye.wav: not a WAV file", "ur/line.main.wav: not mono"]
    assert report.unknown == ["en/line.retired.wav"]


def test_making_placeholders_fills_the_gaps_and_never_overwrites_a_recording(root):
    real = wav()
    (root / "en" / "line.main.wav").write_bytes(real)
    (root / "fa" / "line.rights.wav").unlink()

    written = voice_prompts.placeholders_write(installed_flow(), root=root)

    assert written == ["fa/line.rights.wav"]
    assert (root / "en" / "line.main.wav").read_bytes() == real
    report = voice_prompts.check(installed_flow(), root=root)
    assert report.ok and report.recorded == ["en/line.main"]


def test_the_scripts_say_what_to_record_in_each_language():
    flow = installed_flow()
    assert voice_prompts.script(flow, "line.main", "fa") == flow.nodes["main"].prompt["fa"]
    assert (
        voice_prompts.script(flow, "line.arrest_district.8", "ur")
        == (flow.nodes["arrest_district"].skip_label["ur"])
    )
    assert voice_prompts.script(flow, "voice.press.3", "en") == "press 3"
    assert voice_prompts.script(flow, "voice.voicemail", "en").startswith("Please leave")
    assert voice_prompts.script(flow, "line.nowhere", "en") == ""


def test_the_check_command_lists_placeholders_and_fails_on_them_when_strict(capsys):
    call_command("channels", "voice-prompts", "check")
    out = capsys.readouterr().out
    assert "placeholder: ur/line.main" in out
    assert "0 recorded" in out and "0 missing" in out

    with pytest.raises(CommandError) as raised:
        call_command("channels", "voice-prompts", "check", "--strict")
    assert raised.value.returncode == 2


def test_the_scripts_command_prints_one_line_per_file(capsys):
    call_command("channels", "voice-prompts", "scripts", "--language", "ps")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(voice_prompts.prompt_keys(installed_flow()))
    assert lines[0].startswith("ps/line.not_understood.wav\t")
