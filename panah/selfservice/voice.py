"""The voice mirror of the flows: a node's choices as DTMF keys and recorded-prompt keys.

Pure, like the engine. A voice session runs through the same `session_handle` (the keypad
digit is the message text); the TwiML layer (`panah.channels.voice`) plays the recorded prompt
named by `prompt_key` in the session's language, then one recording per choice when it lists
them (a station's name), and gathers one digit. The digits are exactly the SMS menu's: 1-9 choose,
8 "not listed" and 9 "more" on a list, 0 back.
"""

from __future__ import annotations

from dataclasses import dataclass

from panah.selfservice.engine import (
    BACK_KEY,
    MORE_KEY,
    SKIP_KEY,
    Catalog,
    Flow,
    NodeType,
    State,
    list_options,
    pages,
)


@dataclass(frozen=True)
class VoiceChoice:
    digit: str  # 0-9
    key: str  # the recorded prompt of this choice: "<flow>.<node>.<digit>" or "<list>.<option id>"


@dataclass(frozen=True)
class VoiceMenu:
    prompt_key: str  # "<flow>.<node>": one recording per language
    language: str
    choices: tuple[VoiceChoice, ...]
    # A free-text node (a name) cannot be keyed in: the TwiML layer records speech instead
    # and hands the recording to an operator.
    expects_speech: bool = False


def voice_menu(flow: Flow, state: State, catalog: Catalog | None = None) -> VoiceMenu:
    """Return the DTMF menu for the session's current node (same digits as the SMS menu)."""
    node = flow.nodes[state.node]
    base = f"{flow.id}.{node.id}"
    choices: list[VoiceChoice] = []
    if node.type in {NodeType.LANGUAGE, NodeType.MENU}:
        choices = [VoiceChoice(c.key, f"{base}.{c.key}") for c in node.choices]
    elif node.type == NodeType.PICK:
        choices = [
            VoiceChoice(str(i), f"{node.list}.{option_id}")
            for i, option_id in enumerate(state.shown, start=1)
        ]
        if not state.candidates:
            if node.skip_label:
                choices.append(VoiceChoice(SKIP_KEY, f"{base}.{SKIP_KEY}"))
            options = list_options(node, state, catalog) if catalog is not None else ()
            if state.page + 1 < len(pages(flow, node, state.language, options)):
                choices.append(VoiceChoice(MORE_KEY, f"{flow.id}.more"))
    choices.append(VoiceChoice(BACK_KEY, f"{flow.id}.back"))  # 0 is always "back"
    return VoiceMenu(
        prompt_key=f"{base}.which_one" if state.candidates else base,
        language=state.language,
        choices=tuple(choices),
        expects_speech=node.type == NodeType.TEXT,
    )
