"""Normalisation of untrusted identifiers: examples and property-based tests (SECURITY.md IN-2).

Phone and document numbers and names arrive typed on Pakistani, Afghan and Latin keyboards,
in ASCII or Eastern Arabic digits; the normalised form is what blind indexes are built on, so
two spellings of the same value must normalise alike, and normalising twice changes nothing.
"""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from panah.core.errors import DomainError
from panah.core.normalise import (
    looks_like_phone,
    name_tokens,
    normalise_document_number,
    normalise_name,
    normalise_phone,
)

E164 = re.compile(r"^\+(92|93)\d{8,11}$")
ASCII_DIGITS = "0123456789"
ARABIC_INDIC = "".join(chr(0x0660 + i) for i in range(10))  # ٠١٢…
EXTENDED_ARABIC_INDIC = "".join(chr(0x06F0 + i) for i in range(10))  # ۰۱۲… (Urdu, Pashto, Dari)
TO_ARABIC_INDIC = str.maketrans(ASCII_DIGITS, ARABIC_INDIC)
TO_EXTENDED = str.maketrans(ASCII_DIGITS, EXTENDED_ARABIC_INDIC)

# --- Phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "0300 1234567",
        "+92 300 1234567",
        "0092-300-1234567",
        "923001234567",
        "(0300) 123-4567",
        "۰۳۰۰۱۲۳۴۵۶۷",
        "٠٣٠٠ ١٢٣٤٥٦٧",
    ],
)
def test_pakistani_mobile_numbers_in_any_format_normalise_alike(raw):
    assert normalise_phone(raw) == "+923001234567"


@pytest.mark.parametrize("raw", ["+93 70 123 4567", "0093701234567", "+93701234567"])
def test_afghan_numbers_normalise(raw):
    assert normalise_phone(raw) == "+93701234567"


@pytest.mark.parametrize(
    "raw", ["", "   ", "12", "hello", "+1 202 555 0100", "+44 20 7946 0958", "0" * 41, None]
)
def test_invalid_or_foreign_numbers_are_refused_with_a_domain_error(raw):
    with pytest.raises(DomainError) as error:
        normalise_phone(raw)
    assert error.value.code == "phone"


def _check_phone_result(raw: str) -> None:
    try:
        result = normalise_phone(raw)
    except DomainError:
        return  # the only exception allowed: anything else fails the test
    assert E164.match(result), (raw, result)
    assert result.startswith(("+92", "+93"))
    assert normalise_phone(result) == result


@given(st.text(max_size=60))
@example("+")
@example("00")
@example("+\x00")
@example("٠" * 40)
def test_any_text_gives_e164_or_a_domain_error(raw):
    _check_phone_result(raw)


# Text that looks like phone numbers, so that the valid branch is exercised often.
PHONE_LIKE = st.text(
    alphabet=ASCII_DIGITS + ARABIC_INDIC + EXTENDED_ARABIC_INDIC + "+ -().", max_size=24
)


@given(PHONE_LIKE)
def test_phone_like_text_gives_e164_or_a_domain_error(raw):
    _check_phone_result(raw)


@given(st.sampled_from(["0092", "+92", "0"]), st.integers(300, 349), st.integers(0, 9_999_999))
def test_generated_numbers_normalise_to_e164_and_are_idempotent(prefix, operator, subscriber):
    raw = f"{prefix}{operator}{subscriber:07d}"
    _check_phone_result(raw)


NATIONAL_PK_MOBILE = st.builds(
    lambda operator, subscriber: f"{operator}{subscriber:07d}",
    st.integers(300, 349),
    st.integers(0, 9_999_999),
)


def _is_valid_pk(national: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse("+92" + national))


def _spaced(digits: str, separator: str) -> str:
    return separator.join(digits[i : i + 3] for i in range(0, len(digits), 3))


@given(NATIONAL_PK_MOBILE, st.sampled_from(["", " ", "-"]))
def test_one_number_written_in_every_format_normalises_alike(national, separator):
    assume(_is_valid_pk(national))
    expected = f"+92{national}"
    spellings = [
        "0" + national,
        "+92" + national,
        "0092" + national,
        "+92 " + _spaced(national, separator),
        "0" + _spaced(national, separator),
        ("0" + national).translate(TO_EXTENDED),
        ("0" + national).translate(TO_ARABIC_INDIC),
    ]
    assert {normalise_phone(s) for s in spellings} == {expected}


@given(st.text(max_size=30))
def test_looks_like_phone_never_raises(text):
    assert looks_like_phone(text) in {True, False}


# --- Names -------------------------------------------------------------------------------------

ARABIC_YEH, FARSI_YEH = "\u064a", "\u06cc"
ARABIC_KAF, KEHEH = "\u0643", "\u06a9"
PASHTO_LETTERS = "\u06d0\u06cd\u0626"  # ې ۍ ئ
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640"  # and tatweel
# Letters of Urdu, Pashto and Dari as typed on Persian/Urdu keyboards (no Arabic yeh/kaf).
PERSIAN_KEYBOARD = "ابپتټثجچحخځڅدډذرړزژښسشصضطظعغفقکګلمنڼوهیېۍئےۀ" + " "
NAME_TEXT = st.text(
    alphabet=PERSIAN_KEYBOARD + ARABIC_YEH + ARABIC_KAF + HARAKAT + "ةۂۃأإآ" + "Abc-.' \t",
    max_size=40,
)


@given(st.text(max_size=80))
def test_name_normalisation_is_idempotent(raw):
    once = normalise_name(raw)
    assert normalise_name(once) == once


@given(NAME_TEXT)
def test_arabic_script_name_normalisation_is_idempotent(raw):
    once = normalise_name(raw)
    assert normalise_name(once) == once


@given(NAME_TEXT)
def test_normalised_names_hold_no_arabic_keyboard_letters_marks_or_extra_spaces(raw):
    result = normalise_name(raw)
    assert not set(result) & set(ARABIC_YEH + ARABIC_KAF + HARAKAT)
    assert result == " ".join(result.split())


@given(st.text(alphabet=PERSIAN_KEYBOARD, max_size=40))
def test_arabic_and_persian_keyboards_give_the_same_name(raw):
    typed_on_arabic_keyboard = raw.replace(FARSI_YEH, ARABIC_YEH).replace(KEHEH, ARABIC_KAF)
    assert normalise_name(typed_on_arabic_keyboard) == normalise_name(raw)


@given(st.text(alphabet=PERSIAN_KEYBOARD, max_size=40))
def test_pashto_letters_survive_normalisation(raw):
    # ې, ۍ and ئ carry grammar in Pashto (facts.md §5.2): never folded into ی.
    result = normalise_name(raw)
    for letter in PASHTO_LETTERS:
        assert result.count(letter) == raw.count(letter)


def test_name_normalisation_folds_arabic_keyboard_letters():
    # Arabic yeh/kaf (U+064A, U+0643) typed for Farsi yeh/keheh (U+06CC, U+06A9).
    assert normalise_name("\u0639\u0644\u064a \u0643\u0627\u0643\u0631") == normalise_name(
        "\u0639\u0644\u06cc \u06a9\u0627\u06a9\u0631"
    )


def test_name_normalisation_keeps_pashto_letters_distinct():
    for letter in PASHTO_LETTERS:
        assert letter in normalise_name(f"ملال{letter}")
        assert normalise_name(f"ملال{letter}") != normalise_name("ملالی")


def test_name_normalisation_ignores_case_marks_and_spacing():
    assert normalise_name("  Abdul   RAHMAN ") == "abdul rahman"
    assert normalise_name("عَبدُالرَّحمن") == normalise_name("عبدالرحمن")
    assert normalise_name("Gul-Bibi") == "gul bibi"


@given(st.lists(NAME_TEXT, max_size=4))
def test_name_tokens_are_distinct_and_normalised(parts):
    tokens = name_tokens(*parts)
    assert len(tokens) == len(set(tokens))
    assert all(token and normalise_name(token) == token and " " not in token for token in tokens)


# --- Document numbers --------------------------------------------------------------------------


@given(st.text(max_size=40))
def test_document_number_normalisation_is_idempotent_and_plain(raw):
    once = normalise_document_number(raw)
    assert normalise_document_number(once) == once
    assert re.fullmatch(r"[0-9A-Z]*", once)


DOCUMENT_TEXT = st.text(alphabet=ASCII_DIGITS + "ABCPORacporz -/", max_size=30)


@given(DOCUMENT_TEXT)
def test_eastern_arabic_digits_in_document_numbers_become_ascii(raw):
    expected = normalise_document_number(raw)
    assert normalise_document_number(raw.translate(TO_EXTENDED)) == expected
    assert normalise_document_number(raw.translate(TO_ARABIC_INDIC)) == expected


@given(DOCUMENT_TEXT)
def test_spaces_dashes_and_case_do_not_change_a_document_number(raw):
    assert normalise_document_number(raw) == normalise_document_number(
        raw.replace(" ", "").replace("-", "").replace("/", "").upper()
    )


def test_document_numbers_in_eastern_arabic_digits_match_ascii():
    assert normalise_document_number("۱۲۳۴-۵۶۷") == normalise_document_number("1234 567")
    assert normalise_document_number("١٢٣٤ ٥٦٧") == "1234567"
    assert normalise_document_number("acc-12 34") == "ACC1234"
