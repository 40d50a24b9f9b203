"""Advocates' services: who may write, the organisation check, phones at rest, the audit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from panah.advocates import services
from panah.advocates.models import Advocate, DutyPhone, Panel, Shift
from panah.advocates.tests.factories import AdvocateFactory, PanelFactory, ShiftFactory
from panah.audit.models import AuditEvent
from panah.core import crypto
from panah.core.access import Role
from panah.core.errors import NotFound, PermissionDenied
from panah.dispatch.services import advocate_by_phone
from panah.testing.factories import DistrictFactory, PlaceFactory

pytestmark = pytest.mark.django_db

MANAGERS = {Role.COORDINATOR, Role.ORG_ADMIN}
PHONE_TYPED = "0300 7654321"
PHONE_E164 = "+923007654321"


@pytest.fixture
def quetta():
    return DistrictFactory()


def create(actor, user, **overrides):
    values = {
        "user": user,
        "bar_council": "Balochistan Bar Council",
        "enrolment_number": "BBC-TEST-0001",
        "languages": ["ps", "ur"],
        "specialisations": ["arrest_bail"],
        "phone": PHONE_TYPED,
    }
    values.update(overrides)
    return services.advocate_create(actor, **values)


def advocate_of(organisation, **fields):
    """A profile made by the factory, with a digest of the column's length (64)."""
    return AdvocateFactory(
        organisation=organisation, membership=False, phone_digest="d" * 64, **fields
    )


def raw_column(table: str, column: str, pk: object) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


# --- advocate_create -------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_only_coordinators_and_admins_create_profiles(personas, actor_of, role):
    actor = actor_of(personas["a"][role])
    if role in MANAGERS:
        advocate = create(actor, personas["a"]["advocate"])
        assert advocate.organisation == personas["a"]["org"]
    else:
        with pytest.raises(PermissionDenied):
            create(actor, personas["a"]["advocate"])
        assert not Advocate.objects.exists()


def test_a_user_of_another_organisation_is_not_found(personas, actor_of):
    with pytest.raises(NotFound):
        create(actor_of(personas["a"]["coordinator"]), personas["b"]["advocate"])
    assert not Advocate.objects.exists()


def test_only_staff_with_the_advocate_role_get_a_profile(personas, actor_of):
    with pytest.raises(ValidationError) as error:
        create(actor_of(personas["a"]["coordinator"]), personas["a"]["operator"])
    assert "user" in error.value.message_dict


def test_a_second_profile_for_the_same_advocate_is_refused(personas, actor_of):
    actor = actor_of(personas["a"]["coordinator"])
    create(actor, personas["a"]["advocate"])
    with pytest.raises(ValidationError):
        create(actor, personas["a"]["advocate"], enrolment_number="BBC-TEST-0002")


def test_the_phone_is_normalised_encrypted_at_rest_and_indexed_for_sms_replies(personas, actor_of):
    advocate = create(actor_of(personas["a"]["coordinator"]), personas["a"]["advocate"])

    advocate.refresh_from_db()
    assert advocate.phone == PHONE_E164
    assert advocate.phone_digest == crypto.blind_index("advocate.phone", PHONE_E164)
    stored = raw_column("advocates_advocate", "phone", advocate.pk)
    assert "7654321" not in stored and "0300" not in stored
    # Dispatch finds who replied by SMS through the same blind index.
    assert advocate_by_phone(PHONE_E164) == advocate


def test_a_bad_phone_is_refused_on_the_phone_field(personas, actor_of):
    with pytest.raises(ValidationError) as error:
        create(actor_of(personas["a"]["coordinator"]), personas["a"]["advocate"], phone="12")
    assert "phone" in error.value.message_dict


def test_creating_a_profile_is_audited_with_field_names_only(personas, actor_of, quetta):
    coordinator = actor_of(personas["a"]["coordinator"])
    advocate = create(coordinator, personas["a"]["advocate"], district_ids=[quetta.pk])

    event = AuditEvent.objects.get(object_type="advocate", object_id=str(advocate.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == coordinator.user
    assert {"phone", "enrolment_number", "districts"} <= set(event.fields)
    assert PHONE_E164 not in str(event.fields)
    assert list(advocate.districts.all()) == [quetta]


def test_a_new_profile_is_not_verified(personas, actor_of):
    advocate = create(actor_of(personas["a"]["coordinator"]), personas["a"]["advocate"])
    assert advocate.verified_at is None and not advocate.is_verified


def test_a_base_outside_pakistan_or_half_given_is_refused(personas, actor_of):
    actor = actor_of(personas["a"]["coordinator"])
    with pytest.raises(ValidationError) as error:
        create(actor, personas["a"]["advocate"], base_latitude=Decimal("30.18"))
    assert "base_longitude" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        create(
            actor,
            personas["a"]["advocate"],
            base_latitude=Decimal("67.0"),
            base_longitude=Decimal("30.2"),
        )
    assert "base_latitude" in error.value.message_dict


def test_an_unknown_language_code_is_refused(personas, actor_of):
    with pytest.raises(ValidationError):
        create(actor_of(personas["a"]["coordinator"]), personas["a"]["advocate"], languages=["xx"])


def test_a_panel_not_serving_the_organisation_is_not_found(personas, actor_of):
    panel = PanelFactory(serves=[personas["b"]["org"]])
    with pytest.raises(NotFound):
        create(actor_of(personas["a"]["coordinator"]), personas["a"]["advocate"], panel=panel)


# --- advocate_update and advocate_verify -----------------------------------------------------


def update(actor, advocate, **overrides):
    values = {
        "bar_council": advocate.bar_council,
        "enrolment_number": advocate.enrolment_number,
        "languages": advocate.languages,
        "specialisations": advocate.specialisations,
    }
    values.update(overrides)
    return services.advocate_update(actor, advocate, **values)


@pytest.mark.parametrize("role", Role.values)
def test_only_coordinators_and_admins_update_and_verify(personas, actor_of, role):
    advocate = advocate_of(personas["a"]["org"], verified_at=None)
    actor = actor_of(personas["a"][role])
    if role in MANAGERS:
        assert update(actor, advocate, languages=["fa"]).languages == ["fa"]
        assert services.advocate_verify(actor, advocate).is_verified
    else:
        with pytest.raises(PermissionDenied):
            update(actor, advocate, languages=["fa"])
        with pytest.raises(PermissionDenied):
            services.advocate_verify(actor, advocate)


def test_an_advocate_of_another_organisation_is_not_found(personas, actor_of):
    advocate = advocate_of(personas["b"]["org"], verified_at=None)
    actor = actor_of(personas["a"]["org_admin"])
    with pytest.raises(NotFound):
        update(actor, advocate, languages=["fa"])
    with pytest.raises(NotFound):
        services.advocate_verify(actor, advocate)
    advocate.refresh_from_db()
    assert advocate.verified_at is None and advocate.languages == ["ur", "en"]


def test_verifying_records_who_and_when_and_a_second_time_keeps_the_first(personas, actor_of):
    advocate = advocate_of(personas["a"]["org"], verified_at=None)
    coordinator = actor_of(personas["a"]["coordinator"])
    verified = services.advocate_verify(coordinator, advocate)
    assert verified.verified_by == coordinator.user and verified.verified_at is not None
    again = services.advocate_verify(actor_of(personas["a"]["org_admin"]), advocate)
    assert again.verified_by == coordinator.user
    assert AuditEvent.objects.filter(object_type="advocate", action="update").count() == 1


def test_an_empty_phone_keeps_the_number_and_a_new_one_is_indexed(personas, actor_of):
    actor = actor_of(personas["a"]["coordinator"])
    advocate = create(actor, personas["a"]["advocate"])
    kept = update(actor, advocate, phone="")
    assert kept.phone == PHONE_E164
    changed = update(actor, advocate, phone="+92 301 1112223")
    assert changed.phone == "+923011112223"
    assert changed.phone_digest == crypto.blind_index("advocate.phone", "+923011112223")
    event = AuditEvent.objects.filter(object_type="advocate", action="update").latest("id")
    assert event.fields == ["phone"]


def test_a_new_enrolment_number_clears_the_verification(personas, actor_of):
    actor = actor_of(personas["a"]["coordinator"])
    advocate = advocate_of(personas["a"]["org"])
    assert advocate.is_verified
    updated = update(actor, advocate, enrolment_number="BBC-NEW-1")
    assert not updated.is_verified and updated.verified_by is None


def test_an_update_that_changes_nothing_writes_no_audit(personas, actor_of):
    actor = actor_of(personas["a"]["coordinator"])
    advocate = advocate_of(personas["a"]["org"])
    update(actor, advocate)
    assert not AuditEvent.objects.filter(object_type="advocate").exists()


# --- Panels ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_only_organisation_administrators_create_panels(personas, actor_of, role):
    actor = actor_of(personas["a"][role])
    if role == Role.ORG_ADMIN:
        panel = services.panel_create(
            actor, name="BBC Refugee Panel", organisations=[personas["b"]["org"]]
        )
        assert set(panel.organisations.all()) == {personas["a"]["org"], personas["b"]["org"]}
        assert AuditEvent.objects.filter(object_type="panel", action="create").exists()
    else:
        with pytest.raises(PermissionDenied):
            services.panel_create(actor, name="BBC Refugee Panel")
        assert not Panel.objects.exists()


def test_a_panel_keeps_serving_the_organisation_that_edits_it(personas, actor_of):
    admin = actor_of(personas["a"]["org_admin"])
    panel = services.panel_create(admin, name="Panel", organisations=[personas["b"]["org"]])
    services.panel_update(admin, panel, name="Panel renamed", organisations=[])
    panel.refresh_from_db()
    assert panel.name == "Panel renamed"
    assert list(panel.organisations.all()) == [personas["a"]["org"]]


def test_a_panel_of_other_organisations_is_not_found(personas, actor_of):
    panel = PanelFactory(serves=[personas["b"]["org"]])
    with pytest.raises(NotFound):
        services.panel_update(actor_of(personas["a"]["org_admin"]), panel, name="Taken over")
    panel.refresh_from_db()
    assert panel.name != "Taken over"


# --- The rota --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_only_coordinators_and_admins_add_and_remove_shifts(personas, actor_of, role):
    actor = actor_of(personas["a"][role])
    advocate_user = personas["a"]["advocate"]
    if role in MANAGERS:
        shift = services.shift_add(actor, user=advocate_user, kind="weekly", weekday=5)
        assert shift.organisation == personas["a"]["org"] and shift.created_by == actor.user
        services.shift_remove(actor, shift)
        assert not Shift.objects.exists()
    else:
        with pytest.raises(PermissionDenied):
            services.shift_add(actor, user=advocate_user, kind="weekly", weekday=5)
        shift = ShiftFactory(organisation=personas["a"]["org"], user=advocate_user)
        with pytest.raises(PermissionDenied):
            services.shift_remove(actor, shift)
        assert Shift.objects.count() == 1


def test_coordinators_can_be_on_the_rota_and_operators_cannot(personas, actor_of):
    actor = actor_of(personas["a"]["coordinator"])
    services.shift_add(actor, user=personas["a"]["coordinator"], kind="weekly", weekday=0)
    with pytest.raises(ValidationError) as error:
        services.shift_add(actor, user=personas["a"]["operator"], kind="weekly", weekday=0)
    assert "user" in error.value.message_dict


def test_a_shift_for_someone_of_another_organisation_is_not_found(personas, actor_of):
    with pytest.raises(NotFound):
        services.shift_add(
            actor_of(personas["a"]["coordinator"]),
            user=personas["b"]["advocate"],
            kind="weekly",
            weekday=0,
        )


def test_removing_another_organisations_shift_is_not_found(personas, actor_of):
    shift = ShiftFactory(organisation=personas["b"]["org"], user=personas["b"]["advocate"])
    with pytest.raises(NotFound):
        services.shift_remove(actor_of(personas["a"]["coordinator"]), shift)
    assert Shift.objects.filter(pk=shift.pk).exists()


def test_a_weekly_shift_needs_a_weekday_and_a_dated_one_a_date(personas, actor_of):
    actor = actor_of(personas["a"]["coordinator"])
    user = personas["a"]["advocate"]
    with pytest.raises(ValidationError) as error:
        services.shift_add(actor, user=user, kind="weekly")
    assert "weekday" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.shift_add(actor, user=user, kind="once", weekday=2)
    assert "date" in error.value.message_dict


def test_an_off_entry_takes_the_whole_day_whatever_times_are_given(personas, actor_of):
    off = services.shift_add(
        actor_of(personas["a"]["coordinator"]),
        user=personas["a"]["advocate"],
        kind="off",
        date=datetime.date(2026, 12, 5),
        starts=datetime.time(9),
        ends=datetime.time(17),
        valid_from=datetime.date(2026, 1, 1),
    )
    assert (off.starts, off.ends, off.weekday, off.valid_from) == (
        datetime.time(0),
        datetime.time(0),
        None,
        None,
    )


def test_a_place_outside_the_district_chosen_is_refused(personas, actor_of, quetta):
    chagai = DistrictFactory(name="Chagai", name_ur="")
    station = PlaceFactory(district=chagai, name="Taftan Police Station")
    with pytest.raises(ValidationError) as error:
        services.shift_add(
            actor_of(personas["a"]["coordinator"]),
            user=personas["a"]["advocate"],
            kind="weekly",
            weekday=1,
            district=quetta,
            place=station,
        )
    assert "place" in error.value.message_dict


def test_the_same_shift_twice_is_refused(personas, actor_of):
    actor = actor_of(personas["a"]["coordinator"])
    user = personas["a"]["advocate"]
    services.shift_add(actor, user=user, kind="weekly", weekday=0)
    with pytest.raises(ValidationError):
        services.shift_add(actor, user=user, kind="weekly", weekday=0)
    services.shift_add(actor, user=user, kind="weekly", weekday=1)  # Tuesday is another
    assert Shift.objects.count() == 2


def test_adding_and_removing_a_shift_are_audited(personas, actor_of, quetta):
    actor = actor_of(personas["a"]["coordinator"])
    shift = services.shift_add(
        actor, user=personas["a"]["advocate"], kind="weekly", weekday=3, district=quetta
    )
    shift_id = shift.pk
    services.shift_remove(actor, shift)
    events = list(
        AuditEvent.objects.filter(object_type="shift", object_id=str(shift_id)).order_by("id")
    )
    assert [e.action for e in events] == ["create", "delete"]
    assert {"user", "kind", "weekday", "district"} <= set(events[0].fields)


# --- Duty phones -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_only_coordinators_and_admins_set_duty_phones(personas, actor_of, role):
    actor = actor_of(personas["a"][role])
    coordinator = personas["a"]["coordinator"]
    if role in MANAGERS:
        duty = services.duty_phone_set(actor, user=coordinator, phone=PHONE_TYPED)
        assert duty.phone == PHONE_E164
    else:
        with pytest.raises(PermissionDenied):
            services.duty_phone_set(actor, user=coordinator, phone=PHONE_TYPED)


def test_a_duty_phone_is_encrypted_indexed_and_changed_in_place(personas, actor_of):
    actor = actor_of(personas["a"]["coordinator"])
    coordinator = personas["a"]["coordinator"]
    duty = services.duty_phone_set(actor, user=coordinator, phone=PHONE_TYPED)
    assert duty.phone_digest == crypto.blind_index("advocate.duty_phone", PHONE_E164)
    stored = raw_column("advocates_dutyphone", "phone", duty.pk)
    assert "7654321" not in stored
    services.duty_phone_set(actor, user=coordinator, phone="0301 1112223")
    assert DutyPhone.objects.get().phone == "+923011112223"
    actions = list(
        AuditEvent.objects.filter(object_type="dutyphone")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


def test_duty_phones_are_for_coordinators_of_the_organisation(personas, actor_of):
    actor = actor_of(personas["a"]["org_admin"])
    with pytest.raises(ValidationError):
        services.duty_phone_set(actor, user=personas["a"]["advocate"], phone=PHONE_TYPED)
    with pytest.raises(NotFound):
        services.duty_phone_set(actor, user=personas["b"]["coordinator"], phone=PHONE_TYPED)
    assert not DutyPhone.objects.exists()
