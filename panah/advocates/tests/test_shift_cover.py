"""ShiftCover: the rota with each shift's cover spelled out, kept true by database triggers.

Every writer goes through the triggers (these tests use the ORM, bulk writes and the cover
tables directly); `cover.rebuild` must reproduce what they built, and routing over the table
must agree with the rota rules applied in Python to the shifts themselves.
"""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.db import connection
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from panah.advocates import cover, routing
from panah.advocates.models import Shift, ShiftCover
from panah.advocates.tests.factories import AdvocateFactory, ShiftFactory
from panah.testing.factories import (
    DistrictFactory,
    OrganisationFactory,
    PlaceFactory,
    UserFactory,
)

KARACHI = zoneinfo.ZoneInfo("Asia/Karachi")
pytestmark = pytest.mark.django_db


def rows(**where: object) -> set[tuple]:
    return set(
        ShiftCover.objects.filter(**where).values_list(
            "shift_id", "advocate_id", "place_id", "district_id", "kind", "weekday"
        )
    )


@pytest.fixture
def area() -> dict:
    district = DistrictFactory()
    return {
        "org": OrganisationFactory(),
        "district": district,
        "other_district": DistrictFactory(),
        "place": PlaceFactory(district=district),
        "other_place": PlaceFactory(district=district),
    }


def test_every_trigger_is_installed_by_the_migrations() -> None:
    assert cover.missing_triggers(connection) == set()
    assert cover.trigger_names(connection.vendor)


def test_a_shift_naming_a_place_or_district_covers_just_that(area: dict) -> None:
    advocate = AdvocateFactory(organisation=area["org"], covers=[area["other_district"]])
    at_place = ShiftFactory(organisation=area["org"], user=advocate.user, place=area["place"])
    in_district = ShiftFactory(
        organisation=area["org"], user=advocate.user, district=area["district"], weekday=3
    )
    assert rows() == {
        (at_place.pk, None, area["place"].pk, None, "weekly", 0),
        (in_district.pk, None, None, area["district"].pk, "weekly", 3),
    }


def test_a_shift_naming_neither_covers_the_profile_and_follows_its_changes(area: dict) -> None:
    advocate = AdvocateFactory(organisation=area["org"], covers=[area["district"], area["place"]])
    # A one-off shift on Tuesday 1 December 2026: its weekday is stored (Monday = 0).
    shift = ShiftFactory(
        organisation=area["org"],
        user=advocate.user,
        kind=Shift.Kind.ONCE,
        weekday=None,
        date=datetime.date(2026, 12, 1),
    )
    assert rows() == {
        (shift.pk, advocate.pk, area["place"].pk, None, "once", 1),
        (shift.pk, advocate.pk, None, area["district"].pk, "once", 1),
    }
    advocate.places.add(area["other_place"])
    advocate.districts.remove(area["district"])
    assert rows() == {
        (shift.pk, advocate.pk, area["place"].pk, None, "once", 1),
        (shift.pk, advocate.pk, area["other_place"].pk, None, "once", 1),
    }
    advocate.places.clear()
    assert rows() == set()


def test_removing_profile_cover_leaves_a_shift_naming_the_same_place(area: dict) -> None:
    advocate = AdvocateFactory(organisation=area["org"], covers=[area["place"]])
    named = ShiftFactory(organisation=area["org"], user=advocate.user, place=area["place"])
    ShiftFactory(organisation=area["org"], user=advocate.user, weekday=1)
    advocate.places.remove(area["place"])
    assert rows() == {(named.pk, None, area["place"].pk, None, "weekly", 0)}


def test_days_off_have_no_rows_and_changes_and_deletions_follow(area: dict) -> None:
    advocate = AdvocateFactory(organisation=area["org"], covers=[area["district"]])
    ShiftFactory(
        organisation=area["org"],
        user=advocate.user,
        kind=Shift.Kind.OFF,
        weekday=None,
        date=datetime.date(2026, 12, 2),
    )
    assert rows() == set()
    shift = ShiftFactory(organisation=area["org"], user=advocate.user, place=area["place"])
    Shift.objects.filter(pk=shift.pk).update(place=None, weekday=4)  # a bulk UPDATE
    assert rows() == {(shift.pk, advocate.pk, None, area["district"].pk, "weekly", 4)}
    shift.delete()
    assert rows() == set()


def test_shifts_made_before_the_profile_are_covered_once_it_exists(area: dict) -> None:
    user = UserFactory()
    shift = ShiftFactory(organisation=area["org"], user=user)
    assert rows() == set()
    advocate = AdvocateFactory(organisation=area["org"], user=user, covers=[area["district"]])
    assert rows() == {(shift.pk, advocate.pk, None, area["district"].pk, "weekly", 0)}
    advocate.delete()
    assert rows() == set()


def test_rebuild_reproduces_what_the_triggers_built(area: dict) -> None:
    for n in range(3):
        advocate = AdvocateFactory(
            organisation=area["org"], covers=[area["district"], area["place"]]
        )
        ShiftFactory(organisation=area["org"], user=advocate.user, weekday=n)
        ShiftFactory(organisation=area["org"], user=advocate.user, place=area["other_place"])
    built = rows()
    assert len(built) == 9
    ShiftCover.objects.all().delete()
    assert cover.rebuild(connection) == 9
    assert rows() == built


# --- routing over ShiftCover agrees with the rota rules over the shifts ----------------------

DAYS = [datetime.date(2026, 12, 1) + datetime.timedelta(days=n) for n in range(3)]
HOURS = [datetime.time(h) for h in (0, 6, 8, 12, 18, 20, 22)]
COVERS = ["profile", "profile", "place", "other_place", "district", "other_district"]
shift_rows = st.lists(
    st.tuples(
        st.integers(0, 2),  # which advocate
        st.sampled_from(["weekly", "weekly", "once", "off"]),
        st.sampled_from(DAYS),  # the date, or the weekday of that date for a weekly shift
        st.sampled_from(HOURS),
        st.sampled_from(HOURS),
        st.one_of(st.none(), st.none(), st.sampled_from(DAYS)),
        st.one_of(st.none(), st.none(), st.sampled_from(DAYS)),
        st.sampled_from(COVERS),
    ),
    min_size=1,
    max_size=8,
)
profiles = st.lists(
    st.sets(st.sampled_from(["place", "other_place", "district", "other_district"])),
    min_size=3,
    max_size=3,
)
moments = st.builds(
    lambda day, time, second: (
        datetime.datetime.combine(day, time, tzinfo=KARACHI) + datetime.timedelta(seconds=second)
    ),
    st.sampled_from(DAYS[1:]),
    st.sampled_from(HOURS),
    st.sampled_from([0, 1, 3600, -1]),
)


@pytest.fixture
def trio(area: dict) -> dict:
    area["advocates"] = [AdvocateFactory(organisation=area["org"]) for _ in range(3)]
    return area


def _expected(area: dict, moment: datetime.datetime) -> set[int]:
    """The advocates on duty at `moment` who cover area["place"], by the Python rota rules."""
    by_user = {a.user_id: a for a in area["advocates"]}
    running = routing._duty_by_user(
        Shift.objects.filter(organisation=area["org"]).values_list(*routing._SHIFT_COLUMNS),
        moment,
    )
    place, district = area["place"], area["district"]
    found = set()
    for user_id, shifts in running.items():
        advocate = by_user[user_id]
        for *_rota, place_id, district_id in shifts:
            if place_id is None and district_id is None:
                covered = advocate.places.filter(pk=place.pk).exists() or (
                    advocate.districts.filter(pk=district.pk).exists()
                )
            else:
                covered = place_id == place.pk or district_id == district.pk
            if covered:
                found.add(advocate.pk)
    return found


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shifts=shift_rows, cover_of=profiles, moment=moments)
def test_routing_over_shift_cover_agrees_with_the_rota_rules(
    trio: dict, shifts: list, cover_of: list, moment: datetime.datetime
) -> None:
    Shift.objects.filter(organisation=trio["org"]).delete()
    things = {key: trio[key] for key in ("place", "other_place", "district", "other_district")}
    for advocate, names in zip(trio["advocates"], cover_of, strict=True):
        advocate.places.set([things[n] for n in names if "place" in n])
        advocate.districts.set([things[n] for n in names if "district" in n])
    Shift.objects.bulk_create(
        Shift(
            organisation=trio["org"],
            user=trio["advocates"][who].user,
            kind=kind,
            weekday=day.weekday() if kind == "weekly" else None,
            date=None if kind == "weekly" else day,
            starts=starts,
            ends=ends,
            valid_from=valid_from,
            valid_until=valid_until,
            place=things[where] if "place" in where else None,
            district=things[where] if "district" in where else None,
        )
        for who, kind, day, starts, ends, valid_from, valid_until, where in shifts
    )
    found = {
        c.advocate_id
        for c in routing.candidates_for(
            organisation_id=trio["org"].pk,
            place_id=trio["place"].pk,
            district_id=trio["district"].pk,
            at=moment,
        )
    }
    event(f"advocates found: {len(found)}")
    assert found == _expected(trio, moment)


def test_a_missing_trigger_fails_the_check_and_the_command_repairs_it(area: dict) -> None:
    from django.core.management import call_command

    from panah.advocates.checks import shift_cover_triggers

    advocate = AdvocateFactory(organisation=area["org"], covers=[area["district"]])
    ShiftFactory(organisation=area["org"], user=advocate.user)
    cover.uninstall(connection)
    ShiftFactory(organisation=area["org"], user=advocate.user, weekday=2)  # not seen
    assert [e.id for e in shift_cover_triggers(None, databases=["default"])] == ["panah.E010"]
    assert ShiftCover.objects.count() == 1
    call_command("advocates", "rebuild-cover", stdout=io.StringIO())
    assert shift_cover_triggers(None, databases=["default"]) == []
    assert ShiftCover.objects.count() == 2
