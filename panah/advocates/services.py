"""Writes for advocates' profiles, panels, the on-call rota and coordinators' duty phones.

Every service takes the acting staff member first, checks the capability and that each record
belongs to the actor's organisation (another organisation's record is "not found", the same
404 as a missing one), runs in one transaction and writes its audit entry there: an advocate's
and a coordinator's phone are personal data (SECURITY.md DP-1), and so is when and where a
person is on duty.

Phones are stored encrypted with a blind index beside them, so an SMS reply ("YES 4821",
"OFF") finds its sender without plaintext in the database (dispatch.advocate_by_phone reads
the same index, `ADVOCATE_PHONE_INDEX`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import Membership, Organisation, User
from panah.accounts.selectors import Actor
from panah.advocates.models import Advocate, DutyPhone, Panel, Shift, Specialisation
from panah.audit.services import Action, audit_record_write
from panah.core import crypto
from panah.core.access import Capability, Role
from panah.core.errors import DomainError, NotFound
from panah.core.normalise import normalise_phone
from panah.people.models import PersonLanguage
from panah.places.models import LATITUDE_RANGE, LONGITUDE_RANGE, District, Place

# Blind-index names (panah.core.crypto.blind_index): one derived key per index. Dispatch finds
# an advocate replying by SMS through the first.
ADVOCATE_PHONE_INDEX = "advocate.phone"
DUTY_PHONE_INDEX = "advocate.duty_phone"

# Languages an advocate can take instructions in: the codes people's records use (routing
# compares them with the person's first language).
LANGUAGE_CODES = tuple(code for code in PersonLanguage.values if code != PersonLanguage.OTHER)

# Who can be on the rota: advocates (cases) and coordinators (escalations).
ROTA_ROLES = (Role.ADVOCATE, Role.COORDINATOR)


def phone_digest(e164: str) -> str:
    """Return the blind index of an advocate's phone in E.164 form."""
    return crypto.blind_index(ADVOCATE_PHONE_INDEX, e164)


def duty_phone_digest(e164: str) -> str:
    """Return the blind index of a coordinator's duty phone in E.164 form."""
    return crypto.blind_index(DUTY_PHONE_INDEX, e164)


def _phone(raw: str) -> str:
    try:
        return normalise_phone(raw, default_region=settings.PANAH_DEFAULT_PHONE_REGION)
    except DomainError as error:
        raise DomainError({"phone": error.messages}) from error


def _member(actor: Actor, user: User, *, roles: Sequence[str]) -> Membership:
    """Return the user's active membership of the actor's organisation with one of `roles`.

    A user of another organisation is "not found"; one of ours with another role is told so.
    """
    membership = Membership.objects.filter(
        user_id=user.pk, organisation_id=actor.organisation_id, is_active=True
    ).first()
    if membership is None or not user.is_active:
        raise NotFound
    if membership.role not in roles:
        if list(roles) == [Role.ADVOCATE]:
            raise DomainError(
                {
                    "user": _(
                        "Only a staff member with the advocate role can have an advocate profile."
                    )
                }
            )
        if list(roles) == [Role.COORDINATOR]:
            raise DomainError({"user": _("Duty phones are for coordinators.")})
        raise DomainError({"user": _("Only advocates and coordinators can be on the rota.")})
    return membership


def _require_own(actor: Actor, obj: Advocate | Shift) -> None:
    # Views pass records fetched through scoped selectors; checking again here keeps any
    # other caller (a command, a task, the API) from writing into another organisation's.
    if obj.organisation_id != actor.organisation_id:
        raise NotFound


def _clean_codes(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    allowed = list(allowed)
    chosen = []
    for value in values:
        code = str(value).strip().lower()
        if code not in allowed:
            raise DomainError({field: _("Choose from the list.")})
        if code not in chosen:
            chosen.append(code)
    return chosen


def _coordinates(
    latitude: Decimal | float | None, longitude: Decimal | float | None
) -> tuple[Decimal | None, Decimal | None]:
    """Return the base's coordinates, both or neither, inside Pakistan."""
    if (latitude is None) != (longitude is None):
        missing = "base_longitude" if longitude is None else "base_latitude"
        raise DomainError({missing: _("Give both latitude and longitude, or neither.")})
    if latitude is None or longitude is None:
        return None, None
    lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    errors = {}
    if not LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1]:
        errors["base_latitude"] = _("This point is outside Pakistan.")
    if not LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]:
        errors["base_longitude"] = _("This point is outside Pakistan.")
    if errors:
        raise DomainError(errors)
    return lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))


def _panel(actor: Actor, panel: Panel | None) -> Panel | None:
    """A panel serving the actor's organisation (others are not found)."""
    if panel is not None and not panel.organisations.filter(pk=actor.organisation_id).exists():
        raise NotFound
    return panel


def _cover(
    district_ids: Iterable[int], place_ids: Iterable[Any]
) -> tuple[list[District], list[Place]]:
    district_ids, place_ids = list(district_ids), list(place_ids)
    districts = list(District.objects.filter(pk__in=district_ids))
    places = list(Place.objects.filter(pk__in=place_ids))
    if len(districts) != len(set(district_ids)):
        raise DomainError({"districts": _("Choose districts from the list.")})
    if len(places) != len(set(place_ids)):
        raise DomainError({"places": _("Choose places from the list.")})
    return districts, places


@transaction.atomic
def advocate_create(
    actor: Actor,
    *,
    user: User,
    bar_council: str,
    enrolment_number: str,
    languages: Sequence[str] = (),
    specialisations: Sequence[str] = (),
    district_ids: Iterable[int] = (),
    place_ids: Iterable[Any] = (),
    phone: str,
    base_latitude: Decimal | float | None = None,
    base_longitude: Decimal | float | None = None,
    panel: Panel | None = None,
    listed_on_sheets: bool = False,
    source: str = "web",
) -> Advocate:
    """Give a staff member with the advocate role their profile, unverified, and audit it.

    The phone is normalised to E.164, stored encrypted, and indexed for SMS replies.
    """
    actor.require(Capability.ADVOCATES_MANAGE)
    _member(actor, user, roles=[Role.ADVOCATE])
    if Advocate.objects.filter(user_id=user.pk).exists():
        raise DomainError({"user": _("This advocate already has a profile.")})
    e164 = _phone(phone)
    latitude, longitude = _coordinates(base_latitude, base_longitude)
    districts, places = _cover(district_ids, place_ids)
    advocate = Advocate(
        user=user,
        organisation=actor.organisation,
        panel=_panel(actor, panel),
        bar_council=bar_council.strip(),
        enrolment_number=enrolment_number.strip(),
        languages=_clean_codes(languages, LANGUAGE_CODES, "languages"),
        specialisations=_clean_codes(specialisations, Specialisation.values, "specialisations"),
        phone=e164,
        phone_digest=phone_digest(e164),
        base_latitude=latitude,
        base_longitude=longitude,
        listed_on_sheets=listed_on_sheets,
    )
    advocate.full_clean()
    advocate.save(force_insert=True)
    advocate.districts.set(districts)
    advocate.places.set(places)
    fields = ["bar_council", "enrolment_number", "phone", "languages", "specialisations"]
    fields += [name for name, value in (("districts", districts), ("places", places)) if value]
    fields += [
        name
        for name, value in (
            ("base", latitude),
            ("panel", panel),
            ("listed_on_sheets", listed_on_sheets),
        )
        if value
    ]
    audit_record_write(actor, advocate, action=Action.CREATE, fields=fields, source=source)
    return advocate


@transaction.atomic
def advocate_update(
    actor: Actor,
    advocate: Advocate,
    *,
    bar_council: str,
    enrolment_number: str,
    languages: Sequence[str] = (),
    specialisations: Sequence[str] = (),
    district_ids: Iterable[int] = (),
    place_ids: Iterable[Any] = (),
    phone: str | None = None,
    base_latitude: Decimal | float | None = None,
    base_longitude: Decimal | float | None = None,
    panel: Panel | None = None,
    listed_on_sheets: bool = False,
    is_active: bool = True,
    source: str = "web",
) -> Advocate:
    """Change an advocate's profile; audit the names of the fields that changed.

    `phone=None` (or empty) keeps the number on record. A new bar council or enrolment number
    clears the verification: what was checked is no longer what is recorded.
    """
    actor.require(Capability.ADVOCATES_MANAGE)
    _require_own(actor, advocate)
    # Two coordinators saving the same profile: the second waits and applies its changes on
    # the row as the first left it, so the audit names what each one changed.
    advocate = Advocate.objects.select_for_update().get(pk=advocate.pk)
    latitude, longitude = _coordinates(base_latitude, base_longitude)
    chosen_panel = _panel(actor, panel)
    new: dict[str, Any] = {
        "bar_council": bar_council.strip(),
        "enrolment_number": enrolment_number.strip(),
        "languages": _clean_codes(languages, LANGUAGE_CODES, "languages"),
        "specialisations": _clean_codes(specialisations, Specialisation.values, "specialisations"),
        "base_latitude": latitude,
        "base_longitude": longitude,
        "panel_id": chosen_panel.pk if chosen_panel is not None else None,
        "listed_on_sheets": listed_on_sheets,
        "is_active": is_active,
    }
    if phone and phone.strip():
        e164 = _phone(phone)
        new["phone"] = e164
        new["phone_digest"] = phone_digest(e164)
    columns = []
    for name, value in new.items():
        current = getattr(advocate, name)
        if name in {"base_latitude", "base_longitude"} and current is not None:
            current = Decimal(str(current)).quantize(Decimal("0.000001"))
        if current != value:
            setattr(advocate, name, value)
            columns.append(name)
    if {"bar_council", "enrolment_number"} & set(columns) and advocate.verified_at is not None:
        advocate.verified_at = None
        advocate.verified_by = None
        columns += ["verified_at", "verified_by"]
    if columns:
        advocate.full_clean()
        advocate.save(update_fields=columns)
    changed = [_AUDIT_NAMES.get(name, name) for name in columns]
    districts, places = _cover(district_ids, place_ids)
    if {d.pk for d in districts} != set(advocate.districts.values_list("pk", flat=True)):
        advocate.districts.set(districts)
        changed.append("districts")
    if {p.pk for p in places} != set(advocate.places.values_list("pk", flat=True)):
        advocate.places.set(places)
        changed.append("places")
    if changed:
        fields = [name for name in changed if name]
        audit_record_write(actor, advocate, action=Action.UPDATE, fields=fields, source=source)
    return advocate


# Column names as the audit log names them: the phone's digest changes with the phone, and
# the base is one thing to a reader.
_AUDIT_NAMES = {
    "phone_digest": "",
    "panel_id": "panel",
    "base_latitude": "base",
    "base_longitude": "base",
}


@transaction.atomic
def advocate_verify(actor: Actor, advocate: Advocate, *, source: str = "web") -> Advocate:
    """Record that the actor checked the advocate's enrolment with the bar council.

    Only verified advocates are alerted (routing.candidates_for). Verifying twice keeps the
    first verification.
    """
    actor.require(Capability.ADVOCATES_MANAGE)
    _require_own(actor, advocate)
    advocate = Advocate.objects.select_for_update().get(pk=advocate.pk)
    if advocate.verified_at is not None:
        return advocate
    advocate.verified_at = timezone.now()
    advocate.verified_by = actor.user
    advocate.full_clean()
    advocate.save(update_fields=["verified_at", "verified_by"])
    audit_record_write(
        actor, advocate, action=Action.UPDATE, fields=["verified_at", "verified_by"], source=source
    )
    return advocate


# --- Panels ----------------------------------------------------------------------------------


def _partners(actor: Actor, organisations: Iterable[Organisation]) -> list[Organisation]:
    """The organisations a panel serves: always the actor's own, and the partners chosen."""
    chosen = {org.pk: org for org in organisations}
    chosen[actor.organisation_id] = actor.organisation
    return list(chosen.values())


@transaction.atomic
def panel_create(
    actor: Actor,
    *,
    name: str,
    mou_reference: str = "",
    mou_signed_on: datetime.date | None = None,
    organisations: Iterable[Organisation] = (),
    source: str = "web",
) -> Panel:
    """Record a panel serving the actor's organisation (and the partners of its MoU)."""
    actor.require(Capability.PANELS_MANAGE)
    panel = Panel(
        name=name.strip(), mou_reference=mou_reference.strip(), mou_signed_on=mou_signed_on
    )
    panel.full_clean()
    panel.save(force_insert=True)
    panel.organisations.set(_partners(actor, organisations))
    audit_record_write(
        actor,
        panel,
        action=Action.CREATE,
        fields=["name", "mou_reference", "mou_signed_on", "organisations"],
        source=source,
    )
    return panel


@transaction.atomic
def panel_update(
    actor: Actor,
    panel: Panel,
    *,
    name: str,
    mou_reference: str = "",
    mou_signed_on: datetime.date | None = None,
    organisations: Iterable[Organisation] = (),
    source: str = "web",
) -> Panel:
    """Change a panel serving the actor's organisation; the organisation stays among those
    served (leaving a panel is a decision for its MoU, not an edit)."""
    actor.require(Capability.PANELS_MANAGE)
    panel = Panel.objects.select_for_update().filter(pk=panel.pk).first()  # type: ignore[assignment]
    if panel is None or not panel.organisations.filter(pk=actor.organisation_id).exists():
        raise NotFound
    changed = []
    for field, value in (
        ("name", name.strip()),
        ("mou_reference", mou_reference.strip()),
        ("mou_signed_on", mou_signed_on),
    ):
        if getattr(panel, field) != value:
            setattr(panel, field, value)
            changed.append(field)
    if changed:
        panel.full_clean()
        panel.save(update_fields=changed)
    partners = _partners(actor, organisations)
    if {o.pk for o in partners} != set(panel.organisations.values_list("pk", flat=True)):
        panel.organisations.set(partners)
        changed.append("organisations")
    if changed:
        audit_record_write(actor, panel, action=Action.UPDATE, fields=changed, source=source)
    return panel


# --- The rota --------------------------------------------------------------------------------


# What makes two rota entries the same entry (a second one would change nothing).
_SHIFT_IDENTITY = (
    "user_id",
    "kind",
    "weekday",
    "date",
    "starts",
    "ends",
    "district_id",
    "place_id",
    "valid_from",
    "valid_until",
)


@transaction.atomic
def shift_add(
    actor: Actor,
    *,
    user: User,
    kind: str,
    weekday: int | None = None,
    date: datetime.date | None = None,
    starts: datetime.time = datetime.time(0, 0),
    ends: datetime.time = datetime.time(0, 0),
    district: District | None = None,
    place: Place | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    source: str = "web",
) -> Shift:
    """Put an advocate or a coordinator of the organisation on the rota.

    `kind` "weekly" repeats on `weekday` (0 is Monday), "once" adds duty on `date`, "off"
    removes all duty on `date`. A shift whose end is not after its start runs past midnight
    (00:00 to 00:00 is the whole day). Times are Pakistan's wall-clock time, like the
    routing rules that read them (routing._running). A shift naming a place covers that place
    only; naming a district covers the district; naming neither covers the profile's cover.
    """
    actor.require(Capability.ADVOCATES_MANAGE)
    _member(actor, user, roles=ROTA_ROLES)
    if kind not in Shift.Kind.values:
        raise DomainError({"kind": _("Choose from the list.")})
    if kind == Shift.Kind.WEEKLY:
        date = None
        if weekday is None or not 0 <= weekday <= 6:
            raise DomainError({"weekday": _("Choose the weekday of a weekly shift.")})
    else:
        weekday = None
        valid_from = valid_until = None  # a dated entry is valid on its date
        if date is None:
            raise DomainError({"date": _("Choose the date.")})
    if kind == Shift.Kind.OFF:
        # "Off" removes the whole day, whatever its times and cover (routing._duty_by_user).
        starts = ends = datetime.time(0, 0)
        district = place = None
    if place is not None and district is not None and place.district_id != district.pk:
        raise DomainError({"place": _("This place is not in the district chosen.")})
    shift = Shift(
        organisation=actor.organisation,
        user=user,
        kind=kind,
        weekday=weekday,
        date=date,
        starts=starts.replace(second=0, microsecond=0, tzinfo=None),
        ends=ends.replace(second=0, microsecond=0, tzinfo=None),
        district=district,
        place=place,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=actor.user,
    )
    shift.full_clean()
    # Two coordinators adding the same entry at once can both pass this check; a twin changes
    # nobody's duty (the rules read shifts as a set), so no lock is taken for it.
    same: dict[str, Any] = {}
    for name in _SHIFT_IDENTITY:
        value = getattr(shift, name)
        if value is None:
            same[f"{name}__isnull"] = True
        else:
            same[name] = value
    twin = Shift.objects.filter(organisation_id=actor.organisation_id, **same)
    if twin.exists():
        raise DomainError(_("This shift is already on the rota."))
    shift.save(force_insert=True)
    audit_record_write(
        actor,
        shift,
        action=Action.CREATE,
        fields=[
            name
            for name in ("user", "kind", "weekday", "date", "starts", "ends", "district", "place")
            if getattr(shift, name) is not None
        ]
        + [name for name in ("valid_from", "valid_until") if getattr(shift, name)],
        source=source,
    )
    return shift


@transaction.atomic
def shift_remove(actor: Actor, shift: Shift, *, source: str = "web") -> None:
    """Take a shift (or an "off" entry) off the rota. A weekly shift goes for every week:
    to free someone for one date, add an "off" entry instead."""
    actor.require(Capability.ADVOCATES_MANAGE)
    _require_own(actor, shift)
    shift_id = shift.pk
    deleted, _rows = Shift.objects.filter(
        pk=shift_id, organisation_id=actor.organisation_id
    ).delete()
    if not deleted:
        raise NotFound  # removed by someone else meanwhile
    shift.pk = shift_id  # delete() cleared it; the audit names the row that was removed
    audit_record_write(actor, shift, action=Action.DELETE, source=source)


@transaction.atomic
def duty_phone_set(actor: Actor, *, user: User, phone: str, source: str = "web") -> DutyPhone:
    """Set the phone a coordinator is alerted on when no advocate accepts a case."""
    actor.require(Capability.ADVOCATES_MANAGE)
    _member(actor, user, roles=[Role.COORDINATOR])
    e164 = _phone(phone)
    duty = DutyPhone.objects.select_for_update().filter(user_id=user.pk).first()
    if duty is None:
        duty = DutyPhone(user=user, phone=e164, phone_digest=duty_phone_digest(e164))
        duty.full_clean()
        duty.save(force_insert=True)
        audit_record_write(actor, duty, action=Action.CREATE, fields=["phone"], source=source)
        return duty
    if duty.phone != e164:
        duty.phone = e164
        duty.phone_digest = duty_phone_digest(e164)
        duty.full_clean()
        duty.save(update_fields=["phone", "phone_digest"])
        audit_record_write(actor, duty, action=Action.UPDATE, fields=["phone"], source=source)
    return duty
