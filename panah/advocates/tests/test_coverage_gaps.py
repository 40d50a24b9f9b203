"""coverage_gaps on crafted rotas: weekly patterns, overnight shifts, one-off duty and days off."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from panah.advocates.routing import candidates_for
from panah.advocates.selectors import coverage_gaps
from panah.advocates.tests.factories import AdvocateFactory, ShiftFactory
from panah.testing.factories import DistrictFactory, OrganisationFactory, PlaceFactory

pytestmark = pytest.mark.django_db

KARACHI = zoneinfo.ZoneInfo("Asia/Karachi")
MONDAY = datetime.date(2026, 12, 7)  # the period is Monday 7 to Sunday 13 December 2026
SATURDAY, SUNDAY = 5, 6
MIDNIGHT, EIGHT, EIGHT_PM = datetime.time(0), datetime.time(8), datetime.time(20)


def at(day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """Return 2026-12-`day` at hour:minute, Quetta time."""
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=KARACHI)


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def quetta():
    return DistrictFactory()


@pytest.fixture
def pishin():
    return DistrictFactory(name="Pishin", name_ur="پشین")


_digests = iter(range(10**6))


def advocate(org, *covers, **fields):
    return AdvocateFactory(
        organisation=org, covers=covers, phone_digest=f"{next(_digests):064d}", **fields
    )


def weekly(org, who, weekdays, starts=MIDNIGHT, ends=MIDNIGHT, **fields):
    for weekday in weekdays:
        ShiftFactory(
            organisation=org, user=who.user, weekday=weekday, starts=starts, ends=ends, **fields
        )


def gaps(org, district, start=MONDAY, days=7):
    covers = {c.district: c for c in coverage_gaps(org.pk, start=start, days=days)}
    return [(g.starts, g.ends) for g in covers[district].gaps]


def test_a_rota_round_the_clock_has_no_gap(org, quetta):
    weekly(org, advocate(org), range(7), district=quetta)
    [cover] = coverage_gaps(org.pk, start=MONDAY)
    assert cover.district == quetta
    assert cover.gaps == () and not cover.has_gaps
    assert cover.by_day == ((),) * 7


def test_weekdays_only_leave_the_weekend_uncovered(org, quetta):
    weekly(org, advocate(org), range(5), district=quetta)
    assert gaps(org, quetta) == [(at(12), at(14))]
    [cover] = coverage_gaps(org.pk, start=MONDAY)
    assert [len(day) for day in cover.by_day] == [0, 0, 0, 0, 0, 1, 1]
    saturday = cover.by_day[SATURDAY][0]
    assert (saturday.starts, saturday.ends) == (at(12), at(13))
    assert saturday.duration == datetime.timedelta(hours=24)


def test_night_shifts_run_into_the_next_morning(org, quetta):
    day, night = advocate(org), advocate(org)
    weekly(org, day, range(7), EIGHT, EIGHT_PM, district=quetta)
    # Every night but Saturday's; Sunday's night covers Monday 00:00 to 08:00, the period's start.
    weekly(org, night, [0, 1, 2, 3, 4, SUNDAY], EIGHT_PM, EIGHT, district=quetta)
    assert gaps(org, quetta) == [(at(12, 20), at(13, 8))]


def test_a_day_off_removes_that_date_including_the_night_shift_from_the_evening_before(org, quetta):
    day, night = advocate(org), advocate(org)
    weekly(org, day, range(7), EIGHT, EIGHT_PM, district=quetta)
    weekly(org, night, range(7), EIGHT_PM, EIGHT, district=quetta)
    for who in (day, night):
        ShiftFactory(
            organisation=org, user=who.user, kind="off", weekday=None, date=MONDAY.replace(day=9)
        )
    # Tuesday night's shift stops at midnight; Wednesday night's runs on into Thursday.
    assert gaps(org, quetta) == [(at(9), at(10))]


def test_an_off_date_of_one_advocate_is_filled_by_another_on_duty(org, quetta):
    first, second = advocate(org), advocate(org)
    weekly(org, first, range(7), district=quetta)
    weekly(org, second, [2], district=quetta)
    ShiftFactory(organisation=org, user=first.user, kind="off", weekday=None, date=at(9).date())
    assert gaps(org, quetta) == []


def test_a_one_off_shift_fills_part_of_a_gap(org, quetta):
    who = advocate(org)
    weekly(org, who, range(5), district=quetta)
    ShiftFactory(
        organisation=org, user=who.user, kind="once", weekday=None, date=at(12).date(),
        starts=EIGHT, ends=EIGHT_PM, district=quetta,
    )  # fmt: skip
    assert gaps(org, quetta) == [(at(12), at(12, 8)), (at(12, 20), at(14))]


def test_valid_from_and_until_bound_a_weekly_shift(org, quetta):
    who = advocate(org)
    weekly(org, who, range(7), district=quetta, valid_until=at(10).date())
    weekly(org, who, [SUNDAY], district=quetta, valid_from=at(13).date())
    assert gaps(org, quetta) == [(at(11), at(13))]


def test_only_verified_available_active_advocates_cover(org, quetta):
    unverified = advocate(org, verified_at=None)
    switched_off = advocate(org, available=False)
    gone = advocate(org, is_active=False)
    for who in (unverified, switched_off, gone):
        weekly(org, who, range(7), district=quetta)
    assert gaps(org, quetta) == [(at(7), at(14))]


def test_a_shift_naming_one_police_station_does_not_cover_the_district(org, quetta):
    station = PlaceFactory(district=quetta)
    weekly(org, advocate(org), range(7), place=station)
    assert gaps(org, quetta) == [(at(7), at(14))]


def test_a_shift_naming_no_place_covers_the_profiles_districts(org, quetta, pishin):
    weekly(org, advocate(org, quetta, pishin), range(7))
    covers = coverage_gaps(org.pk, start=MONDAY)
    assert [c.district for c in covers] == [pishin, quetta]  # by name
    assert all(c.gaps == () for c in covers)


def test_a_shift_naming_a_district_covers_only_that_one(org, quetta, pishin):
    weekly(org, advocate(org, quetta, pishin), range(7), district=quetta)
    assert gaps(org, quetta) == []
    assert gaps(org, pishin) == [(at(7), at(14))]


def test_another_organisations_rota_neither_covers_nor_adds_districts(org, quetta, pishin):
    other = OrganisationFactory()
    weekly(other, advocate(other, pishin), range(7), district=quetta)
    weekly(org, advocate(org), range(5), district=quetta)
    covers = coverage_gaps(org.pk, start=MONDAY)
    assert [c.district for c in covers] == [quetta]
    assert gaps(org, quetta) == [(at(12), at(14))]


def test_districts_nobody_covers_are_not_listed(org, quetta):
    assert coverage_gaps(org.pk, start=MONDAY) == []


def test_minutes_count_not_only_hours(org, quetta):
    who = advocate(org)
    weekly(org, who, range(7), datetime.time(8, 30), datetime.time(8, 15), district=quetta)
    # Sunday's shift before the period covers Monday until 08:15.
    assert gaps(org, quetta) == [(at(d, 8, 15), at(d, 8, 30)) for d in range(7, 14)]


def test_the_gaps_agree_with_routing_at_every_half_hour(org, quetta):
    """The warning and the alerts read the rota the same way: an advocate can be found for
    the district exactly when the moment is not in a gap."""
    station = PlaceFactory(district=quetta)
    day, night, weekend = advocate(org), advocate(org, quetta), advocate(org)
    weekly(org, day, range(5), datetime.time(9), datetime.time(17, 30), district=quetta)
    weekly(org, night, [0, 1, 3], datetime.time(22), datetime.time(6))  # the profile's cover
    weekly(org, weekend, [SATURDAY], datetime.time(10), datetime.time(10), district=quetta)
    weekly(org, weekend, [SUNDAY], place=station)  # a station only: not the district
    ShiftFactory(organisation=org, user=day.user, kind="off", weekday=None, date=at(8).date())
    found = gaps(org, quetta)
    moment = at(7)
    while moment < at(14):
        in_gap = any(start <= moment < end for start, end in found)
        on_duty = candidates_for(
            organisation_id=org.pk, place_id=None, district_id=quetta.pk, at=moment
        )
        assert in_gap == (not on_duty), moment
        moment += datetime.timedelta(minutes=30)
