"""Routing: ranks on crafted candidates, the rota rules, and properties of `rank`."""

from __future__ import annotations

import dataclasses
import datetime
import math
import zoneinfo

import pytest
from django.utils import translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from panah.advocates import routing
from panah.advocates.labels import LABELS, explain
from panah.advocates.models import Shift
from panah.advocates.routing import Candidate, Reason, candidates_for, on_duty_now, rank, route
from panah.advocates.tests.factories import AdvocateFactory, ShiftFactory
from panah.cases.models import Case
from panah.testing.factories import DistrictFactory, PlaceFactory
from panah.testing.records import arrest_case_make, person_make

KARACHI = zoneinfo.ZoneInfo("Asia/Karachi")
WEDNESDAY = 2
# Wednesday 2 December 2026, noon in Quetta (07:00 UTC).
AT = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=KARACHI)
NINE, FIVE, EIGHT_PM, EIGHT_AM = (datetime.time(h) for h in (9, 17, 20, 8))


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """Return 2026-12-`day` at hour:minute in Quetta (the 2nd is a Wednesday)."""
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=KARACHI)


def candidate(advocate_id: int, **fields: object) -> Candidate:
    values: dict[str, object] = {
        "advocate_id": advocate_id,
        "user_id": 100 + advocate_id,
        "name": f"Advocate {advocate_id}",
        "languages": frozenset(),
        "covers_place": False,
        "covers_district": True,
        "open_cases": 0,
        "latitude": None,
        "longitude": None,
        "acceptance_rate": None,
    }
    values.update(fields)
    return Candidate(**values)  # type: ignore[arg-type]


def order(ranked: list[routing.Ranked]) -> list[int]:
    return [r.candidate.advocate_id for r in ranked]


def ranked_ids(
    candidates: list[Candidate], *, language: str | None = "ps", **where: float
) -> list[int]:
    return order(
        rank(
            candidates,
            latitude=where.get("latitude"),
            longitude=where.get("longitude"),
            language=language,
        )
    )


# --- rank on crafted candidates -------------------------------------------------------------


def test_speaking_the_persons_language_wins_when_all_else_is_equal() -> None:
    candidates = [candidate(1, languages=frozenset({"ur"})), candidate(2, languages={"ps", "ur"})]
    assert ranked_ids(candidates, language="ps") == [2, 1]


def test_without_a_known_language_nobody_gets_language_points() -> None:
    ranked = rank(
        [candidate(1, languages=frozenset({"ps"}))], latitude=None, longitude=None, language=None
    )
    assert "speaks_language" not in {reason.code for reason in ranked[0].reasons}


def test_covering_the_exact_place_beats_covering_only_the_district() -> None:
    candidates = [candidate(1), candidate(2, covers_place=True, covers_district=False)]
    assert ranked_ids(candidates) == [2, 1]


def test_fewer_open_cases_win_when_all_else_is_equal() -> None:
    assert ranked_ids([candidate(1, open_cases=4), candidate(2, open_cases=1)]) == [2, 1]


def test_the_nearer_advocate_wins_when_all_else_is_equal() -> None:
    # The place: Brewery Police Station, Quetta. Advocate 1 is in Pishin, 2 in Quetta.
    far = candidate(1, latitude=30.58, longitude=66.99)
    near = candidate(2, latitude=30.19, longitude=67.01)
    assert ranked_ids([far, near], latitude=30.20, longitude=67.00) == [2, 1]


def test_a_higher_acceptance_rate_wins_when_all_else_is_equal() -> None:
    assert ranked_ids([candidate(1, acceptance_rate=0.2), candidate(2, acceptance_rate=0.9)]) == [
        2,
        1,
    ]


def test_a_new_advocate_counts_as_accepting_half_of_the_alerts() -> None:
    ranked = rank(
        [candidate(1, acceptance_rate=0.4), candidate(2), candidate(3, acceptance_rate=0.6)],
        latitude=None,
        longitude=None,
        language=None,
    )
    assert order(ranked) == [3, 2, 1]
    assert ranked[1].reasons[-1] == Reason("no_history", None, 5.0)


def test_language_outweighs_place_over_district_but_not_the_whole_cover_difference() -> None:
    # A Pashto speaker covering the district beats a non-speaker who covers the station itself.
    speaker = candidate(1, languages=frozenset({"ps"}))
    regular = candidate(2, covers_place=True, covers_district=True)
    assert ranked_ids([regular, speaker], language="ps") == [1, 2]


def test_advocates_covering_neither_place_nor_district_are_dropped() -> None:
    candidates = [candidate(1, covers_district=False), candidate(2)]
    assert ranked_ids(candidates) == [2]


def test_equal_scores_are_ordered_by_advocate_id() -> None:
    candidates = [candidate(9), candidate(3), candidate(5)]
    ranked = rank(candidates, latitude=None, longitude=None, language="ps")
    assert order(ranked) == [3, 5, 9]
    assert len({r.score for r in ranked}) == 1


def test_the_score_is_the_sum_of_the_points_of_the_reasons() -> None:
    ranked = rank(
        [
            candidate(
                1,
                covers_place=True,
                languages=frozenset({"fa"}),
                open_cases=3,
                latitude=30.25,
                longitude=67.05,
                acceptance_rate=0.75,
            )
        ],
        latitude=30.20,
        longitude=67.00,
        language="fa",
    )[0]
    codes = [reason.code for reason in ranked.reasons]
    assert codes == [
        "covers_place",
        "speaks_language",
        "open_cases",
        "distance_km",
        "acceptance_rate",
    ]
    assert ranked.score == pytest.approx(sum(reason.points for reason in ranked.reasons))
    assert ranked.reasons[2] == Reason("open_cases", 3, -4.5)
    assert ranked.reasons[4] == Reason("acceptance_rate", 0.75, 7.5)


def test_distance_is_the_great_circle_times_the_road_factor() -> None:
    # One degree of latitude along a meridian is 111.2 km on the mean-radius sphere.
    assert routing.great_circle_km(30.0, 66.0, 31.0, 66.0) == pytest.approx(111.195, abs=0.01)
    ranked = rank(
        [candidate(1, latitude=31.0, longitude=66.0)], latitude=30.0, longitude=66.0, language=None
    )
    distance = next(reason for reason in ranked[0].reasons if reason.code == "distance_km")
    assert distance.value == pytest.approx(111.2 * routing.ROAD_FACTOR, abs=0.1)
    assert distance.points == pytest.approx(routing.KM_POINTS * distance.value, abs=0.01)


def test_distance_penalty_stops_at_the_cap() -> None:
    # Quetta to Karachi: about 690 km by road estimate, counted as 200.
    ranked = rank(
        [candidate(1, latitude=24.86, longitude=67.01)],
        latitude=30.2,
        longitude=67.0,
        language=None,
    )
    distance = next(reason for reason in ranked[0].reasons if reason.code == "distance_km")
    assert distance.value > routing.DISTANCE_CAP_KM
    assert distance.points == routing.KM_POINTS * routing.DISTANCE_CAP_KM


def test_an_advocate_without_a_base_is_assumed_a_typical_trip_away() -> None:
    near = candidate(1, latitude=30.21, longitude=67.0)
    unknown = candidate(2)
    far = candidate(3, latitude=31.5, longitude=67.0)
    ranked = rank([far, unknown, near], latitude=30.2, longitude=67.0, language=None)
    assert order(ranked) == [1, 2, 3]
    assert Reason("distance_unknown", None, -10.0) in ranked[1].reasons


def test_when_the_place_is_not_on_the_map_distance_plays_no_part() -> None:
    ranked = rank(
        [candidate(1, latitude=31.0, longitude=66.0), candidate(2)],
        latitude=None,
        longitude=None,
        language=None,
    )
    assert order(ranked) == [1, 2]
    assert ranked[0].score == ranked[1].score
    assert not {r.code for r in ranked[0].reasons} & {"distance_km", "distance_unknown"}


# --- properties of rank -----------------------------------------------------------------------

LANGUAGES = ["ps", "fa", "ur", "en", "bal"]
any_float = st.floats(allow_nan=True, allow_infinity=True)
candidates_strategy = st.lists(
    st.builds(
        Candidate,
        advocate_id=st.integers(1, 10**9),
        user_id=st.integers(1, 10**9),
        name=st.text(max_size=8),
        languages=st.frozensets(st.sampled_from(LANGUAGES)),
        covers_place=st.booleans(),
        covers_district=st.booleans(),
        open_cases=st.integers(-3, 10**7),
        latitude=st.one_of(st.none(), st.floats(-90, 90), any_float),
        longitude=st.one_of(st.none(), st.floats(-180, 180), any_float),
        acceptance_rate=st.one_of(st.none(), st.floats(0, 1), any_float),
    ),
    unique_by=lambda c: c.advocate_id,
    max_size=25,
)
places = st.tuples(
    st.one_of(st.none(), st.floats(-90, 90), any_float),
    st.one_of(st.none(), st.floats(-180, 180), any_float),
)
languages = st.one_of(st.none(), st.sampled_from(LANGUAGES), st.text(max_size=3))


@given(candidates_strategy, places, languages)
def test_rank_returns_the_eligible_candidates_in_a_total_order(
    candidates: list[Candidate], place: tuple[float | None, float | None], language: str | None
) -> None:
    ranked = rank(candidates, latitude=place[0], longitude=place[1], language=language)
    eligible = [c for c in candidates if c.covers_place or c.covers_district]
    assert sorted(order(ranked)) == sorted(c.advocate_id for c in eligible)
    assert all(math.isfinite(r.score) for r in ranked)
    keys = [(-r.score, r.candidate.advocate_id) for r in ranked]
    assert keys == sorted(keys)


@given(candidates_strategy, places, languages, st.randoms(use_true_random=False))
def test_rank_does_not_depend_on_the_input_order(
    candidates: list[Candidate],
    place: tuple[float | None, float | None],
    language: str | None,
    random: object,
) -> None:
    shuffled = list(candidates)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    where = {"latitude": place[0], "longitude": place[1], "language": language}
    assert rank(shuffled, **where) == rank(candidates, **where)  # type: ignore[arg-type]


@given(candidates_strategy, places, st.sampled_from(LANGUAGES), st.data())
def test_speaking_the_language_never_moves_a_candidate_down(
    candidates: list[Candidate],
    place: tuple[float | None, float | None],
    language: str,
    data: st.DataObject,
) -> None:
    if not candidates:
        return
    index = data.draw(st.integers(0, len(candidates) - 1))
    chosen = candidates[index]
    speaker = dataclasses.replace(chosen, languages=chosen.languages | {language})
    with_speaker = [*candidates[:index], speaker, *candidates[index + 1 :]]

    def ahead_of_chosen(pool: list[Candidate]) -> set[int] | None:
        ids = order(rank(pool, latitude=place[0], longitude=place[1], language=language))
        if chosen.advocate_id not in ids:
            return None
        return set(ids[: ids.index(chosen.advocate_id)])

    before, after = ahead_of_chosen(candidates), ahead_of_chosen(with_speaker)
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert after <= before


# --- the rota and the database ---------------------------------------------------------------


@pytest.fixture
def world(personas: dict) -> dict:
    quetta = DistrictFactory(name="Quetta")
    pishin = DistrictFactory(name="Pishin", name_ur="پشین")
    return {
        "org": personas["a"]["org"],
        "other_org": personas["b"]["org"],
        "quetta": quetta,
        "pishin": pishin,
        "brewery": PlaceFactory(
            district=quetta, name="Brewery Police Station", latitude=30.2, longitude=67.0
        ),
        "city": PlaceFactory(district=quetta, name="City Police Station"),
        "pishin_ps": PlaceFactory(district=pishin, name="Pishin Saddar Police Station"),
        "personas": personas,
    }


def advocate(
    world: dict, *, covers: tuple = ("quetta",), shifts: tuple[dict, ...] = ({},), **fields: object
):
    """Make an advocate of organisation A covering Quetta, on duty Wednesdays 09:00–17:00."""
    fields.setdefault("organisation", world["org"])
    made = AdvocateFactory(covers=[world[name] for name in covers], **fields)
    for shift in shifts:
        values = {"weekday": WEDNESDAY, "starts": NINE, "ends": FIVE, **shift}
        if values.get("kind", "weekly") != "weekly":
            values["weekday"] = None
        ShiftFactory(organisation=made.organisation, user=made.user, **values)
    return made


def found(
    world: dict, *, when: datetime.datetime = AT, place: str = "brewery", **kwargs: object
) -> dict[int, Candidate]:
    where = world[place]
    return {
        c.advocate_id: c
        for c in candidates_for(
            organisation_id=world["org"].pk,
            place_id=where.pk,
            district_id=where.district_id,
            at=when,
            **kwargs,  # type: ignore[arg-type]
        )
    }


@pytest.mark.django_db
def test_an_advocate_on_duty_who_covers_the_district_is_a_candidate(world: dict) -> None:
    made = advocate(world, languages=["ps", "ur"], base_latitude=30.21, base_longitude=67.02)
    (found_one,) = found(world).values()
    assert found_one == Candidate(
        advocate_id=made.pk,
        user_id=made.user_id,
        name=made.user.get_full_name() or made.user.username,
        languages=frozenset({"ps", "ur"}),
        covers_place=False,
        covers_district=True,
        open_cases=0,
        latitude=30.21,
        longitude=67.02,
        acceptance_rate=None,
    )


@pytest.mark.django_db
def test_coordinates_come_back_exactly_as_the_model_reads_them(world: dict) -> None:
    # SQLite keeps decimals as binary floats: 68.164161 came back as 68.16416100000001.
    made = advocate(world, base_latitude="25.806758", base_longitude="68.164161")
    assert (found(world)[made.pk].latitude, found(world)[made.pk].longitude) == (
        25.806758,
        68.164161,
    )


@pytest.mark.django_db
def test_the_profile_naming_the_place_covers_the_place(world: dict) -> None:
    made = advocate(world, covers=("brewery",))
    assert found(world)[made.pk].covers_place
    assert not found(world)[made.pk].covers_district
    assert found(world, place="city") == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"available": False},
        {"verified_at": None},
        {"is_active": False},
    ],
    ids=["unavailable", "unverified", "inactive"],
)
def test_advocates_who_cannot_be_alerted_are_not_candidates(world: dict, fields: dict) -> None:
    advocate(world, **fields)
    assert found(world) == {}


@pytest.mark.django_db
def test_advocates_of_another_organisation_are_not_candidates(world: dict) -> None:
    advocate(world, organisation=world["other_org"])
    assert found(world) == {}


@pytest.mark.django_db
def test_a_shift_in_another_organisation_does_not_put_an_advocate_on_duty(world: dict) -> None:
    made = advocate(world, shifts=())
    ShiftFactory(organisation=world["other_org"], user=made.user, weekday=WEDNESDAY)
    assert found(world) == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "when",
    [at(2, 8, 59), at(2, 17, 0), at(3, 12, 0), at(1, 12, 0)],
    ids=["before-start", "at-the-end", "next-day", "day-before"],
)
def test_advocates_off_duty_are_not_candidates(world: dict, when: datetime.datetime) -> None:
    advocate(world)
    assert found(world, when=when) == {}


@pytest.mark.django_db
def test_duty_is_judged_in_quetta_time_whatever_zone_at_is_given_in(world: dict) -> None:
    advocate(world)
    in_utc = datetime.datetime(2026, 12, 2, 4, 0, tzinfo=datetime.UTC)  # 09:00 in Quetta
    assert len(found(world, when=in_utc)) == 1
    assert found(world, when=in_utc - datetime.timedelta(seconds=1)) == {}


@pytest.mark.django_db
def test_a_naive_time_is_refused(world: dict) -> None:
    with pytest.raises(ValueError, match="aware"):
        found(world, when=datetime.datetime(2026, 12, 2, 12, 0))  # noqa: DTZ001


@pytest.mark.django_db
def test_a_shift_naming_another_district_does_not_cover_through_the_profile(world: dict) -> None:
    advocate(world, covers=("quetta",), shifts=({"district": world["pishin"]},))
    assert found(world) == {}
    assert len(found(world, place="pishin_ps")) == 1


@pytest.mark.django_db
def test_a_shift_naming_the_place_covers_it_without_profile_cover(world: dict) -> None:
    made = advocate(world, covers=(), shifts=({"place": world["brewery"]},))
    assert found(world)[made.pk].covers_place
    assert found(world, place="city") == {}


@pytest.mark.django_db
def test_a_shift_naming_the_district_covers_it_without_profile_cover(world: dict) -> None:
    made = advocate(world, covers=(), shifts=({"district": world["quetta"]},))
    assert found(world)[made.pk].covers_district
    assert found(world, place="city")[made.pk].covers_district


@pytest.mark.django_db
def test_a_weekly_night_shift_runs_into_the_next_morning(world: dict) -> None:
    advocate(world, shifts=({"starts": EIGHT_PM, "ends": EIGHT_AM},))  # Wednesday night
    assert found(world, when=at(2, 19, 59)) == {}
    assert len(found(world, when=at(2, 20, 0))) == 1
    assert len(found(world, when=at(2, 23, 59))) == 1
    assert len(found(world, when=at(3, 0, 0))) == 1
    assert len(found(world, when=at(3, 7, 59))) == 1
    assert found(world, when=at(3, 8, 0)) == {}
    assert found(world, when=at(2, 7, 0)) == {}  # Tuesday night's shift does not exist


@pytest.mark.django_db
def test_a_one_off_night_shift_runs_into_the_next_morning(world: dict) -> None:
    advocate(
        world,
        shifts=(
            {
                "kind": "once",
                "date": datetime.date(2026, 12, 5),
                "starts": EIGHT_PM,
                "ends": EIGHT_AM,
            },
        ),
    )
    assert len(found(world, when=at(5, 21))) == 1
    assert len(found(world, when=at(6, 3))) == 1
    assert found(world, when=at(6, 9)) == {}
    assert found(world, when=at(12, 21)) == {}  # a week later: one-off


@pytest.mark.django_db
def test_a_shift_from_midnight_to_midnight_is_the_whole_day(world: dict) -> None:
    advocate(world, shifts=({"starts": datetime.time(0), "ends": datetime.time(0)},))
    assert len(found(world, when=at(2, 0, 0))) == 1
    assert len(found(world, when=at(2, 23, 59))) == 1
    assert found(world, when=at(3, 0, 0)) == {}


@pytest.mark.django_db
def test_an_off_entry_on_the_date_takes_the_advocate_off_duty(world: dict) -> None:
    advocate(world, shifts=({}, {"kind": "off", "date": datetime.date(2026, 12, 2)}))
    assert found(world) == {}
    assert len(found(world, when=at(9, 12))) == 1  # the next Wednesday


@pytest.mark.django_db
def test_an_off_entry_ends_last_nights_shift_at_midnight(world: dict) -> None:
    # The rule as written: "off" on a date means no duty on that date, a night shift's tail too.
    advocate(
        world,
        shifts=(
            {"starts": EIGHT_PM, "ends": EIGHT_AM},
            {"kind": "off", "date": datetime.date(2026, 12, 3)},
        ),
    )
    assert len(found(world, when=at(2, 23))) == 1
    assert found(world, when=at(3, 2)) == {}


@pytest.mark.django_db
def test_valid_from_and_valid_until_bound_a_weekly_shift(world: dict) -> None:
    advocate(
        world,
        shifts=(
            {"valid_from": datetime.date(2026, 12, 9), "valid_until": datetime.date(2026, 12, 16)},
        ),
    )
    assert found(world, when=at(2, 12)) == {}
    assert len(found(world, when=at(9, 12))) == 1
    assert len(found(world, when=at(16, 12))) == 1
    assert found(world, when=at(23, 12)) == {}


@pytest.mark.django_db
def test_a_night_shift_counts_as_the_day_it_starts_for_its_validity(world: dict) -> None:
    advocate(
        world,
        shifts=({"starts": EIGHT_PM, "ends": EIGHT_AM, "valid_until": datetime.date(2026, 12, 2)},),
    )
    assert len(found(world, when=at(3, 2))) == 1  # Wednesday's shift, valid on Wednesday


@pytest.mark.django_db
def test_open_cases_count_the_assigned_cases_not_closed(world: dict, actor_of) -> None:
    made = advocate(world)
    operator = actor_of(world["personas"]["a"]["operator"])
    person = person_make(operator)
    cases = [arrest_case_make(operator, person) for _ in range(4)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        assigned_advocate=made.user, status="assigned"
    )
    Case.objects.filter(pk=cases[0].pk).update(status="closed", outcome="released")
    assert found(world)[made.pk].open_cases == 3


@pytest.mark.django_db
def test_the_acceptance_rate_comes_from_the_offer_counters(world: dict) -> None:
    made = advocate(world, offers_made=8, offers_accepted=6)
    assert found(world)[made.pk].acceptance_rate == 0.75


@pytest.mark.django_db
def test_excluded_advocates_are_left_out(world: dict) -> None:
    first, second = advocate(world), advocate(world)
    assert set(found(world, exclude_advocate_ids=[first.pk])) == {second.pk}


@pytest.mark.django_db
def test_finding_candidates_costs_one_query_however_many_advocates(
    world: dict, django_assert_num_queries
) -> None:
    for _ in range(6):
        advocate(world)
    advocate(world, covers=(), shifts=({"place": world["brewery"]},))
    with django_assert_num_queries(1):
        assert len(found(world)) == 7


@pytest.mark.django_db
def test_route_puts_the_speaker_of_the_persons_language_first(world: dict, actor_of) -> None:
    operator = actor_of(world["personas"]["a"]["operator"])
    person = person_make(operator, languages=["ps", "ur"])
    case = arrest_case_make(operator, person, place=world["brewery"])
    urdu = advocate(world, languages=["ur"], base_latitude=30.2, base_longitude=67.0)
    pashto = advocate(world, languages=["ps"], base_latitude=30.3, base_longitude=67.0)
    ranked = route(Case.objects.select_related("place", "person").get(pk=case.pk), at=AT)
    assert order(ranked) == [pashto.pk, urdu.pk]
    assert Reason("speaks_language", "ps", routing.LANGUAGE_POINTS) in ranked[0].reasons
    assert route(case, at=AT, exclude_advocate_ids=[pashto.pk])[0].candidate.advocate_id == urdu.pk


@pytest.mark.django_db
def test_route_uses_the_cases_district_when_it_has_no_place(world: dict, actor_of) -> None:
    operator = actor_of(world["personas"]["a"]["operator"])
    case = Case.objects.get(pk=arrest_case_make(operator, person_make(operator)).pk)
    made = advocate(world)
    assert route(case, at=AT) == []
    Case.objects.filter(pk=case.pk).update(district=world["quetta"])
    ranked = route(Case.objects.get(pk=case.pk), at=AT)
    assert order(ranked) == [made.pk]
    assert not {r.code for r in ranked[0].reasons} & {"distance_km", "distance_unknown"}


@pytest.mark.django_db
def test_on_duty_now_returns_the_users_with_a_running_shift(
    world: dict, django_assert_num_queries
) -> None:
    coordinator = world["personas"]["a"]["coordinator"]
    ShiftFactory(
        organisation=world["org"], user=coordinator, weekday=WEDNESDAY, district=world["pishin"]
    )
    on_leave = advocate(world, shifts=({}, {"kind": "off", "date": datetime.date(2026, 12, 2)}))
    working = advocate(world)
    advocate(world, organisation=world["other_org"])
    with django_assert_num_queries(1):
        assert on_duty_now(organisation_id=world["org"].pk, at=AT) == {
            coordinator.pk,
            working.user_id,
        }
    assert on_duty_now(organisation_id=world["org"].pk, at=AT, role_user_ids=[coordinator.pk]) == {
        coordinator.pk
    }
    assert on_leave.user_id not in on_duty_now(organisation_id=world["org"].pk, at=AT)
    with django_assert_num_queries(0):
        assert on_duty_now(organisation_id=world["org"].pk, at=AT, role_user_ids=[]) == set()
    assert on_duty_now(organisation_id=world["org"].pk, at=at(3, 1)) == set()


# --- labels ----------------------------------------------------------------------------------


def test_every_reason_rank_can_give_has_a_label() -> None:
    everything = [
        candidate(
            1,
            covers_place=True,
            languages=frozenset({"ps"}),
            latitude=30.0,
            longitude=67.0,
            acceptance_rate=0.5,
        ),
        candidate(2),
    ]
    ranked = rank(everything, latitude=30.1, longitude=67.0, language="ps")
    codes = {reason.code for r in ranked for reason in r.reasons}
    codes |= {
        reason.code
        for r in rank([candidate(3)], latitude=30.1, longitude=67.0, language=None)
        for reason in r.reasons
    }
    assert codes == set(LABELS)


def test_explain_says_why_in_english_sentences() -> None:
    reasons = [
        Reason("covers_place", None, 30.0),
        Reason("speaks_language", "fa", 25.0),
        Reason("open_cases", 1, -1.5),
        Reason("open_cases", 3, -4.5),
        Reason("distance_km", 4.26, -0.85),
        Reason("distance_km", 131.4, -26.28),
        Reason("acceptance_rate", 0.756, 7.56),
        Reason("no_history", None, 5.0),
        Reason("distance_unknown", None, -10.0),
    ]
    with translation.override("en"):
        assert explain(reasons) == [
            "Covers this police station or facility",
            "Speaks Dari",
            "1 open case",
            "3 open cases",
            "4.3 km away (by road, estimated)",
            "131 km away (by road, estimated)",
            "Accepted 76% of alerts",
            "No alerts yet",
            "Distance not known: no base on the map",
        ]


def test_explain_reads_stored_reasons_and_skips_unknown_codes() -> None:
    stored = [
        dataclasses.asdict(Reason("covers_district", None, 15.0)),
        {"code": "retired", "value": 1},
    ]
    with translation.override("en"):
        assert explain(stored) == ["Covers this district"]


# --- the SQL rota rules and the Python ones agree --------------------------------------------

DAYS = [datetime.date(2026, 12, 1) + datetime.timedelta(days=n) for n in range(3)]
HOURS = [datetime.time(h) for h in (0, 6, 8, 12, 18, 20, 22)]
shift_rows = st.lists(
    st.tuples(
        st.integers(0, 2),  # which user
        st.sampled_from(["weekly", "weekly", "once", "off"]),
        st.sampled_from(DAYS),  # the date, or the weekday of that date for a weekly shift
        st.sampled_from(HOURS),
        st.sampled_from(HOURS),
        st.one_of(st.none(), st.none(), st.sampled_from(DAYS)),
        st.one_of(st.none(), st.none(), st.sampled_from(DAYS)),
    ),
    min_size=1,
    max_size=8,
)
moments = st.builds(
    lambda day, time, second: (
        datetime.datetime.combine(day, time, tzinfo=KARACHI) + datetime.timedelta(seconds=second)
    ),
    st.sampled_from(DAYS[1:]),
    st.sampled_from(HOURS),
    st.sampled_from([0, 1, 3600, -1]),
)


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=shift_rows, moment=moments)
def test_the_sql_rota_rules_agree_with_the_python_ones(
    personas: dict, rows: list, moment: datetime.datetime
) -> None:
    org = personas["a"]["org"]
    users = [personas["a"][role] for role in ("advocate", "coordinator", "operator")]
    Shift.objects.filter(organisation=org).delete()
    Shift.objects.bulk_create(
        Shift(
            organisation=org,
            user=users[user],
            kind=kind,
            weekday=day.weekday() if kind == "weekly" else None,
            date=None if kind == "weekly" else day,
            starts=starts,
            ends=ends,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        for user, kind, day, starts, ends, valid_from, valid_until in rows
    )
    python = set(
        routing._duty_by_user(
            Shift.objects.filter(organisation=org).values_list(*routing._SHIFT_COLUMNS), moment
        )
    )
    event(f"users on duty: {len(python)}")
    assert on_duty_now(organisation_id=org.pk, at=moment) == python
