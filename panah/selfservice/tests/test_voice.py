"""The voice mirror: the same digits as the SMS menu, prompt keys per node and option."""

from __future__ import annotations

from panah.selfservice import engine
from panah.selfservice.engine import State
from panah.selfservice.tests.conftest import NOW
from panah.selfservice.voice import voice_menu


def test_the_main_menu_mirrors_the_sms_digits(flow):
    state = State(flow.id, flow.version, "main", "ps", language_chosen=True)
    menu = voice_menu(flow, state)
    assert menu.prompt_key == "line.main" and menu.language == "ps"
    assert [(c.digit, c.key) for c in menu.choices] == [
        ("1", "line.main.1"),
        ("2", "line.main.2"),
        ("3", "line.main.3"),
        ("4", "line.main.4"),
        ("5", "line.main.5"),
        ("0", "line.back"),
    ]


def test_a_list_page_offers_its_options_skip_more_and_back(flow, catalog):
    state = State(flow.id, flow.version, "main", "en", language_chosen=True)
    state, _ = engine.step(flow, state, "1", NOW, catalog=catalog)
    menu = voice_menu(flow, state, catalog)
    digits = [c.digit for c in menu.choices]
    assert digits == [*(str(i) for i in range(1, len(state.shown) + 1)), "8", "9", "0"]
    assert menu.choices[0].key == f"districts.{state.shown[0]}"
    # Pressing a digit is the same message as typing it.
    after, _ = engine.step(flow, state, menu.choices[0].digit, NOW, catalog=catalog)
    assert after.answers["district"] == state.shown[0]


def test_the_name_question_expects_speech(flow, catalog):
    state = State(flow.id, flow.version, "main", "ur", language_chosen=True)
    for digit in ("1", "1", "1"):
        state, _ = engine.step(flow, state, digit, NOW, catalog=catalog)
    menu = voice_menu(flow, state, catalog)
    assert menu.expects_speech and menu.prompt_key == "line.arrest_name"
    assert [c.digit for c in menu.choices] == ["0"]
