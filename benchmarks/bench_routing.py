"""Routing at national scale: one decision (who is on duty, covers, and ranks first) per case.

Generates, once, into a database of its own (var/bench/routing.sqlite3, or the PostgreSQL
database named by DATABASE_URL): 140 districts, 2,000 places, 5,000 advocates of one
organisation (and 500 of another, which must never be picked) with weekly rotas (about 30% on
duty at any moment), one-off shifts, days off and ended shifts, and 100,000 cases, 50,000 of
them open, assigned to the advocates (their load). Then prints p50/p95/p99 of `route()` for
1,000 random (place, time) pairs, against the anchor: the plain ORM version that loads the
organisation's advocates and asks the database about each one (shifts, cover, load), on fewer
pairs because it is slow. The ratio is anchor p99 ÷ ours p99 (goal: ours under 5 ms).

The case handed to `route()` is built in memory with its place and person, as the dispatch
service has them after `select_related("place", "person")`: the figure is the routing itself.

    python benchmarks/bench_routing.py [--decisions 1000] [--anchor 30] [--profile]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panah_bench_routing \
        python benchmarks/bench_routing.py
"""

from __future__ import annotations

import os
from pathlib import Path

if not os.environ.get("DATABASE_URL"):
    _VAR = Path(__file__).resolve().parent.parent / "var" / "bench"
    _VAR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PANAH_SQLITE_PATH", str(_VAR / "routing.sqlite3"))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import datetime  # noqa: E402
import pstats  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
import zoneinfo  # noqa: E402
from decimal import Decimal  # noqa: E402

from common import BENCH_ORG, percentile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from panah.accounts.models import Membership, Organisation, User  # noqa: E402
from panah.advocates import routing  # noqa: E402
from panah.advocates.models import Advocate, Shift  # noqa: E402
from panah.advocates.routing import Candidate, Ranked, rank, route  # noqa: E402
from panah.cases.models import Case  # noqa: E402
from panah.people.models import Person  # noqa: E402
from panah.places.models import District, Place  # noqa: E402

SEED = 2026
OTHER_ORG = "Benchmark Other Organisation"
PROVINCE = "Benchmark"
KARACHI = zoneinfo.ZoneInfo("Asia/Karachi")
# The week the decisions fall in (local time), Monday 7 December 2026.
WEEK = datetime.datetime(2026, 12, 7, tzinfo=KARACHI)
BATCH = 2_000


def generate(*, advocates: int, places: int, districts: int, open_cases: int) -> None:
    rng = random.Random(SEED)
    started = time.monotonic()
    org = Organisation.objects.create(name=BENCH_ORG, kind="legal_aid")
    other = Organisation.objects.create(name=OTHER_ORG, kind="legal_aid")

    centres = [(rng.uniform(24.5, 36.5), rng.uniform(61.5, 75.0)) for _ in range(districts)]
    District.objects.bulk_create(
        District(name=f"District {n:03d}", province=PROVINCE) for n in range(districts)
    )
    district_ids = list(
        District.objects.filter(province=PROVINCE).order_by("name").values_list("pk", flat=True)
    )
    # Advocates concentrate where refugees live: three city districts (think Peshawar, Quetta,
    # Karachi) hold 15%, 10% and 5% of them, the other districts share the rest unevenly
    # (log-normal). Police stations follow population and area more evenly: the cities have
    # 40, 30 and 30, the other districts 1 to about 60.
    cities = {0: (0.15, 40), 1: (0.10, 30), 2: (0.05, 30)}
    tail = [rng.lognormvariate(0, 0.8) for _ in district_ids[len(cities) :]]
    weights = [share for share, _count in cities.values()] + [0.70 * w / sum(tail) for w in tail]
    place_weights = [0.0] * len(cities) + [
        rng.lognormvariate(0, 0.6) for _ in district_ids[len(cities) :]
    ]
    city_places = [d for d, (_share, count) in cities.items() for _ in range(count)]
    place_rows = []
    for n in range(places):
        if n < len(city_places):
            index = city_places[n]
        elif n < len(city_places) + districts:  # every district has a station
            index = n - len(city_places)
        else:
            index = rng.choices(range(districts), place_weights)[0]
        lat, lon = centres[index]
        on_map = rng.random() > 0.05
        place_rows.append(
            Place(
                kind=Place.Kind.POLICE_STATION if rng.random() < 0.85 else Place.Kind.LEVIES_THANA,
                name=f"Station {n:04d}",
                district_id=district_ids[index],
                latitude=_deg(lat + rng.uniform(-0.25, 0.25)) if on_map else None,
                longitude=_deg(lon + rng.uniform(-0.25, 0.25)) if on_map else None,
            )
        )
    Place.objects.bulk_create(place_rows, batch_size=BATCH)
    places_by_district: dict[int, list] = {}
    for pk, district_id in (
        Place.objects.filter(district__province=PROVINCE)
        .order_by("name")
        .values_list("pk", "district_id")
    ):
        places_by_district.setdefault(district_id, []).append(pk)
    print(f"{districts} districts, {places} places … {time.monotonic() - started:.0f} s")

    total = advocates + advocates // 10
    users = [
        User(username=f"bench.advocate.{n:05d}", first_name=f"Advocate{n}", password="!")
        for n in range(total)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    users = list(User.objects.filter(username__startswith="bench.advocate.").order_by("username"))
    Membership.objects.bulk_create(
        (
            Membership(user=user, organisation=org if n < advocates else other, role="advocate")
            for n, user in enumerate(users)
        ),
        batch_size=BATCH,
    )
    homes = rng.choices(range(districts), weights, k=total)
    rows = []
    for n, user in enumerate(users):
        lat, lon = centres[homes[n]]
        made = rng.randint(0, 40) if rng.random() < 0.8 else 0
        rows.append(
            Advocate(
                user=user,
                organisation=org if n < advocates else other,
                bar_council="Benchmark Bar Council",
                enrolment_number=f"B-{n:05d}",
                verified_at=WEEK - datetime.timedelta(days=100) if rng.random() < 0.9 else None,
                languages=[
                    code
                    for code, share in (("ur", 0.8), ("ps", 0.45), ("fa", 0.2), ("en", 0.6))
                    if rng.random() < share
                ],
                phone=f"+92301{n:07d}",
                phone_digest=f"{n:064x}",
                available=rng.random() < 0.85,
                is_active=rng.random() < 0.97,
                base_latitude=_deg(lat + rng.uniform(-0.2, 0.2)) if rng.random() < 0.9 else None,
                base_longitude=_deg(lon + rng.uniform(-0.2, 0.2)),
                offers_made=made,
                offers_accepted=rng.randint(0, made),
            )
        )
    Advocate.objects.bulk_create(rows, batch_size=BATCH)
    advocate_rows = list(Advocate.objects.order_by("user__username").values_list("pk", "user_id"))
    cover_districts, cover_places, shifts = [], [], []
    for n, (advocate_id, user_id) in enumerate(advocate_rows):
        home = district_ids[homes[n]]
        organisation = org if n < advocates else other
        covered = {home} | ({rng.choice(district_ids)} if rng.random() < 0.3 else set())
        cover_districts.extend(
            Advocate.districts.through(advocate_id=advocate_id, district_id=d) for d in covered
        )
        named = rng.sample(
            places_by_district[home], min(len(places_by_district[home]), rng.randint(0, 4))
        )
        cover_places.extend(
            Advocate.places.through(advocate_id=advocate_id, place_id=p) for p in named
        )
        shifts.extend(_rota(rng, organisation, user_id, home, places_by_district[home]))
    Advocate.districts.through.objects.bulk_create(cover_districts, batch_size=BATCH)
    Advocate.places.through.objects.bulk_create(cover_places, batch_size=BATCH)
    Shift.objects.bulk_create(shifts, batch_size=BATCH)
    print(f"{total} advocates, {len(shifts)} shifts … {time.monotonic() - started:.0f} s")

    # People and cases: the load. One person per ten cases is enough (routing never reads them).
    bench_users = [user_id for _pk, user_id in advocate_rows[:advocates]]
    persons = [Person(organisation=org, given_name=f"P{n}") for n in range(open_cases // 5)]
    Person.objects.bulk_create(persons, batch_size=BATCH)
    person_ids = [p.pk for p in persons]
    cases = []
    for n in range(open_cases * 2):
        open_ = n < open_cases
        cases.append(
            Case(
                organisation=org,
                reference=f"PNH-2026-{n:07d}",
                person_id=rng.choice(person_ids),
                case_type="arrest",
                status=rng.choice(["new", "assigned", "in_progress"]) if open_ else "closed",
                outcome="" if open_ else "released",
                assigned_advocate_id=rng.choice(bench_users) if rng.random() < 0.97 else None,
            )
        )
        if len(cases) == BATCH * 5:
            Case.objects.bulk_create(cases, batch_size=BATCH)
            cases = []
    Case.objects.bulk_create(cases, batch_size=BATCH)
    print(f"{open_cases * 2} cases ({open_cases} open) … {time.monotonic() - started:.0f} s")


def _deg(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


DAY, NIGHT, FULL = ((8, 20), (20, 8), (8, 8))


def _rota(
    rng: random.Random, organisation: Organisation, user_id: int, home: int, home_places: list
) -> list[Shift]:
    """Return one advocate's shifts: a weekly pattern and some exceptions (~30% on duty)."""
    pattern = rng.choices(["days", "nights", "weekends", "two_full_days"], [3, 3, 2, 2])[0]
    if pattern == "days":  # five of the week's days, 08:00–20:00: 60 h of 168
        slots = [(d, DAY) for d in range(5)]
    elif pattern == "nights":  # three nights a week, 20:00–08:00: 36 h
        slots = [(d, NIGHT) for d in rng.sample(range(7), 3)]
    elif pattern == "weekends":  # Friday night to Monday morning: 60 h
        slots = [(4, NIGHT), (5, FULL), (6, FULL)]
    else:  # two 24-hour duties: 48 h
        slots = [(d, FULL) for d in rng.sample(range(7), 2)]
    # Some rotas name their cover (a district or a station) instead of the profile's.
    roll = rng.random()
    district = home if roll < 0.1 else None
    place = rng.choice(home_places) if 0.1 <= roll < 0.2 and home_places else None
    until = (
        WEEK.date() - datetime.timedelta(days=rng.randint(1, 60)) if rng.random() < 0.05 else None
    )
    shifts = [
        Shift(
            organisation=organisation,
            user_id=user_id,
            kind=Shift.Kind.WEEKLY,
            weekday=weekday,
            starts=datetime.time(hours[0]),
            ends=datetime.time(hours[1]),
            district_id=district,
            place_id=place,
            valid_until=until,
        )
        for weekday, hours in slots
    ]
    week = [WEEK.date() + datetime.timedelta(days=d) for d in range(7)]
    if rng.random() < 0.1:  # an extra duty this week
        shifts.append(
            Shift(
                organisation=organisation,
                user_id=user_id,
                kind=Shift.Kind.ONCE,
                date=rng.choice(week),
                starts=datetime.time(rng.choice([8, 14, 20])),
                ends=datetime.time(rng.choice([8, 14, 20])),
            )
        )
    shifts.extend(  # leave, or a day in court
        Shift(organisation=organisation, user_id=user_id, kind=Shift.Kind.OFF, date=day)
        for day in (rng.sample(week, rng.randint(1, 2)) if rng.random() < 0.1 else ())
    )
    return shifts


# --- The anchor: the plain ORM, one round of questions per advocate ----------------------------


def anchor_route(case: Case, *, at: datetime.datetime) -> list[Ranked]:
    """Route like a first version would: for each advocate, ask about shifts, cover and load.

    The rota rules are written out again here in plain Python (`_running`), and the same
    `rank` orders the result, so both paths must give the same answer (checked before timing);
    only the way the database is asked differs. The encrypted phone is deferred, so the anchor
    does not pay for decrypting thousands of phones it never shows.
    """
    place = case.place
    assert place is not None
    district_id = place.district_id
    local = at.astimezone(KARACHI)
    day, now = local.date(), local.time().replace(microsecond=0)
    candidates = []
    advocates = (
        Advocate.objects.filter(
            organisation_id=case.organisation_id,
            is_active=True,
            verified_at__isnull=False,
            available=True,
        )
        .select_related("user")
        .defer("phone")
    )
    for advocate in advocates:
        shifts = list(
            Shift.objects.filter(user_id=advocate.user_id, organisation_id=case.organisation_id)
        )
        if any(s.kind == Shift.Kind.OFF and s.date == day for s in shifts):
            continue
        running = [s for s in shifts if s.kind != Shift.Kind.OFF and _running(s, day, now)]
        if not running:
            continue
        covers_place = covers_district = False
        for shift in running:
            if shift.place_id is None and shift.district_id is None:
                covers_place |= advocate.places.filter(pk=place.pk).exists()
                covers_district |= advocate.districts.filter(pk=district_id).exists()
            else:
                covers_place |= shift.place_id == place.pk
                covers_district |= shift.district_id == district_id
        if not (covers_place or covers_district):
            continue
        load = (
            Case.objects.filter(assigned_advocate_id=advocate.user_id)
            .exclude(status="closed")
            .count()
        )
        candidates.append(
            Candidate(
                advocate_id=advocate.pk,
                user_id=advocate.user_id,
                name=advocate.user.get_full_name() or advocate.user.username,
                languages=frozenset(advocate.languages),
                covers_place=covers_place,
                covers_district=covers_district,
                open_cases=load,
                latitude=float(advocate.base_latitude) if advocate.base_latitude else None,
                longitude=float(advocate.base_longitude) if advocate.base_longitude else None,
                acceptance_rate=advocate.acceptance_rate,
            )
        )
    person = case.person
    return rank(
        candidates,
        latitude=float(place.latitude) if place.latitude is not None else None,
        longitude=float(place.longitude) if place.longitude is not None else None,
        language=person.languages[0] if person.languages else None,
    )


def _running(shift: Shift, day: datetime.date, now: datetime.time) -> bool:
    """Whether a weekly or one-off shift is running at local `day`, `now` (the rota rules)."""

    def starts_on(date: datetime.date) -> bool:
        falls = (
            shift.weekday == date.weekday()
            if shift.kind == Shift.Kind.WEEKLY
            else shift.date == date
        )
        return (
            falls
            and (shift.valid_from is None or shift.valid_from <= date)
            and (shift.valid_until is None or date <= shift.valid_until)
        )

    overnight = shift.ends <= shift.starts
    if starts_on(day) and shift.starts <= now and (overnight or now < shift.ends):
        return True
    return overnight and now < shift.ends and starts_on(day - datetime.timedelta(days=1))


# --- Measuring ------------------------------------------------------------------------------


def decisions(n: int, org: Organisation) -> list[tuple[Case, datetime.datetime]]:
    """Return n random (case at a place, moment in the week) pairs, cases built in memory."""
    rng = random.Random(SEED + 1)
    places = list(
        Place.objects.filter(district__province=PROVINCE).only(
            "pk", "district_id", "latitude", "longitude"
        )
    )
    pairs = []
    for _ in range(n):
        place = rng.choice(places)
        language = rng.choices(["ps", "fa", "ur", None], [50, 25, 15, 10])[0]
        person = Person(organisation=org, languages=[language] if language else [])
        case = Case(organisation=org, place=place, district_id=place.district_id, person=person)
        moment = WEEK + datetime.timedelta(seconds=rng.randrange(7 * 24 * 3600))
        pairs.append((case, moment))
    return pairs


def timed(
    fn: object, pairs: list[tuple[Case, datetime.datetime]], *, warmup: int
) -> tuple[list[float], list[float]]:
    """Return the wall-clock and the CPU time of fn(case, at=…) for each pair, in milliseconds.

    CPU time is this thread's (time.thread_time): on SQLite, which runs inside the process,
    it is the whole cost of a decision without the time spent waiting for a core on a busy
    machine; on PostgreSQL it leaves out the server's work.
    """
    for case, moment in pairs[:warmup]:
        fn(case, at=moment)  # type: ignore[operator]
    wall, cpu = [], []
    for case, moment in pairs:
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn(case, at=moment)  # type: ignore[operator]
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def row(label: str, values: list[float]) -> None:
    p50, p95, p99 = (percentile(values, q) for q in (50, 95, 99))
    print(f"{label:<40} {len(values):>6} {p50:8.2f} {p95:8.2f} {p99:8.2f} {max(values):8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--anchor", type=int, default=30, help="decisions for the slow anchor")
    parser.add_argument("--advocates", type=int, default=5000)
    parser.add_argument("--places", type=int, default=2000)
    parser.add_argument("--districts", type=int, default=140)
    parser.add_argument("--open-cases", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true", help="cProfile our decisions")
    args = parser.parse_args()
    call_command("migrate", interactive=False, verbosity=0)
    if not Organisation.objects.filter(name=BENCH_ORG).exists():
        with transaction.atomic():
            generate(
                advocates=args.advocates,
                places=args.places,
                districts=args.districts,
                open_cases=args.open_cases,
            )
        with connection.cursor() as cursor:  # outside the transaction: VACUUM refuses one
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    org = Organisation.objects.get(name=BENCH_ORG)
    pairs = decisions(args.decisions, org)

    # What the data looks like at the decisions' moments.
    eligible = Advocate.objects.filter(
        organisation=org, is_active=True, verified_at__isnull=False, available=True
    ).values_list("user_id", flat=True)
    eligible_ids = set(eligible)
    sample = pairs[:50]
    on_duty = [
        len(routing.on_duty_now(organisation_id=org.pk, at=moment) & eligible_ids)
        for _case, moment in sample
    ]
    found = [len(route(case, at=moment)) for case, moment in pairs]
    first_case, first_moment = pairs[0]
    with CaptureQueriesContext(connection) as ours_queries:
        route(first_case, at=first_moment)
    with CaptureQueriesContext(connection) as anchor_queries:
        anchor_route(first_case, at=first_moment)
    print(
        f"database: {connection.vendor}; advocates: {Advocate.objects.count():,} "
        f"({len(eligible_ids):,} of the organisation alertable); "
        f"places: {Place.objects.filter(district__province=PROVINCE).count():,}; "
        f"districts: {District.objects.filter(province=PROVINCE).count()}; "
        f"shifts: {Shift.objects.count():,}; "
        f"open cases: {Case.objects.exclude(status='closed').count():,}"
    )
    print(
        f"on duty at a random moment: {sum(on_duty) / len(on_duty) / len(eligible_ids):.0%} "
        f"of alertable advocates; candidates per decision: mean "
        f"{sum(found) / len(found):.1f}, max {max(found)}, none in "
        f"{sum(1 for f in found if not f) / len(found):.0%}; queries per decision: "
        f"{len(ours_queries)} (anchor {len(anchor_queries):,})"
    )

    # Both paths must agree before either is timed.
    anchor_pairs = pairs[: args.anchor]
    for case, moment in anchor_pairs:
        assert route(case, at=moment) == anchor_route(case, at=moment), (case.place_id, moment)

    load_before = os.getloadavg()[0]
    ours, ours_cpu = timed(route, pairs, warmup=min(50, len(pairs)))
    anchor, anchor_cpu = timed(anchor_route, anchor_pairs, warmup=1)
    header = ("n", "p50", "p95", "p99", "max")
    print(f"{'milliseconds':<40}" + "".join(f" {h:>8}" if h != "n" else f" {h:>6}" for h in header))
    row("route() (1 query), wall clock", ours)
    small = [t for t, n in zip(ours, found, strict=True) if n <= 50]
    large = [t for t, n in zip(ours, found, strict=True) if n > 50]
    if len(small) > 1 and len(large) > 1:
        row("  of which up to 50 candidates", small)
        row("  of which more than 50 candidates", large)
    row("route() (1 query), CPU time", ours_cpu)
    row("anchor: ORM query per advocate, wall", anchor)
    row("anchor: ORM query per advocate, CPU", anchor_cpu)
    ratio = percentile(anchor, 99) / percentile(ours, 99)
    ratio_cpu = percentile(anchor_cpu, 99) / percentile(ours_cpu, 99)
    print(
        f"p99 wall clock: ours {percentile(ours, 99):.2f} ms, anchor {percentile(anchor, 99):.2f}"
        f" ms, ratio anchor/ours {ratio:,.0f}x; goal p99 < 5 ms: "
        f"{'met' if percentile(ours, 99) < 5 else 'NOT met'}"
    )
    print(
        f"p99 CPU time:   ours {percentile(ours_cpu, 99):.2f} ms, anchor "
        f"{percentile(anchor_cpu, 99):.2f} ms, ratio anchor/ours {ratio_cpu:,.0f}x"
    )
    print(f"load average (1 min) before/after timing: {load_before:.2f} / {os.getloadavg()[0]:.2f}")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for case, moment in pairs:
            route(case, at=moment)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
