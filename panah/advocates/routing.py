"""Routing: which advocates on duty can go to a case's place now, best first, and why.

Three parts, so the judgement can be read and tested apart from the database:

- `rank` is pure (no Django, no clock): it scores plain `Candidate` snapshots with the named
  weights below and returns them in a total, deterministic order with the reasons for each
  score, which the case page shows translated (`labels.explain`).
- `candidates_for` finds, in one query whatever the number of advocates, the verified,
  available advocates of one organisation who are on duty at a moment and cover a place or
  its district. It reads `ShiftCover`, the rota with each shift's cover spelled out (kept by
  database triggers, see cover.py). The rota rules are written in SQL (`_ON_DUTY` over
  shifts, used by `on_duty_now`; `_RUNNING_COVER`, the same rules over ShiftCover) and once
  in Python (`_running`, `_duty_by_user`, for callers that hold shift rows already);
  property tests check that all three agree.
- `route` joins the two for a case.

Issue 3, part 4 ("Routing"): on duty and available now, covers the place or its district, speaks
the person's language, open-case load, distance, past acceptance rate; deterministic and
explained.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from panah.accounts.models import Organisation as _Organisation
from panah.advocates.models import Advocate, Shift, ShiftCover
from panah.cases.models import Case, Status
from panah.places.models import Place

# --- Weights ---------------------------------------------------------------------------------
# One scale of points. The ordering they are meant to produce, strongest first: someone who can
# talk to the detained person and is at home at that station, then the least busy, then the
# nearest; the acceptance rate only separates otherwise similar advocates.

# Named in the advocate's cover for this very place: knows the station staff and the way in.
PLACE_POINTS = 30.0
# Covers the district but not this place by name: can go, but is not the station's regular.
DISTRICT_POINTS = 15.0
# Speaks the person's language. An interpreter is rarely at hand in a police station at night,
# and an advocate who cannot take instructions from the detained person cannot argue bail
# well; worth more than the place-over-district difference (15), less than the whole cover.
LANGUAGE_POINTS = 25.0
# Per open case assigned to the advocate: load spreads work and predicts a slow answer. Capped,
# so that a very busy advocate still ranks above nobody and distance still counts among them.
OPEN_CASE_POINTS = -1.5
OPEN_CASES_CAP = 20  # at most -30 points
# Per estimated road km from the advocate's base to the place: 10 km costs 2 points (a
# tie-breaker inside a city), 100 km costs 20 (more than district-only cover is worth).
KM_POINTS = -0.2
DISTANCE_CAP_KM = 200.0  # at most -40 points; beyond that everyone is "a day's drive away".
# Road km assumed when the place is on the map but the advocate's base is not: a typical trip
# inside a large district. Recording the base replaces the guess; not recording it neither
# hides an advocate nor puts them ahead of a known-near one.
UNKNOWN_DISTANCE_KM = 50.0
# Times the share of alerts accepted (0..1): at most 10 points, below every other factor.
ACCEPTANCE_POINTS = 10.0
# Acceptance rate assumed for an advocate never alerted: neither rewarded nor punished for
# being new (the middle of the scale).
NO_HISTORY_RATE = 0.5

# Great-circle distance understates the road. Circuity studies put road distance at roughly
# 1.2 to 1.5 times the straight line (e.g. Ballou, Rahardja & Sakai 2002, across countries),
# higher where roads are sparse and mountainous, as in Khyber Pakhtunkhwa and Balochistan
# where most refugees live; 1.4 is the high end of the usual range. An assumption, to check
# against the arrival times dispatch records (issue 3, part 6); the case page says "estimated".
ROAD_FACTOR = 1.4
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One advocate as routing sees it: a snapshot of plain values, no ORM objects."""

    advocate_id: int
    user_id: int
    name: str
    languages: frozenset[str]
    covers_place: bool  # the advocate's profile or the matching shift names this place
    covers_district: bool  # ... or its district
    open_cases: int  # cases assigned to them with status not closed
    latitude: float | None  # advocate's base (chambers)
    longitude: float | None
    acceptance_rate: float | None  # offers_accepted / offers_made, None if no offers yet


@dataclass(frozen=True, slots=True)
class Reason:
    """One factor of a score: a code (see labels.py), the measured value and its points."""

    code: str
    value: float | int | str | None
    points: float


@dataclass(frozen=True, slots=True)
class Ranked:
    candidate: Candidate
    score: float
    reasons: tuple[Reason, ...]


def rank(
    candidates: Iterable[Candidate],
    *,
    latitude: float | None,
    longitude: float | None,
    language: str | None,
) -> list[Ranked]:
    """Return the candidates who cover the place or its district, best first, with reasons.

    `latitude`/`longitude` are the place's (None when it is not on the map: distance then
    plays no part for anyone); `language` is the person's first language code, or None.
    Order: score descending, then advocate id ascending, so equal scores always come out in
    the same order whatever the input order.
    """
    origin = _point(latitude, longitude)
    distance_from = _distance_from(origin) if origin is not None else None
    wanted = language.strip().lower() if language else None
    speaks = Reason("speaks_language", wanted, LANGUAGE_POINTS) if wanted else None
    # Reasons are immutable values: equal ones are made once per call (a hot path at scale).
    loads: dict[int, Reason] = {}
    ranked = []
    for candidate in candidates:
        if candidate.covers_place:
            reasons = [_COVERS_PLACE]
        elif candidate.covers_district:
            reasons = [_COVERS_DISTRICT]
        else:
            continue
        if speaks is not None and wanted in candidate.languages:
            reasons.append(speaks)
        load = max(0, candidate.open_cases)
        if load not in loads:
            loads[load] = Reason(
                "open_cases", load, _points(OPEN_CASE_POINTS * min(load, OPEN_CASES_CAP))
            )
        reasons.append(loads[load])
        if distance_from is not None:
            base = _point(candidate.latitude, candidate.longitude)
            if base is None:
                reasons.append(_DISTANCE_UNKNOWN)
            else:
                km = round(distance_from(*base) * ROAD_FACTOR, 1)
                points = _points(KM_POINTS * min(km, DISTANCE_CAP_KM))
                reasons.append(Reason("distance_km", km, points))
        rate = candidate.acceptance_rate
        if rate is None or not math.isfinite(rate):
            reasons.append(_NO_HISTORY)
        else:
            rate = round(min(1.0, max(0.0, rate)), 3)
            reasons.append(Reason("acceptance_rate", rate, _points(ACCEPTANCE_POINTS * rate)))
        # Rounded so that the score is the sum of the points shown, without float noise.
        score = _points(sum([reason.points for reason in reasons]))
        ranked.append(Ranked(candidate=candidate, score=score, reasons=tuple(reasons)))
    ranked.sort(key=_order)
    return ranked


def _order(ranked: Ranked) -> tuple[float, int]:
    return -ranked.score, ranked.candidate.advocate_id


def _points(value: float) -> float:
    return round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


_COVERS_PLACE = Reason("covers_place", None, PLACE_POINTS)
_COVERS_DISTRICT = Reason("covers_district", None, DISTRICT_POINTS)
_DISTANCE_UNKNOWN = Reason("distance_unknown", None, _points(KM_POINTS * UNKNOWN_DISTANCE_KM))
_NO_HISTORY = Reason("no_history", None, _points(ACCEPTANCE_POINTS * NO_HISTORY_RATE))


def _point(latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    """Return (latitude, longitude) if both are real coordinates, else None (not on the map)."""
    if latitude is None or longitude is None:
        return None
    lat, lon = float(latitude), float(longitude)
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None
    return lat, lon


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in km between two points (haversine formula)."""
    return _distance_from((lat1, lon1))(lat2, lon2)


def _distance_from(origin: tuple[float, float]) -> Callable[[float, float], float]:
    """Return the haversine distance in km from `origin`, with its trigonometry done once."""
    phi1 = math.radians(origin[0])
    cos_phi1 = math.cos(phi1)
    lambda1 = math.radians(origin[1])

    def km(latitude: float, longitude: float) -> float:
        phi2 = math.radians(latitude)
        a = (
            math.sin((phi2 - phi1) / 2) ** 2
            + cos_phi1 * math.cos(phi2) * math.sin((math.radians(longitude) - lambda1) / 2) ** 2
        )
        # min(): rounding can push `a` a hair above 1 for antipodal points, outside asin's domain.
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))

    return km


# --- The rota and the candidates, in SQL ------------------------------------------------------
#
# Hand-written SQL, because it is the hot path: the ORM took longer to build this query than
# the database took to answer it (benchmarks/results.md). Table names come from the models;
# every value is a parameter. The same text runs on SQLite and PostgreSQL.

_WEEKLY, _ONCE, _OFF = Shift.Kind.WEEKLY.value, Shift.Kind.ONCE.value, Shift.Kind.OFF.value
_A = Advocate._meta.db_table
_S = Shift._meta.db_table
_SC = ShiftCover._meta.db_table
_U = Advocate._meta.get_field("user").related_model._meta.db_table  # type: ignore[union-attr]
_C = Case._meta.db_table

# The rota rules, in one place (used by candidates_for and on_duty_now), for a shift row `s`:
# - a weekly shift runs on its weekday, a one-off ("once") shift on its date, from `starts`
#   (inclusive) to `ends` (exclusive), in local time;
# - when `ends` is not after `starts` the shift runs past midnight and ends at `ends` the next
#   day (so 00:00-00:00 is the whole day and 20:00-08:00 a night);
# - valid-from/until dates apply to the day a shift starts (the Monday-night shift that ends
#   on Tuesday morning is Monday's);
# - an "off" entry on the local date cancels all duty of that user on that date, the morning
#   end of the night before included. (NOT IN, not NOT EXISTS: the day's "off" entries are
#   few and both databases look each shift's user up in them as a set; PostgreSQL otherwise
#   rescanned them for every shift. user_id is never NULL, so NOT IN has no NULL trap.)
_ON_DUTY = f"""
    s.organisation_id = %(organisation)s
    AND (
        (
            ((s.kind = 'weekly' AND s.weekday = %(weekday)s)
                OR (s.kind = 'once' AND s.date = %(day)s))
            AND (s.valid_from IS NULL OR s.valid_from <= %(day)s)
            AND (s.valid_until IS NULL OR s.valid_until >= %(day)s)
            AND s.starts <= %(time)s AND (s.ends > %(time)s OR s.ends <= s.starts)
        ) OR (
            ((s.kind = 'weekly' AND s.weekday = %(weekday_before)s)
                OR (s.kind = 'once' AND s.date = %(day_before)s))
            AND (s.valid_from IS NULL OR s.valid_from <= %(day_before)s)
            AND (s.valid_until IS NULL OR s.valid_until >= %(day_before)s)
            AND s.ends <= s.starts AND s.ends > %(time)s
        )
    )
    AND s.user_id NOT IN (
        SELECT o.user_id FROM {_S} o
        WHERE o.organisation_id = %(organisation)s AND o.kind = 'off' AND o.date = %(day)s
    )
"""  # noqa: S608 (table names from the models; values are parameters)

# The shifts running at a moment that cover a place or its district, read from ShiftCover (the
# rota with each shift's cover spelled out, kept by database triggers): one index range per
# (organisation, place or district, weekday), so a decision reads the district's shifts of the
# day and the day before, not every shift of every advocate who covers the district (3-4x
# faster in the largest cities, benchmarks/results.md). The same rota rules as `_ON_DUTY`;
# the weekday of a one-off shift is stored, so both kinds are found by weekday.
_RUNNING_COVER = f"""
    s.organisation_id = %(organisation)s
    AND s.weekday IN (%(weekday)s, %(weekday_before)s)
    AND (
        (
            s.weekday = %(weekday)s AND (s.kind = 'weekly' OR s.date = %(day)s)
            AND (s.valid_from IS NULL OR s.valid_from <= %(day)s)
            AND (s.valid_until IS NULL OR s.valid_until >= %(day)s)
            AND s.starts <= %(time)s AND (s.ends > %(time)s OR s.ends <= s.starts)
        ) OR (
            s.weekday = %(weekday_before)s AND (s.kind = 'weekly' OR s.date = %(day_before)s)
            AND (s.valid_from IS NULL OR s.valid_from <= %(day_before)s)
            AND (s.valid_until IS NULL OR s.valid_until >= %(day_before)s)
            AND s.ends <= s.starts AND s.ends > %(time)s
        )
    )
    AND s.user_id NOT IN (
        SELECT o.user_id FROM {_S} o
        WHERE o.organisation_id = %(organisation)s AND o.kind = 'off' AND o.date = %(day)s
    )
"""  # noqa: S608 (table names from the models; values are parameters)

# One row per advocate on duty who covers: the users with a running covering shift, grouped
# (with whether one of those shifts covers the place itself, or the district), then their
# profiles. CROSS JOIN keeps that order on SQLite; PostgreSQL plans it as a join. Open cases
# are counted as "status before 'closed'" plus "status after 'closed'" rather than "status <>
# 'closed'": the same rows, but two ranges of the (assigned_advocate, status) index that skip
# an advocate's closed cases, which only grow with the years.
_CANDIDATES = f"""
SELECT a.id, a.user_id, u.first_name, u.last_name, u.username, a.languages,
    CAST(a.base_latitude AS DOUBLE PRECISION), CAST(a.base_longitude AS DOUBLE PRECISION),
    a.offers_made, a.offers_accepted,
    (SELECT COUNT(*) FROM {_C} c
        WHERE c.assigned_advocate_id = a.user_id AND c.status < %(closed)s)
    + (SELECT COUNT(*) FROM {_C} c
        WHERE c.assigned_advocate_id = a.user_id AND c.status > %(closed)s),
    running.at_place, running.in_district
FROM (
    SELECT covering.user_id, MAX(covering.at_place) AS at_place,
        MAX(covering.in_district) AS in_district
    FROM (
        SELECT s.user_id, 1 AS at_place,
            CASE WHEN s.district_id = %(district)s THEN 1 ELSE 0 END AS in_district
        FROM {_SC} s WHERE s.place_id = %(place)s AND {_RUNNING_COVER}
        UNION ALL
        SELECT s.user_id, CASE WHEN s.place_id = %(place)s THEN 1 ELSE 0 END, 1
        FROM {_SC} s WHERE s.district_id = %(district)s AND {_RUNNING_COVER}
    ) covering
    GROUP BY covering.user_id
) running
    CROSS JOIN {_A} a
    CROSS JOIN {_U} u
WHERE a.user_id = running.user_id
    AND a.organisation_id = %(organisation)s
    AND a.is_active = %(true)s AND a.available = %(true)s AND a.verified_at IS NOT NULL
    AND u.id = a.user_id
"""  # noqa: S608 (table names from the models; values are parameters)


def _local(at: datetime.datetime) -> tuple[datetime.date, datetime.time]:
    """Return the date and wall-clock time of `at` in the display time zone (TIME_ZONE).

    Rotas are written in local time (Pakistan Standard Time), whatever zone the acting user
    has chosen for display, so this uses the default zone, never the active one. Seconds are
    the finest step of a rota, so fractions of a second are dropped.
    """
    if timezone.is_naive(at):
        raise ValueError("routing needs an aware datetime")
    local = at.astimezone(timezone.get_default_timezone())
    return local.date(), local.time().replace(tzinfo=None, microsecond=0)


# --- The rota rules in Python -----------------------------------------------------------------
#
# The same rules as `_ON_DUTY`, for code that holds shift rows already (the rota page's
# coverage-gap warning evaluates them at many moments). A test checks both agree.

# The columns of a shift the rules read, in the order `_running` unpacks them.
_SHIFT_COLUMNS = (
    "user_id",
    "kind",
    "weekday",
    "date",
    "starts",
    "ends",
    "valid_from",
    "valid_until",
    "place_id",
    "district_id",
)


def _running(row: Sequence[Any], day: datetime.date, time: datetime.time) -> bool:
    """Whether a weekly or one-off shift row (`_SHIFT_COLUMNS`) runs at local `day`, `time`."""
    _user, kind, weekday, date, starts, ends, valid_from, valid_until = row[:8]
    overnight = ends <= starts

    def starts_on(d: datetime.date) -> bool:
        falls = weekday == d.weekday() if kind == _WEEKLY else kind == _ONCE and date == d
        return (
            falls
            and (valid_from is None or valid_from <= d)
            and (valid_until is None or d <= valid_until)
        )

    if starts_on(day) and starts <= time and (overnight or time < ends):
        return True
    return overnight and time < ends and starts_on(day - datetime.timedelta(days=1))


def _duty_by_user(
    rows: Iterable[Sequence[Any]], at: datetime.datetime
) -> dict[int, list[Sequence[Any]]]:
    """Return, per user on duty at `at`, their shift rows (`_SHIFT_COLUMNS`) running then."""
    day, time = _local(at)
    running: dict[int, list[Sequence[Any]]] = defaultdict(list)
    off: set[int] = set()
    for row in rows:
        if row[1] == _OFF:
            if row[3] == day:
                off.add(row[0])
        elif _running(row, day, time):
            running[row[0]].append(row)
    return {user: shifts for user, shifts in running.items() if user not in off}


def _duty_params(at: datetime.datetime, organisation_id: Any) -> dict[str, Any]:
    day, time = _local(at)
    before = day - datetime.timedelta(days=1)
    ops = connection.ops
    return {
        "organisation": _Organisation._meta.pk.get_db_prep_value(organisation_id, connection),  # type: ignore[union-attr]
        "weekday": day.weekday(),
        "weekday_before": before.weekday(),
        "day": ops.adapt_datefield_value(day),
        "day_before": ops.adapt_datefield_value(before),
        "time": ops.adapt_timefield_value(time),
    }


def on_duty_now(
    *, organisation_id: Any, at: datetime.datetime, role_user_ids: Collection[int] | None = None
) -> set[int]:
    """Return the ids of the users of an organisation with a shift running at `at`.

    The same rota rules as routing (`_ON_DUTY`), whatever the shift covers. `role_user_ids`
    limits the answer to those users (say, the organisation's coordinators). One query.
    """
    if role_user_ids is not None and not role_user_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT s.user_id FROM {_S} s WHERE {_ON_DUTY}",  # noqa: S608
            _duty_params(at, organisation_id),
        )
        users = {row[0] for row in cursor.fetchall()}
    return users if role_user_ids is None else users & set(role_user_ids)


def candidates_for(
    *,
    organisation_id: Any,
    place_id: Any,
    district_id: int | None,
    at: datetime.datetime,
    exclude_advocate_ids: Collection[int] = (),
) -> list[Candidate]:
    """Return the advocates who can take a case at a place now, in advocate id order.

    Active, verified and available advocates of the organisation only (an advocate of another
    organisation would need a data-sharing agreement: panels under an MoU are not routed yet)
    who are on duty at `at` with a shift that covers the place or its district: a shift naming
    a place or a district covers only that one; a shift naming neither covers what the
    advocate's profile covers (`Advocate.places`, `Advocate.districts`). Open cases are the
    cases assigned to the advocate's user whose status is not closed.

    One query whatever the number of advocates (see `_CANDIDATES`).
    """
    if district_id is None and place_id is None:
        return []
    params = _duty_params(at, organisation_id)
    params.update(
        place=Place._meta.pk.get_db_prep_value(place_id, connection)  # type: ignore[union-attr]
        if place_id is not None
        else None,
        district=district_id,
        closed=Status.CLOSED.value,
        true=True,
    )
    excluded = set(exclude_advocate_ids)
    with connection.cursor() as cursor:
        cursor.execute(_CANDIDATES, params)
        rows = cursor.fetchall()
    return [_candidate(row) for row in sorted(rows) if row[0] not in excluded]


def _candidate(row: tuple[Any, ...]) -> Candidate:
    (pk, user_id, first, last, username, languages, lat, lon, made, accepted, load) = row[:11]
    covers_place, covers_district = row[11:13]
    return Candidate(
        advocate_id=pk,
        user_id=user_id,
        name=f"{first} {last}".strip() or username,
        languages=_languages(languages),
        covers_place=bool(covers_place),
        covers_district=bool(covers_district),
        open_cases=load,
        latitude=_degrees(lat),
        longitude=_degrees(lon),
        acceptance_rate=accepted / made if made else None,
    )


_DEGREE_PLACES = Advocate._meta.get_field("base_latitude").decimal_places  # type: ignore[union-attr]


def _degrees(value: float | None) -> float | None:
    """Return a coordinate read as a float, rounded to the column's decimal places.

    SQLite stores these decimals as binary floats, which can be a hair off (30.10000000000001):
    rounding gives the same float the model field would (through Decimal), so the distance and
    the ranking do not depend on the database.
    """
    return None if value is None else round(float(value), _DEGREE_PLACES or 6)


@functools.lru_cache(maxsize=1024)
def _languages_of(text: str) -> frozenset[str]:
    codes = json.loads(text)
    if not isinstance(codes, list):
        return frozenset()
    return frozenset(str(code).lower() for code in codes)


def _languages(stored: Any) -> frozenset[str]:
    """Return the language codes of a JSON column (text on SQLite; text or a list elsewhere).

    Advocates share a few dozen combinations of languages: each is decoded once.
    """
    if isinstance(stored, str):
        return _languages_of(stored)
    if isinstance(stored, list):
        return frozenset(str(code).lower() for code in stored)
    return frozenset()


def route(
    case: Case, *, at: datetime.datetime, exclude_advocate_ids: Collection[int] = ()
) -> list[Ranked]:
    """Return the advocates on duty for a case at `at`, best first, with the reasons.

    The place's district is used when the case has a place, else the case's own district;
    distance is measured from the place; the person's first language counts. Select the
    case with its place and person (`select_related("place", "person")`) to save two queries.
    """
    place = case.place
    district_id = place.district_id if place is not None else case.district_id
    candidates = candidates_for(
        organisation_id=case.organisation_id,
        place_id=place.pk if place is not None else None,
        district_id=district_id,
        at=at,
        exclude_advocate_ids=exclude_advocate_ids,
    )
    if not candidates:
        return []
    languages = case.person.languages
    language = str(languages[0]) if isinstance(languages, list) and languages else None
    return rank(
        candidates,
        latitude=_float(place.latitude) if place is not None else None,
        longitude=_float(place.longitude) if place is not None else None,
        language=language,
    )


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None
