"""Properties of the interpreter under random message sequences (hypothesis).

Whatever a person sends, in whatever order: the engine never raises, answers in the session's
language (every text carries a prompt of that language), ends on a known node of the flow,
keeps every text within two SMS segments, and offers voice digits 0-9 only.
"""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panah.core.sms import sms_segments
from panah.selfservice import engine
from panah.selfservice.engine import NodeType
from panah.selfservice.flows import load_flow
from panah.selfservice.tests.conftest import LANGUAGES, NOW, places_catalog
from panah.selfservice.voice import voice_menu

FLOW = load_flow()
CATALOG = places_catalog()

_digits = [str(i) for i in range(10)]
_WORDS = sorted(
    {w for node in FLOW.nodes.values() for c in node.choices for w in c.words} | FLOW.menu_words
)
alphabet = st.one_of(
    st.sampled_from(_digits),  # ASCII
    st.sampled_from([chr(0x0660 + i) for i in range(10)]),  # Arabic-Indic
    st.sampled_from([chr(0x06F0 + i) for i in range(10)]),  # Extended Arabic-Indic
    st.just("0"),
    st.sampled_from(_WORDS),
    st.sampled_from(["Brewery", "تھانہ بروری", "Quetta", "کوئٹہ", "Killa", "Mirwais Khan", "چمن"]),
    st.just(""),
    st.text(max_size=30),
    st.text(min_size=1000, max_size=3000),
    st.sampled_from(["x" * 10_000, "1" * 500, " ۱ ", "1.", "\u200f2", "\x00", "\ud7ff"]),
)
messages = st.lists(alphabet, min_size=1, max_size=25)
starts = st.one_of(st.just(None), st.sampled_from(LANGUAGES)).map(
    lambda language: engine.start(FLOW, language=language)
)
moments = st.datetimes(
    min_value=datetime.datetime(2024, 1, 1), max_value=datetime.datetime(2030, 1, 1)
).map(lambda d: d.replace(tzinfo=datetime.UTC))


def _carries_a_prompt_of(text: str, language: str, node_id: str) -> bool:
    """The text is built from the session language's prompt (or apology) of the node."""
    node = FLOW.nodes[node_id]
    pieces = [node.prompt[language], FLOW.text("not_understood", language)]
    if node.type == NodeType.PICK:
        pieces.append(FLOW.text("which_one", language))
    return any(text.startswith(piece) for piece in pieces)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=starts, inputs=messages, now=moments)
def test_any_sequence_of_messages_is_answered_safely(start, inputs, now):
    state = start
    for text in inputs:
        language_before, node_before = state.language, state.node
        state, reply = engine.step(FLOW, state, text, now, catalog=CATALOG)
        assert state.node in FLOW.nodes  # a known state
        assert state.flow_id == FLOW.id and state.version == FLOW.version
        assert reply.language == state.language
        assert state.language in LANGUAGES
        if state.language != language_before:  # only the language question changes it
            assert FLOW.nodes[node_before].type == NodeType.LANGUAGE
            assert state.language_chosen
        for piece in reply.texts:
            assert sms_segments(piece) <= 2
            assert _carries_a_prompt_of(piece, state.language, reply.node)
        if not reply.texts:  # silence only for a conversation handed to a person
            assert reply.handoff and FLOW.nodes[state.node].type == NodeType.END
        assert len(state.history) <= engine.MAX_HISTORY
        if FLOW.nodes[state.node].type == NodeType.PICK:
            assert 0 < len(state.shown) <= engine.MAX_PER_PAGE or not state.shown
        menu = voice_menu(FLOW, state, CATALOG)
        digits = [c.digit for c in menu.choices]
        assert len(digits) == len(set(digits)) and all(d in _digits for d in digits)


@settings(max_examples=200, deadline=None)
@given(language=st.sampled_from(LANGUAGES), inputs=messages)
def test_urgent_case_effects_always_carry_what_the_service_needs(language, inputs):
    state = engine.start(FLOW, language=language)
    for text in ["1", *inputs]:
        state, reply = engine.step(FLOW, state, text, NOW, catalog=CATALOG)
        for effect in reply.effects:
            if effect.kind == engine.EffectKind.OPEN_URGENT_CASE:
                assert set(effect.data) == {
                    "district",
                    "place",
                    "name",
                    "arrested_at",
                    "time_choice",
                }
                assert isinstance(effect.data["name"], str) and effect.data["name"]
                assert reply.handoff
                assert state.answers == {}


@settings(max_examples=100, deadline=None)
@given(inputs=messages)
def test_an_interrupted_session_restored_from_storage_behaves_the_same(inputs):
    """What the service stores (navigation and answers as JSON) is the whole state."""
    import json

    straight = engine.start(FLOW, language="ur")
    stored = straight
    for text in inputs:
        straight, a = engine.step(FLOW, straight, text, NOW, catalog=CATALOG)
        stored = engine.State.restore(
            flow_id=stored.flow_id,
            version=stored.version,
            node=stored.node,
            language=stored.language,
            answers=json.loads(json.dumps(dict(stored.answers))),
            navigation=json.loads(json.dumps(stored.navigation())),
        )
        stored, b = engine.step(FLOW, stored, text, NOW, catalog=CATALOG)
        assert (a.texts, a.effects) == (b.texts, b.effects)
        assert straight == stored
