"""The interpreter, path by path, in the four languages (no database)."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest

from panah.core.sms import sms_segments
from panah.selfservice import engine
from panah.selfservice.engine import EffectKind, Option, State
from panah.selfservice.tests.conftest import LANGUAGES, NOW

LANGUAGE_KEY = {"en": "1", "ur": "2", "ps": "3", "fa": "4"}


def run(flow, catalog, messages, state=None):
    """Send messages one by one; return the last state and every reply."""
    state = state or engine.start(flow)
    replies = []
    for text in messages:
        state, reply = engine.step(flow, state, text, NOW, catalog=catalog)
        replies.append(reply)
    return state, replies


def effects(reply, kind):
    return [e for e in reply.effects if e.kind == kind]


def at_menu(flow, language):
    return State(flow.id, flow.version, flow.menu, language, language_chosen=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_choosing_a_language_answers_the_menu_in_it(flow, catalog, language):
    state, (first, second) = run(flow, catalog, ["salaam", LANGUAGE_KEY[language]])
    assert first.texts == (flow.nodes["language"].prompt["ur"],)  # the default, no apology
    assert state.node == "main" and state.language == language and state.language_chosen
    assert second.texts == (flow.nodes["main"].prompt[language],)
    assert second.language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_arrest_path_collects_where_who_and_when_and_opens_an_urgent_case(
    flow, catalog, language
):
    state, replies = run(
        flow, catalog, ["1", "1", "1", "Mirwais Khan", "2"], state=at_menu(flow, language)
    )
    assert [r.node for r in replies] == [
        "arrest_district",
        "arrest_station",
        "arrest_name",
        "arrest_time",
        "arrest_done",
    ]
    done = replies[-1]
    (case,) = effects(done, EffectKind.OPEN_URGENT_CASE)
    assert case.data == {
        "district": "1",  # Quetta
        "place": "p0",  # Brewery Police Station
        "name": "Mirwais Khan",
        "arrested_at": (NOW - datetime.timedelta(hours=6)).isoformat(),
        "time_choice": "2",
    }
    assert done.handoff
    assert all(r.language == language for r in replies)
    assert done.texts == (flow.nodes["arrest_done"].prompt[language],)
    # Nothing personal stays in the session once the case is asked for.
    assert state.answers == {} and state.history == ()


def test_a_police_station_typed_in_either_script_and_misspelt_is_found(flow, catalog):
    for typed in ("brewery", "Brewry thana", "تھانہ بروری", "بروری", "BREWERY POLICE STATION"):
        state, _ = run(flow, catalog, ["1", "کوئٹہ", typed], state=at_menu(flow, "ur"))
        assert state.answers["place"] == "p0", typed
        assert state.node == "arrest_name"


def test_an_ambiguous_district_offers_the_best_matches_as_numbers(flow, catalog):
    state, replies = run(flow, catalog, ["1", "Killa"], state=at_menu(flow, "en"))
    assert state.candidates and state.node == "arrest_district"
    offered = {catalog.options("districts")[int(i) - 1].labels["en"] for i in state.shown}
    assert offered >= {"Killa Abdullah", "Killa Saifullah"}
    assert replies[-1].texts[0].startswith(flow.text("which_one", "en"))
    chosen = state.shown[1]
    state, _ = run(flow, catalog, ["2"], state=state)
    assert state.answers["district"] == chosen


def test_lists_are_paged_with_more_and_back(flow, catalog):
    state, replies = run(flow, catalog, ["1"], state=at_menu(flow, "en"))
    first_page = state.shown
    assert "9 More" in replies[-1].texts[0]
    state, replies = run(flow, catalog, ["9"], state=state)
    assert state.page == 1 and not set(state.shown) & set(first_page)
    state, _ = run(flow, catalog, ["0"], state=state)
    assert state.page == 0 and state.shown == first_page
    state, _ = run(flow, catalog, ["0"], state=state)
    assert state.node == "main"


def test_every_page_of_every_list_is_numbered_and_fits_two_segments(flow, catalog):
    for language in LANGUAGES:
        state, _ = run(flow, catalog, ["1"], state=at_menu(flow, language))
        seen = []
        for _page in range(20):
            seen.extend(state.shown)
            text = engine.render(flow, state, catalog, apology=True)
            assert sms_segments(text) <= 2, (language, state.page)
            assert sms_segments(engine.render(flow, state, catalog)) <= 2
            previous = state.page
            state, _ = run(flow, catalog, ["9"], state=state)
            if state.page == previous:
                break
        assert seen == [o.id for o in catalog.options("districts")], language


def test_a_district_with_no_station_listed_goes_straight_to_the_name(flow, catalog):
    # Pishin (2) has no police station in the data file; "0" from the name goes back to it.
    state, replies = run(flow, catalog, ["1", "Pishin"], state=at_menu(flow, "en"))
    assert state.node == "arrest_name"
    assert state.answers == {"district": "2", "place": None}
    state, _ = run(flow, catalog, ["0"], state=state)
    assert state.node == "arrest_district"


def test_other_place_and_not_listed_leave_the_answer_empty(flow, catalog):
    state, _ = run(flow, catalog, ["1", "8"], state=at_menu(flow, "ps"))
    assert state.node == "arrest_name" and state.answers == {"district": None, "place": None}
    state, _ = run(flow, catalog, ["1", "1", "8"], state=at_menu(flow, "ps"))
    assert state.node == "arrest_name" and state.answers == {"district": "1", "place": None}


def test_zero_goes_back_step_by_step_to_the_language_question(flow, catalog):
    state, _ = run(flow, catalog, ["x", "3", "1", "1", "1"])
    assert state.node == "arrest_name"
    for expected in ("arrest_station", "arrest_district", "main", "language", "language"):
        state, reply = run(flow, catalog, ["0"], state=state)
        assert state.node == expected
        assert reply[-1].language == "ps"


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_input_repeats_the_prompt_in_the_session_language(flow, catalog, language):
    for text in ("banana", "", "77", "؟", "x" * 5000):
        state, (reply,) = run(flow, catalog, [text], state=at_menu(flow, language))
        assert state.node == "main"
        assert reply.texts == (
            flow.text("not_understood", language) + "\n" + flow.nodes["main"].prompt[language],
        )


@pytest.mark.parametrize("digit", ["2", "٢", "۲", " 2. ", "(2)"])
def test_digits_in_three_scripts_choose(flow, catalog, digit):
    state, _ = run(flow, catalog, [digit], state=at_menu(flow, "fa"))
    assert state.node == "documents"


@pytest.mark.parametrize(
    ("language", "word"),
    [("en", "Arrested"), ("ur", "گرفتار"), ("ps", "نیول"), ("fa", "بازداشت"), ("en", "police")],
)
def test_menu_words_in_four_languages_choose_at_the_menu(flow, catalog, language, word):
    state, _ = run(flow, catalog, [word], state=at_menu(flow, language))
    assert state.node == "arrest_district" and state.language == language


def test_a_menu_word_at_the_language_question_chooses_both(flow, catalog):
    state, (reply,) = run(flow, catalog, ["نیول"])  # Pashto "arrest", first message
    assert (state.node, state.language) == ("arrest_district", "ps")
    assert reply.texts[0].startswith(flow.nodes["arrest_district"].prompt["ps"])


def test_menu_goes_home_from_anywhere(flow, catalog):
    state, _ = run(flow, catalog, ["1", "1", "1", "menu"], state=at_menu(flow, "ur"))
    assert state.node == "main" and state.history == ()
    state, _ = run(flow, catalog, ["3", "مینو"], state=at_menu(flow, "ur"))
    assert state.node == "main"


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_documents_asks_the_rules_engine(flow, catalog, language):
    state, (_, reply) = run(flow, catalog, ["2", "1"], state=at_menu(flow, language))
    (effect,) = effects(reply, EffectKind.ASSESS_DOCUMENTS)
    assert effect.data == {"documents": ["por"]}
    assert state.node == "documents_read"
    assert reply.texts == (flow.nodes["documents_read"].prompt[language],)
    state, _ = run(flow, catalog, ["0"], state=state)
    assert state.node == "documents"


def test_a_document_that_needs_dates_goes_to_a_person(flow, catalog):
    _, (_, reply) = run(flow, catalog, ["2", "6"], state=at_menu(flow, "en"))
    assert reply.handoff and reply.node == "handoff"


@pytest.mark.parametrize("language", LANGUAGES)
def test_know_your_rights_looks_up_a_published_summary(flow, catalog, language):
    state, (_, reply) = run(flow, catalog, ["3", "2"], state=at_menu(flow, language))
    (effect,) = effects(reply, EffectKind.LOOKUP_RIGHTS)
    assert effect.data == {"slug": "right-to-lawyer"}
    assert state.node == "rights_read"


@pytest.mark.parametrize("language", LANGUAGES)
def test_talk_to_a_person_hands_over_and_then_stays_quiet(flow, catalog, language):
    state, replies = run(
        flow, catalog, ["4", "my brother is at the station"], at_menu(flow, language)
    )
    assert replies[0].handoff and replies[0].texts == (flow.nodes["handoff"].prompt[language],)
    assert replies[1].handoff and replies[1].texts == ()  # for the operator, no auto-reply
    state, (reply,) = run(flow, catalog, ["0"], state=state)
    assert state.node == "main" and not reply.handoff


def test_an_arrest_report_cannot_be_sent_twice_by_going_back(flow, catalog):
    state, _ = run(flow, catalog, ["1", "1", "1", "Ali", "1"], state=at_menu(flow, "en"))
    state, (reply,) = run(flow, catalog, ["0"], state=state)
    assert state.node == "main" and not reply.effects


def test_a_name_must_have_letters_and_a_reasonable_length(flow, catalog):
    state, _ = run(flow, catalog, ["1", "1", "1"], state=at_menu(flow, "en"))
    for bad in ("12345", "a", "x" * 81):
        after, (reply,) = run(flow, catalog, [bad], state=state)
        assert after.node == "arrest_name"
        assert reply.texts[0].startswith(flow.text("not_understood", "en"))
    after, _ = run(flow, catalog, ["  محمد   ولی  "], state=state)
    assert after.answers["name"] == "محمد ولی"


def test_a_stale_number_after_a_restart_shows_the_menu_without_acting(flow, catalog):
    fresh = engine.start(flow, language="en")
    state, (reply,) = run(flow, catalog, ["1"], state=fresh)
    assert state.node == "main" and reply.texts == (flow.nodes["main"].prompt["en"],)
    state, _ = run(flow, catalog, ["1"], state=state)
    assert state.node == "arrest_district"


def test_a_session_of_an_older_flow_version_restarts_cleanly_at_the_menu(flow, catalog):
    old, _ = run(flow, catalog, ["1", "1"], state=at_menu(flow, "ps"))
    newer = replace(flow, version=flow.version + 1)
    state, (reply,) = run(newer, catalog, ["1"], state=old)
    assert (state.version, state.node, state.language) == (newer.version, "main", "ps")
    assert state.answers == {} and not reply.effects
    assert reply.texts == (flow.nodes["main"].prompt["ps"],)


def test_a_state_naming_a_node_that_no_longer_exists_restarts(flow, catalog):
    state = replace(at_menu(flow, "fa"), node="removed_node")
    state, _ = run(flow, catalog, ["1"], state=state)
    assert state.node == "main" and state.language == "fa"


def test_stored_state_survives_a_round_trip_and_garbage_is_harmless(flow, catalog):
    state, _ = run(flow, catalog, ["1", "9"], state=at_menu(flow, "ur"))
    restored = State.restore(
        flow_id=state.flow_id,
        version=state.version,
        node=state.node,
        language=state.language,
        answers=dict(state.answers),
        navigation=state.navigation(),
    )
    assert restored == state
    junk = State.restore(
        flow_id="line", version=1, node="main", language="ur", answers=[1], navigation="x"
    )
    assert junk.answers == {} and junk.history == ()
    run(flow, catalog, ["1", "xyz", "0"], state=junk)


def test_a_list_that_changed_since_the_last_message_is_shown_again(flow, catalog):
    state, _ = run(flow, catalog, ["1"], state=at_menu(flow, "en"))
    smaller = engine.Catalog({"districts": {"": (Option("42", {"en": "Quetta"}, ("Quetta",)),)}})
    state, _reply = engine.step(flow, replace(state, shown=("1", "2")), "1", NOW, catalog=smaller)
    assert state.answers["district"] == "42"


def test_every_static_prompt_fits_two_segments_with_the_apology_in_every_language(flow):
    for node in flow.nodes.values():
        for language in LANGUAGES:
            assert (
                sms_segments(flow.text("not_understood", language) + "\n" + node.prompt[language])
                <= 2
            )
    for key in ("failed", "unavailable"):
        for language in LANGUAGES:
            assert sms_segments(flow.text(key, language)) <= 2
