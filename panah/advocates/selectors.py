"""Reads of advocates, panels and the rota, scoped to the acting user's organisation.

`coverage_gaps` answers "when in the coming days is nobody on duty for a district?" with the
routing module's own rota rules, so the warning and the alerts can never disagree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from panah.accounts.models import User
from panah.accounts.selectors import Actor, actor_for, staff_list_for
from panah.advocates import routing
from panah.advocates.models import Advocate, DutyPhone, Panel, Shift
from panah.audit.services import Action, audit_record, audit_record_read
from panah.core.access import Capability, Role
from panah.core.errors import NotFound
from panah.places.models import District, Place

ROTA_ROLES = (Role.ADVOCATE, Role.COORDINATOR)
DAY = datetime.timedelta(days=1)


def _pk(value: object) -> int:
    """Return a positive integer id from a URL or form value, or 0 (which no row has)."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0


# --- Advocates -------------------------------------------------------------------------------


def advocate_scope(actor: Actor) -> QuerySet[Advocate]:
    """Return the advocates of the actor's organisation (whoever may see them: callers check)."""
    return Advocate.objects.filter(organisation_id=actor.organisation_id)


@dataclass(frozen=True)
class AdvocateFilters:
    district_id: int | None = None  # covers the district, by name or through one of its places
    language: str = ""  # speaks this language (a code: "ps", "fa", …)
    verified: bool | None = None


def advocate_list_for(user: Any, *, filters: AdvocateFilters | None = None) -> QuerySet[Advocate]:
    """Return the directory: the organisation's advocates, filtered, with what the list shows
    (the list shows phones masked: no read audit, as for the people search)."""
    actor = actor_for(user)
    actor.require(Capability.ADVOCATES_VIEW)
    f = filters or AdvocateFilters()
    qs = advocate_scope(actor)
    if f.district_id is not None:
        qs = qs.filter(
            Q(
                pk__in=Advocate.districts.through.objects.filter(district_id=f.district_id).values(
                    "advocate_id"
                )
            )
            | Q(
                pk__in=Advocate.places.through.objects.filter(
                    place__district_id=f.district_id
                ).values("advocate_id")
            )
        )
    if f.language:
        # JSON "contains" has no SQLite implementation; the stored list's text holds each code
        # in quotes on both SQLite and PostgreSQL (codes come from a fixed list).
        qs = qs.alias(languages_text=Cast("languages", TextField())).filter(
            languages_text__contains=f'"{f.language}"'
        )
    if f.verified is not None:
        qs = qs.filter(verified_at__isnull=not f.verified)
    return (
        qs.select_related("user", "panel")
        .prefetch_related("districts")
        .annotate(place_count=Count("places", distinct=True))
        .order_by("-is_active", "user__last_name", "user__first_name", "pk")
    )


def advocate_get_for(user: Any, *, advocate_id: object, source: str = "web") -> Advocate:
    """Return one advocate's profile for its page; audit the read. 404 if out of scope."""
    actor = actor_for(user)
    actor.require(Capability.ADVOCATES_VIEW)
    advocate = (
        advocate_scope(actor)
        .select_related("user", "panel", "verified_by")
        .prefetch_related("districts", Prefetch("places", Place.objects.select_related("district")))
        .filter(pk=_pk(advocate_id))
        .first()
    )
    if advocate is None:
        raise NotFound
    audit_record_read(actor, advocate, source=source)
    return advocate


def advocate_phone_reveal_for(user: Any, *, advocate_id: object, source: str = "web") -> Advocate:
    """Return an advocate whose phone the user asked to see in full; audit the reveal.

    Pages show phones masked (SECURITY.md DP-9), as the people pages do.
    """
    actor = actor_for(user)
    actor.require(Capability.ADVOCATES_VIEW)
    advocate = advocate_scope(actor).select_related("user").filter(pk=_pk(advocate_id)).first()
    if advocate is None:
        raise NotFound
    audit_record(
        actor,
        action=Action.VIEW,
        object_type="advocate",
        object_id=advocate.pk,
        fields=["phone"],
        source=source,
    )
    return advocate


def advocate_for_write(actor: Actor, *, advocate_id: object) -> Advocate:
    """Return an advocate the actor may change (no read audit: the write is audited)."""
    actor.require(Capability.ADVOCATES_MANAGE)
    advocate = (
        advocate_scope(actor)
        .select_related("user", "panel")
        .prefetch_related("districts", "places")
        .filter(pk=_pk(advocate_id))
        .first()
    )
    if advocate is None:
        raise NotFound
    return advocate


def advocate_own_for(user: Any) -> Advocate | None:
    """Return the acting advocate's own profile, or None if nobody has made it yet."""
    actor = actor_for(user)
    actor.require(Capability.ADVOCATE_SELF)
    return (
        advocate_scope(actor)
        .select_related("user", "panel", "verified_by")
        .prefetch_related("districts", Prefetch("places", Place.objects.select_related("district")))
        .filter(user_id=actor.user.pk)
        .first()
    )


def advocate_users_without_profile_for(actor: Actor) -> QuerySet[User]:
    """Return the staff with the advocate role who have no profile yet (the new-profile form)."""
    actor.require(Capability.ADVOCATES_MANAGE)
    return staff_list_for(actor.user, roles=[Role.ADVOCATE]).filter(advocate_profile__isnull=True)


# --- Panels ----------------------------------------------------------------------------------


def panel_list_for(user: Any) -> QuerySet[Panel]:
    """Return the panels serving the user's organisation, with how many of its advocates sit
    on each."""
    actor = actor_for(user)
    actor.require(Capability.ADVOCATES_VIEW)
    return (
        Panel.objects.filter(organisations=actor.organisation_id)
        .annotate(
            advocate_count=Count(
                "advocates",
                filter=Q(advocates__organisation_id=actor.organisation_id),
                distinct=True,
            )
        )
        .prefetch_related("organisations")
        .order_by("name")
    )


def panel_choices_for(actor: Actor) -> QuerySet[Panel]:
    """Return the panels an advocate of the actor's organisation may be put on."""
    return Panel.objects.filter(organisations=actor.organisation_id).order_by("name")


def panel_for_write(actor: Actor, *, panel_id: object) -> Panel:
    """Return a panel serving the actor's organisation that the actor may change."""
    actor.require(Capability.PANELS_MANAGE)
    panel = (
        Panel.objects.filter(organisations=actor.organisation_id, pk=_pk(panel_id))
        .prefetch_related("organisations")
        .first()
    )
    if panel is None:
        raise NotFound
    return panel


# --- The rota, as a calendar ------------------------------------------------------------------


@dataclass(frozen=True)
class RotaEntry:
    """A shift as it falls on one date of the calendar (shown on the date it starts)."""

    shift: Shift
    cancelled: bool  # an "off" entry on the same date removes all that day's duty

    @property
    def overnight(self) -> bool:
        return self.shift.ends <= self.shift.starts and self.shift.ends != datetime.time(0, 0)

    @property
    def all_day(self) -> bool:
        return self.shift.starts == self.shift.ends == datetime.time(0, 0)


@dataclass(frozen=True)
class RotaCell:
    date: datetime.date
    entries: tuple[RotaEntry, ...]
    off: Shift | None


@dataclass(frozen=True)
class RotaRow:
    user: User
    role: str
    advocate: Advocate | None
    cells: tuple[RotaCell, ...]
    on_duty_now: bool


@dataclass(frozen=True)
class RotaWeek:
    start: datetime.date
    days: tuple[datetime.date, ...]
    rows: tuple[RotaRow, ...]


def _falls_on(shift: Shift, day: datetime.date) -> bool:
    """Whether a weekly or dated shift starts on `day` (the same test as routing._running)."""
    if shift.kind == Shift.Kind.WEEKLY:
        return (
            shift.weekday == day.weekday()
            and (shift.valid_from is None or shift.valid_from <= day)
            and (shift.valid_until is None or day <= shift.valid_until)
        )
    return shift.date == day


def _cells(shifts: Sequence[Shift], days: Sequence[datetime.date]) -> tuple[RotaCell, ...]:
    cells = []
    for day in days:
        falling = [s for s in shifts if _falls_on(s, day)]
        off = next((s for s in falling if s.kind == Shift.Kind.OFF), None)
        entries = tuple(
            RotaEntry(shift=s, cancelled=off is not None)
            for s in sorted(falling, key=lambda s: (s.starts, s.ends, s.pk))
            if s.kind != Shift.Kind.OFF
        )
        cells.append(RotaCell(date=day, entries=entries, off=off))
    return tuple(cells)


def _shifts_in(organisation_id: Any, first: datetime.date, last: datetime.date) -> QuerySet[Shift]:
    """Return the weekly shifts and the dated entries from `first` to `last` (inclusive)."""
    return (
        Shift.objects.filter(organisation_id=organisation_id)
        .filter(Q(kind=Shift.Kind.WEEKLY) | Q(date__gte=first, date__lte=last))
        .select_related("district", "place")
        .order_by("starts", "pk")
    )


def rota_week_for(user: Any, *, start: datetime.date, days: int = 7) -> RotaWeek:
    """Return the rota of the user's organisation from `start` for `days` days, one row per
    advocate and coordinator (those without shifts too: the rota is built from here).

    Three queries: the staff (with role and profile), their shifts, and who is on duty now.
    """
    actor = actor_for(user)
    actor.require(Capability.ADVOCATES_MANAGE)
    dates = tuple(start + n * DAY for n in range(days))
    staff = list(
        staff_list_for(user, roles=ROTA_ROLES).select_related("membership", "advocate_profile")
    )
    by_user: dict[int, list[Shift]] = defaultdict(list)
    for shift in _shifts_in(actor.organisation_id, dates[0], dates[-1]):
        by_user[shift.user_id].append(shift)
    on_duty = routing.on_duty_now(organisation_id=actor.organisation_id, at=timezone.now())
    rows = []
    for member in staff:
        advocate = getattr(member, "advocate_profile", None)
        rows.append(
            RotaRow(
                user=member,
                role=member.membership.role,
                advocate=advocate,
                cells=_cells(by_user.get(member.pk, []), dates),
                on_duty_now=member.pk in on_duty,
            )
        )
    # Advocates first (the rota is mostly theirs), then coordinators; by name within each.
    rows.sort(key=lambda r: (r.role != Role.ADVOCATE, r.user.get_full_name() or r.user.username))
    return RotaWeek(start=start, days=dates, rows=tuple(rows))


def shifts_upcoming_for(
    user: Any, *, start: datetime.date, days: int = 7, staff_id: int | None = None
) -> tuple[RotaCell, ...]:
    """Return one staff member's shifts from `start`, one cell per date: the acting user's own,
    or (for those who see the directory) those of `staff_id` of the same organisation."""
    actor = actor_for(user)
    if staff_id is None or staff_id == actor.user.pk:
        staff_id = actor.user.pk
    else:
        actor.require(Capability.ADVOCATES_VIEW)
    dates = [start + n * DAY for n in range(days)]
    shifts = list(_shifts_in(actor.organisation_id, dates[0], dates[-1]).filter(user_id=staff_id))
    return _cells(shifts, dates)


def shift_for_write(actor: Actor, *, shift_id: object) -> Shift:
    """Return a shift of the actor's organisation that the actor may remove."""
    actor.require(Capability.ADVOCATES_MANAGE)
    shift = (
        Shift.objects.filter(organisation_id=actor.organisation_id, pk=_pk(shift_id))
        .select_related("user")
        .first()
    )
    if shift is None:
        raise NotFound
    return shift


def rota_staff_for(actor: Actor) -> QuerySet[User]:
    """Return who can be put on the rota: the organisation's advocates and coordinators."""
    actor.require(Capability.ADVOCATES_MANAGE)
    return staff_list_for(actor.user, roles=ROTA_ROLES)


@dataclass(frozen=True)
class DutyPhoneRow:
    coordinator: User
    duty_phone: DutyPhone | None


def duty_phones_for(actor: Actor) -> list[DutyPhoneRow]:
    """Return the organisation's coordinators, each with their duty phone if set."""
    actor.require(Capability.ADVOCATES_MANAGE)
    coordinators = list(staff_list_for(actor.user, roles=[Role.COORDINATOR]))
    phones = {p.user_id: p for p in DutyPhone.objects.filter(user__in=coordinators)}
    return [DutyPhoneRow(c, phones.get(c.pk)) for c in coordinators]


# --- Gaps in cover ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """A stretch of time, [starts, ends), when no advocate is on duty for a district."""

    starts: datetime.datetime
    ends: datetime.datetime

    @property
    def duration(self) -> datetime.timedelta:
        return self.ends - self.starts


@dataclass(frozen=True)
class DistrictCover:
    """One district's gaps over the period asked for, and the same cut at each midnight."""

    district: District
    gaps: tuple[Gap, ...]
    by_day: tuple[tuple[Gap, ...], ...]  # one entry per date of the period

    @property
    def has_gaps(self) -> bool:
        return bool(self.gaps)


def coverage_gaps(
    organisation_id: Any, *, start: datetime.date, days: int = 7
) -> list[DistrictCover]:
    """Return, for each district the organisation's advocates cover, when nobody is on duty
    there from midnight starting `start` for `days` days (local time), districts by name.

    Which districts: those named in an active advocate's profile (directly or through one of
    its places) or in one of the organisation's shifts. Districts where the organisation has
    open cases but no advocate at all are not "gaps in a rota" and are left out.

    Who covers a district, by the routing rules (so the warning matches who would be alerted):
    an active, verified, available advocate with a shift running (weekly and one-off shifts,
    minus "off" dates, overnight shifts into the next day: `routing._duty_by_user`) that
    names the district, or names neither place nor district while the profile covers the
    district. A shift naming only a police station covers that station, not its district.

    How: the rota can only change at a shift's start or end, or at midnight (when "off" dates
    begin and end). The routing rules are evaluated at each such moment in the period, and
    the answer holds until the next one: exact to the minute, without re-implementing the
    rules, and with (number of distinct start/end times + 1) × days evaluations per district.
    """
    tz = timezone.get_default_timezone()
    first = start
    last = start + (days - 1) * DAY
    advocates = Advocate.objects.filter(
        organisation_id=organisation_id, is_active=True, user__is_active=True
    )
    eligible_users = set(
        advocates.filter(verified_at__isnull=False, available=True).values_list(
            "user_id", flat=True
        )
    )
    user_of = dict(advocates.values_list("pk", "user_id"))
    profile_districts: dict[int, set[int]] = defaultdict(set)
    district_ids: set[int] = set()
    for advocate_id, district_id in Advocate.districts.through.objects.filter(
        advocate_id__in=list(user_of)
    ).values_list("advocate_id", "district_id"):
        profile_districts[user_of[advocate_id]].add(district_id)
        district_ids.add(district_id)
    district_ids.update(
        Place.objects.filter(advocates__in=list(user_of)).values_list("district_id", flat=True)
    )
    shifts = list(
        Shift.objects.filter(organisation_id=organisation_id)
        .filter(Q(kind=Shift.Kind.WEEKLY) | Q(date__gte=first - DAY, date__lte=last))
        .order_by()
        .values_list(*routing._SHIFT_COLUMNS)
    )
    rota_users = set(user_of.values())
    shift_places = set()
    for row in shifts:
        if row[0] in rota_users:
            if row[9] is not None:
                district_ids.add(row[9])
            elif row[8] is not None:
                shift_places.add(row[8])
    if shift_places:
        district_ids.update(
            Place.objects.filter(pk__in=shift_places).values_list("district_id", flat=True)
        )
    districts = District.objects.filter(pk__in=district_ids).order_by("name")

    offs = [row for row in shifts if row[1] == Shift.Kind.OFF and row[0] in eligible_users]
    period_start = datetime.datetime.combine(first, datetime.time(0, 0))
    period_end = period_start + days * DAY
    midnights = [timezone.make_aware(period_start + n * DAY, tz) for n in range(days + 1)]
    result = []
    for district in districts:
        rows = [
            row
            for row in shifts
            if row[1] != Shift.Kind.OFF
            and row[0] in eligible_users
            and (
                row[9] == district.pk
                or (row[8] is None and row[9] is None and district.pk in profile_districts[row[0]])
            )
        ]
        gaps = _gaps(rows + offs, period_start, period_end, tz)
        result.append(
            DistrictCover(
                district=district,
                gaps=tuple(gaps),
                by_day=tuple(_clip(gaps, midnights[n], midnights[n + 1]) for n in range(days)),
            )
        )
    return result


def _gaps(
    rows: list[Any],
    period_start: datetime.datetime,
    period_end: datetime.datetime,
    tz: datetime.tzinfo,
) -> list[Gap]:
    """Return the gaps in local naive period [period_start, period_end) as aware times."""
    times = {datetime.time(0, 0)}
    for row in rows:
        if row[1] != Shift.Kind.OFF:
            times.update((row[4], row[5]))
    moments = sorted(
        {
            datetime.datetime.combine(period_start.date() + n * DAY, t)
            for n in range((period_end - period_start).days)
            for t in times
        }
    )
    gaps: list[Gap] = []
    for index, moment in enumerate(moments):
        at = timezone.make_aware(moment, tz)
        if routing._duty_by_user(rows, at):
            continue
        until = moments[index + 1] if index + 1 < len(moments) else period_end
        ends = timezone.make_aware(until, tz)
        if gaps and gaps[-1].ends == at:
            gaps[-1] = Gap(gaps[-1].starts, ends)
        else:
            gaps.append(Gap(at, ends))
    return gaps


def _clip(
    gaps: Iterable[Gap], starts: datetime.datetime, ends: datetime.datetime
) -> tuple[Gap, ...]:
    return tuple(
        Gap(max(gap.starts, starts), min(gap.ends, ends))
        for gap in gaps
        if gap.starts < ends and gap.ends > starts
    )
