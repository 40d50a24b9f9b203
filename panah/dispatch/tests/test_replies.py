"""Parsing advocates' replies: any text, any script, never an error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panah.dispatch.replies import parse_reply


@pytest.mark.parametrize(
    ("text", "verb", "code"),
    [
        ("YES 4821", "yes", "4821"),
        ("yes4821", "yes", "4821"),
        ("  Yes, 4821 thanks", "yes", "4821"),
        ("ہاں ۴۸۲۱", "yes", "4821"),
        ("هو ٤٨٢١", "yes", "4821"),
        ("no 0007", "no", "0007"),
        ("نہیں 1234", "no", "1234"),
        ("HERE 4821", "here", "4821"),
        ("on", "on", None),
        ("OFF", "off", None),
        ("yes", "yes", None),
        ("12345", "unknown", None),
        ("", "unknown", None),
        ("maybe 4821", "unknown", "4821"),
    ],
)
def test_replies_people_actually_send(text, verb, code):
    parsed = parse_reply(text)
    assert (parsed.verb, parsed.code) == (verb, code)


@given(st.text(max_size=2000))
def test_any_text_parses_to_a_known_verb_and_at_most_a_four_digit_code(text):
    parsed = parse_reply(text)
    assert parsed.verb in {"yes", "no", "here", "on", "off", "unknown"}
    assert parsed.code is None or (len(parsed.code) == 4 and parsed.code.isascii())


@given(st.sampled_from(["YES", "yes", "Y", "ہاں"]), st.integers(0, 9999), st.text(max_size=30))
def test_a_yes_with_its_code_is_read_whatever_follows(word, number, tail):
    code = f"{number:04d}"
    parsed = parse_reply(f"{word} {code} " + tail.replace("\\n", " "))
    assert parsed.verb == "yes"
    assert parsed.code == code
