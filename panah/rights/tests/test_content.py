"""The content files' format, and every shipped article against it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panah.rights.content import (
    LANGUAGES,
    TOPICS,
    ContentError,
    load_articles,
    parse_article,
    sms_segments,
    summary_fits,
)
from panah.rights.tests.factories import article_data

PHONE_LIKE = re.compile(r"(?:\+|\b0)[\d٠-٩۰-۹][\d٠-٩۰-۹ -]{6,}[\d٠-٩۰-۹]")


def test_a_valid_article_parses_with_all_four_languages():
    article = parse_article(article_data(), slug="arrest-24-hours")
    assert set(article.texts) == set(LANGUAGES)
    assert article.sources[0].cite.startswith("Code of Criminal Procedure")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d.update(slug="other"), "'slug' must equal the file name"),
        (lambda d: d.update(topic="weather"), "'topic' must be one of"),
        (lambda d: d.update(confidence="sure"), "'confidence' must be one of"),
        (lambda d: d.update(sources=[]), "at least one source"),
        (lambda d: d["sources"][0].update(url="http://x.example"), "https://"),
        (lambda d: d["translations"].pop("fa"), "exactly en, ur, ps, fa"),
        (lambda d: d["translations"]["ps"].update(title=""), "[ps] title: must be non-empty"),
        (lambda d: d["translations"]["ur"].update(title="ا" * 61), "at most 60"),
        (lambda d: d["translations"]["ur"].update(summary="ب" * 135), "two SMS segments"),
        (lambda d: d["translations"]["en"].update(caution="Maybe."), "'caution' is needed"),
        (lambda d: d.update(confidence="likely"), "'caution' is needed"),
    ],
)
def test_a_broken_article_is_refused_with_the_field_named(change, complaint):
    data = article_data()
    change(data)
    with pytest.raises(ContentError, match=complaint.replace("[", r"\[").replace("(", r"\(")):
        parse_article(data, slug="arrest-24-hours")


def test_sms_segments_follow_gsm7_and_ucs2_limits():
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("€" * 80) == 1  # extended characters count twice: 160 septets
    assert sms_segments("پ" * 70) == 1
    assert sms_segments("پ" * 71) == 2
    assert sms_segments("پ" * 134) == 2
    assert sms_segments("پ" * 135) == 3


@given(st.text(max_size=400))
def test_summary_fits_never_crashes_and_agrees_with_segments(text):
    if "{helpline}" not in text:
        assert summary_fits(text) == (sms_segments(text) <= 2)


def test_the_helpline_placeholder_is_counted_at_full_length():
    # 118 letters + a 16-character number = 134: exactly two Unicode segments.
    assert summary_fits("ب" * 118 + "{helpline}")
    assert not summary_fits("ب" * 119 + "{helpline}")


def test_every_shipped_article_is_valid_and_the_library_covers_every_topic():
    articles = load_articles()
    assert len(articles) >= 15
    assert {a.topic for a in articles} == set(TOPICS)
    for article in articles:
        for language, text in article.texts.items():
            assert summary_fits(text.summary), (article.slug, language)
            # Phone numbers only through {helpline}: facts.md's published numbers are stale,
            # and a number typed into an article would go out of date unseen.
            for field in (text.title, text.summary, text.body, text.caution):
                assert not PHONE_LIKE.search(field), (article.slug, language, field)
