"""Normalisation of untrusted identifiers: property-based tests (SECURITY.md IN-2, in CI form)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panah.core.errors import DomainError
from panah.core.normalise import normalise_document_number, normalise_name, normalise_phone

E164 = re.compile(r"^\+(92|93)\d{8,11}$")


@pytest.mark.parametrize(
    "raw",
    ["0300 1234567", "+92 300 1234567", "0092-300-1234567", "923001234567", "(0300) 123-4567"],
)
def test_pakistani_mobile_numbers_in_any_format_normalise_alike(raw):
    assert normalise_phone(raw) == "+923001234567"


@pytest.mark.parametrize("raw", ["+93 70 123 4567", "0093701234567", "+93701234567"])
def test_afghan_numbers_normalise(raw):
    assert normalise_phone(raw) == "+93701234567"


@pytest.mark.parametrize("raw", ["", "12", "hello", "+1 202 555 0100", "0" * 41])
def test_invalid_or_foreign_numbers_are_refused(raw):
    with pytest.raises(DomainError):
        normalise_phone(raw)


@given(st.text(max_size=60))
def test_phone_normalisation_gives_e164_or_a_domain_error(raw):
    try:
        result = normalise_phone(raw)
    except DomainError:
        return
    assert E164.match(result)
    assert normalise_phone(result) == result


@given(st.text(max_size=80))
def test_name_normalisation_is_idempotent(raw):
    once = normalise_name(raw)
    assert normalise_name(once) == once


def test_name_normalisation_folds_arabic_keyboard_letters():
    # Arabic yeh/kaf (U+064A, U+0643) typed for Farsi yeh/keheh (U+06CC, U+06A9).
    assert normalise_name("\u0639\u0644\u064a \u0643\u0627\u0643\u0631") == normalise_name(
        "\u0639\u0644\u06cc \u06a9\u0627\u06a9\u0631"
    )


def test_name_normalisation_keeps_pashto_letters_distinct():
    # ې, ۍ and ئ carry grammar in Pashto (facts.md §5.2): never folded into ی.
    for letter in ("\u06d0", "\u06cd", "\u0626"):
        assert letter in normalise_name(f"ملال{letter}")


def test_name_normalisation_ignores_case_marks_and_spacing():
    assert normalise_name("  Abdul   RAHMAN ") == "abdul rahman"
    assert normalise_name("عَبدُالرَّحمن") == normalise_name("عبدالرحمن")


@given(st.text(max_size=40))
def test_document_number_normalisation_is_idempotent_and_plain(raw):
    once = normalise_document_number(raw)
    assert normalise_document_number(once) == once
    assert re.fullmatch(r"[0-9A-Z]*", once)


def test_document_numbers_in_eastern_arabic_digits_match_ascii():
    assert normalise_document_number("۱۲۳۴-۵۶۷") == normalise_document_number("1234 567")
    assert normalise_document_number("acc-12 34") == "ACC1234"
