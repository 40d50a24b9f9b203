"""Reading senders' addresses as providers write them: any text, never an error."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from panah.channels.addresses import sender_e164


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+923451234567", "+923451234567"),
        ("whatsapp:+923451234567", "+923451234567"),
        ("WhatsApp:+93701234567", "+93701234567"),
        ("923451234567", "+923451234567"),  # Meta drops the +
        ("03451234567", "+923451234567"),  # a gateway's national form
        ("0092 345 123-4567", "+923451234567"),
        ("+989121234567", "+989121234567"),  # an Iranian mobile is a sender too
        ("Anonymous", None),
        ("", None),
        ("+", None),
        ("+92", None),
        ("۰۳۴۵۱۲۳۴۵۶۷", None),  # Eastern digits never come from a provider
        ("1" * 41, None),
    ],
)
def test_addresses_providers_actually_send(raw, expected):
    assert sender_e164(raw) == expected


@given(st.text(max_size=60))
def test_any_text_gives_none_or_a_possible_e164_number(text):
    result = sender_e164(text)
    if result is not None:
        assert result.startswith("+") and result[1:].isdigit()
        assert phonenumbers.is_possible_number(phonenumbers.parse(result))


@given(st.from_regex(r"\+92 ?3[0-4][0-9] ?[0-9]{7}", fullmatch=True))
def test_every_pakistani_mobile_in_any_provider_form_is_read_the_same(number):
    expected = sender_e164(number)
    assert expected is not None
    digits = expected.lstrip("+")
    assert sender_e164(f"whatsapp:{expected}") == expected
    assert sender_e164(digits) == expected
    assert sender_e164("00" + digits) == expected
    assert sender_e164("0" + digits[2:]) == expected
