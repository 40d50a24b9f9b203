"""The 24-hour custody clock (Constitution Art. 10(2), CrPC s. 61)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panah.cases.clock import PRODUCTION_LIMIT, custody_clock

ARREST = datetime.datetime(2025, 9, 1, 8, 0, tzinfo=datetime.UTC)


def test_one_hour_after_arrest_uses_four_percent():
    clock = custody_clock(ARREST, ARREST + datetime.timedelta(hours=1))
    assert clock.percent_elapsed == 4
    assert clock.remaining == datetime.timedelta(hours=23)
    assert not clock.overdue
    assert clock.deadline == ARREST + PRODUCTION_LIMIT


def test_after_twenty_four_hours_production_is_overdue():
    clock = custody_clock(ARREST, ARREST + datetime.timedelta(hours=24, minutes=1))
    assert clock.overdue and clock.percent_elapsed == 100
    assert clock.remaining == datetime.timedelta(0)


def test_production_stops_the_clock():
    produced = ARREST + datetime.timedelta(hours=10)
    clock = custody_clock(ARREST, ARREST + datetime.timedelta(days=3), produced_at=produced)
    assert clock.produced and not clock.overdue
    assert clock.elapsed == datetime.timedelta(hours=10)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        custody_clock(ARREST.replace(tzinfo=None), ARREST)


@given(st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=30)))
def test_percent_is_monotonic_and_bounded(delta):
    now = ARREST + delta
    clock = custody_clock(ARREST, now)
    later = custody_clock(ARREST, now + datetime.timedelta(minutes=30))
    assert 0 <= clock.percent_elapsed <= later.percent_elapsed <= 100
    assert clock.overdue == (delta > PRODUCTION_LIMIT)
