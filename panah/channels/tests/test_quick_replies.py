"""Quick replies: every one in every language of the line, each within two SMS segments with the
helpline number put in, and nothing in them but the helpline number to fill."""

from __future__ import annotations

import re

import pytest

from panah.channels.quick_replies import (
    HELPLINE,
    LANGUAGES,
    QUICK_REPLIES,
    quick_replies_for,
    quick_reply_language,
    quick_reply_text,
)
from panah.core.sms import sms_segments
from panah.selfservice.selectors import LANGUAGES as LINE_LANGUAGES

# Longer than any helpline number we expect: the texts must fit with room to spare.
LONG_NUMBER = "+92 51 111 222 333 44"
CASES = [(reply.key, language) for reply in QUICK_REPLIES for language in LANGUAGES]


def test_quick_replies_speak_every_language_of_the_self_service_line():
    assert set(LANGUAGES) == set(LINE_LANGUAGES)
    for reply in QUICK_REPLIES:
        assert set(reply.texts) == set(LANGUAGES), reply.key
        assert all(text.strip() for text in reply.texts.values()), reply.key
    assert len({reply.key for reply in QUICK_REPLIES}) == len(QUICK_REPLIES)


@pytest.mark.parametrize(("key", "language"), CASES)
def test_each_quick_reply_fits_two_sms_segments(settings, key, language):
    settings.PANAH_HELPLINE_NUMBER = LONG_NUMBER

    text = quick_reply_text(key, language)

    assert text is not None
    assert sms_segments(text) <= 2, (key, language, len(text))


@pytest.mark.parametrize(("key", "language"), CASES)
def test_quick_replies_hold_no_placeholder_but_the_helpline_number(key, language):
    reply = next(r for r in QUICK_REPLIES if r.key == key)

    assert re.findall(r"\{[^}]*\}|%\(|%s", reply.texts[language]) in ([], [HELPLINE])


def test_the_helpline_number_is_put_in_and_kept_left_to_right_in_arabic_script(settings):
    settings.PANAH_HELPLINE_NUMBER = "+92 51 1234567"

    assert quick_reply_text("helpline", "en").endswith("\n+92 51 1234567")
    for language in ("ur", "ps", "fa"):
        assert quick_reply_text("helpline", language).endswith("\n\u2066+92 51 1234567\u2069")


def test_without_a_helpline_number_the_helpline_reply_is_not_offered(settings):
    settings.PANAH_HELPLINE_NUMBER = ""

    assert quick_reply_text("helpline", "ur") is None
    assert "helpline" not in [reply.key for reply, _text in quick_replies_for("ur")]
    assert len(quick_replies_for("ur")) == len(QUICK_REPLIES) - 1


def test_an_unknown_key_or_language(settings):
    assert quick_reply_text("nonsense", "en") is None
    assert quick_reply_language("de") == "en"
    assert quick_reply_language(None) == "en"
    assert quick_reply_text("greeting", "de") == quick_reply_text("greeting", "en")
