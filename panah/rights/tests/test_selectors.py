"""The self-service line's hook: a published summary, with the number, in two segments."""

from __future__ import annotations

import pytest

from panah.rights.content import sms_segments
from panah.rights.selectors import sms_summary
from panah.rights.services import library_load
from panah.rights.tests.factories import article_file, published

pytestmark = pytest.mark.django_db


def test_the_summary_of_a_published_article_carries_the_number_and_fits_two_segments(
    personas, actor_of, settings
):
    settings.PANAH_HELPLINE_NUMBER = "+92 81 1234567"
    published(actor_of(personas["a"]["advocate"]), actor_of(personas["a"]["coordinator"]))
    for language in ("en", "ur", "ps", "fa"):
        text = sms_summary(language, "arrest-24-hours")
        assert text is not None
        assert "+92 81 1234567" in text and "{helpline}" not in text
        assert sms_segments(text) <= 2


def test_no_summary_for_a_draft_or_an_unknown_article():
    library_load([article_file()])
    assert sms_summary("en", "arrest-24-hours") is None
    assert sms_summary("en", "no-such-article") is None
