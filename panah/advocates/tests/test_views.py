"""Advocates' pages: who sees which page, the other organisation's 404, htmx partials."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from panah.advocates.models import Advocate, DutyPhone, Shift
from panah.advocates.tests.factories import AdvocateFactory, PanelFactory, ShiftFactory
from panah.audit.models import AuditEvent
from panah.core.access import Role
from panah.testing.factories import DistrictFactory, PlaceFactory

pytestmark = pytest.mark.django_db

VIEWERS = {Role.CASE_MANAGER, Role.COORDINATOR, Role.ORG_ADMIN}
MANAGERS = {Role.COORDINATOR, Role.ORG_ADMIN}
HTMX = {"HTTP_HX_REQUEST": "true"}
PHONE = "+923007654321"

_digests = iter(range(10**6))


def profile(user, organisation, **fields):
    return AdvocateFactory(
        user=user,
        organisation=organisation,
        membership=False,
        phone=PHONE,
        phone_digest=f"{next(_digests):064d}",
        **fields,
    )


@pytest.fixture
def quetta():
    return DistrictFactory()


@pytest.fixture
def ours(personas, quetta):
    """Organisation A's advocate, with a profile covering Quetta."""
    return profile(personas["a"]["advocate"], personas["a"]["org"], covers=[quetta])


@pytest.fixture
def theirs(personas, quetta):
    return profile(personas["b"]["advocate"], personas["b"]["org"], covers=[quetta])


def status(client, user, method, url, data=None):
    client.force_login(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


# --- Who may open which page -----------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_the_directory_and_profiles_are_for_those_who_assign_cases(client, personas, ours, role):
    user = personas["a"][role]
    expected = 200 if role in VIEWERS else 404
    assert status(client, user, "get", reverse("advocates:advocate_list")) == expected
    detail = reverse("advocates:advocate_detail", args=[ours.pk])
    assert status(client, user, "get", detail) == expected
    assert status(client, user, "get", reverse("advocates:panel_list")) == expected


@pytest.mark.parametrize("role", Role.values)
def test_the_rota_and_profile_forms_are_for_coordinators_and_admins(client, personas, ours, role):
    user = personas["a"][role]
    expected = 200 if role in MANAGERS else 404
    for url in (
        reverse("advocates:rota"),
        reverse("advocates:advocate_create"),
        reverse("advocates:advocate_edit", args=[ours.pk]),
    ):
        assert status(client, user, "get", url) == expected, url


@pytest.mark.parametrize("role", Role.values)
def test_refused_writes_change_nothing(client, personas, ours, quetta, role):
    if role in MANAGERS:
        return
    user = personas["a"][role]
    shift = ShiftFactory(organisation=personas["a"]["org"], user=ours.user)
    posts = [
        (reverse("advocates:advocate_verify", args=[ours.pk]), {}),
        (reverse("advocates:shift_add"), {"user": ours.user.pk, "kind": "weekly", "weekday": 1}),
        (reverse("advocates:shift_remove", args=[shift.pk]), {}),
        (reverse("advocates:duty_phone_set"), {"user": user.pk, "phone": "03001234567"}),
    ]
    for url, data in posts:
        assert status(client, user, "post", url, data) == 404, url
    assert Shift.objects.count() == 1 and not DutyPhone.objects.exists()


@pytest.mark.parametrize("role", Role.values)
def test_only_organisation_administrators_add_and_edit_panels(client, personas, role):
    panel = PanelFactory(serves=[personas["a"]["org"]])
    user = personas["a"][role]
    expected = 200 if role == Role.ORG_ADMIN else 404
    assert status(client, user, "get", reverse("advocates:panel_create")) == expected
    assert status(client, user, "get", reverse("advocates:panel_edit", args=[panel.pk])) == expected


@pytest.mark.parametrize("role", Role.values)
def test_my_duty_is_the_advocates_own_page(client, personas, ours, role):
    expected = 200 if role == Role.ADVOCATE else 404
    assert status(client, personas["a"][role], "get", reverse("advocates:me")) == expected


def test_another_organisations_advocate_is_not_found(client, personas, theirs):
    for role in (Role.COORDINATOR, Role.ORG_ADMIN):
        user = personas["a"][role]
        for name in ("advocate_detail", "advocate_edit"):
            url = reverse(f"advocates:{name}", args=[theirs.pk])
            assert status(client, user, "get", url) == 404
        for name in ("advocate_verify", "advocate_reveal"):
            url = reverse(f"advocates:{name}", args=[theirs.pk])
            assert status(client, user, "post", url) == 404
    shift = ShiftFactory(organisation=personas["b"]["org"], user=theirs.user)
    url = reverse("advocates:shift_remove", args=[shift.pk])
    assert status(client, personas["a"]["coordinator"], "post", url) == 404
    assert Shift.objects.filter(pk=shift.pk).exists()
    theirs.refresh_from_db()
    assert theirs.verified_at is not None  # unchanged


def test_the_directory_lists_only_our_advocates(client, personas, ours, theirs):
    client.force_login(personas["a"]["case_manager"])
    html = client.get(reverse("advocates:advocate_list")).content.decode()
    assert reverse("advocates:advocate_detail", args=[ours.pk]) in html
    assert reverse("advocates:advocate_detail", args=[theirs.pk]) not in html


def test_the_nav_shows_each_role_its_advocates_links(client, personas, ours):
    links = {
        reverse("advocates:advocate_list"): VIEWERS,
        reverse("advocates:rota"): MANAGERS,
        reverse("advocates:me"): {Role.ADVOCATE},
    }
    for role in Role.values:
        client.force_login(personas["a"][role])
        html = client.get(reverse("home"), follow=True).content.decode()
        nav = html.split('<nav aria-label="Main">', 1)[-1].split("</nav>", 1)[0]
        for url, roles in links.items():
            assert (f'href="{url}"' in nav) == (role in roles), (role, url)


# --- Phones are masked -----------------------------------------------------------------------


def test_phones_are_masked_and_shown_in_full_only_on_an_audited_request(client, personas, ours):
    client.force_login(personas["a"]["case_manager"])
    listing = client.get(reverse("advocates:advocate_list")).content.decode()
    detail = client.get(reverse("advocates:advocate_detail", args=[ours.pk])).content.decode()
    for html in (listing, detail):
        assert PHONE not in html and "••••••••••321" in html
    assert AuditEvent.objects.filter(object_type="advocate", action="view", fields=[]).exists()

    reveal = client.post(reverse("advocates:advocate_reveal", args=[ours.pk]), **HTMX)
    assert reveal.status_code == 200
    assert PHONE in reveal.content.decode() and "<html" not in reveal.content.decode()
    event = AuditEvent.objects.filter(object_type="advocate", action="view").latest("id")
    assert event.fields == ["phone"] and event.actor == personas["a"]["case_manager"]


def test_the_edit_form_does_not_show_the_phone(client, personas, ours):
    client.force_login(personas["a"]["coordinator"])
    html = client.get(reverse("advocates:advocate_edit", args=[ours.pk])).content.decode()
    assert PHONE not in html and "7654321" not in html


# --- The directory -----------------------------------------------------------------------------


def test_the_directory_filters_return_only_the_rows_for_htmx(client, personas, ours, quetta):
    pishin = DistrictFactory(name="Pishin", name_ur="")
    elsewhere = profile(
        personas["a"]["operator"], personas["a"]["org"], covers=[pishin], languages=["fa"]
    )
    client.force_login(personas["a"]["coordinator"])
    url = reverse("advocates:advocate_list")
    response = client.get(url, {"district": quetta.pk}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "<table" in html
    assert f'id="advocate-{ours.pk}"' in html and f'id="advocate-{elsewhere.pk}"' not in html
    html = client.get(url, {"language": "fa"}, **HTMX).content.decode()
    assert f'id="advocate-{ours.pk}"' not in html and f'id="advocate-{elsewhere.pk}"' in html
    html = client.get(url, {"verified": "no"}, **HTMX).content.decode()
    assert "<tr id=" not in html


def test_the_directory_takes_a_fixed_number_of_queries(
    client, personas, quetta, django_assert_max_num_queries
):
    for _ in range(8):
        AdvocateFactory(
            organisation=personas["a"]["org"],
            covers=[quetta],
            phone_digest=f"{next(_digests):064d}",
        )
    client.force_login(personas["a"]["coordinator"])
    url = reverse("advocates:advocate_list")
    client.get(url)
    # Session, user, membership; count; the page (with users and panels); their districts;
    # the districts for the filter. Not one more per advocate.
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


# --- Profiles: create, edit, verify ------------------------------------------------------------


def test_a_coordinator_creates_a_profile_from_the_form(client, personas, quetta):
    station = PlaceFactory(district=quetta)
    client.force_login(personas["a"]["coordinator"])
    response = client.post(
        reverse("advocates:advocate_create"),
        {
            "user": personas["a"]["advocate"].pk,
            "bar_council": "Balochistan Bar Council",
            "enrolment_number": "BBC-0042",
            "phone": "0300 7654321",
            "languages": ["ps", "ur"],
            "specialisations": ["arrest_bail"],
            "districts": [quetta.pk],
            "places": [station.pk],
            "base_latitude": "30.18",
            "base_longitude": "66.99",
        },
    )
    advocate = Advocate.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("advocates:advocate_detail", args=[advocate.pk])
    assert advocate.phone == PHONE and advocate.languages == ["ps", "ur"]
    assert list(advocate.places.all()) == [station]


def test_the_form_shows_the_services_errors_on_their_fields(client, personas):
    client.force_login(personas["a"]["coordinator"])
    response = client.post(
        reverse("advocates:advocate_create"),
        {
            "user": personas["a"]["advocate"].pk,
            "bar_council": "Balochistan Bar Council",
            "enrolment_number": "BBC-0042",
            "phone": "12345",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Advocate.objects.exists()


def test_the_edit_form_keeps_the_phone_when_left_empty(client, personas, ours, quetta):
    client.force_login(personas["a"]["coordinator"])
    response = client.post(
        reverse("advocates:advocate_edit", args=[ours.pk]),
        {
            "bar_council": ours.bar_council,
            "enrolment_number": ours.enrolment_number,
            "phone": "",
            "languages": ["fa"],
            "districts": [quetta.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.phone == PHONE and ours.languages == ["fa"] and ours.is_verified


def test_verifying_from_the_directory_swaps_only_the_badge(client, personas, quetta):
    advocate = profile(personas["a"]["advocate"], personas["a"]["org"], verified_at=None)
    client.force_login(personas["a"]["coordinator"])
    response = client.post(reverse("advocates:advocate_verify", args=[advocate.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<span class="verification" id="verification-{advocate.pk}"')
    advocate.refresh_from_db()
    assert advocate.verified_by == personas["a"]["coordinator"]


def test_verifying_without_htmx_goes_back_to_the_profile(client, personas):
    advocate = profile(personas["a"]["advocate"], personas["a"]["org"], verified_at=None)
    client.force_login(personas["a"]["org_admin"])
    response = client.post(reverse("advocates:advocate_verify", args=[advocate.pk]))
    assert response.status_code == 302
    assert response.url == reverse("advocates:advocate_detail", args=[advocate.pk])


def test_an_admin_creates_a_panel_and_it_is_listed(client, personas):
    client.force_login(personas["a"]["org_admin"])
    response = client.post(
        reverse("advocates:panel_create"),
        {"name": "BBC Refugee Panel", "organisations": [personas["b"]["org"].pk]},
    )
    assert response.status_code == 302
    html = client.get(reverse("advocates:panel_list")).content.decode()
    assert "BBC Refugee Panel" in html
    client.force_login(personas["b"]["coordinator"])
    assert "BBC Refugee Panel" in client.get(reverse("advocates:panel_list")).content.decode()


# --- The rota ----------------------------------------------------------------------------------


def test_the_rota_warns_of_gaps_and_an_htmx_shift_closes_them(client, personas, ours, quetta):
    for weekday in range(7):
        if weekday != timezone.localdate().weekday():
            ShiftFactory(
                organisation=personas["a"]["org"], user=ours.user, weekday=weekday, district=quetta
            )
    client.force_login(personas["a"]["coordinator"])
    page = client.get(reverse("advocates:rota")).content.decode()
    assert 'id="gap-warning"' in page and f'data-district="{quetta.pk}"' in page

    response = client.post(
        reverse("advocates:shift_add"),
        {
            "user": ours.user.pk,
            "kind": "weekly",
            "weekday": timezone.localdate().weekday(),
            "starts": "00:00",
            "ends": "00:00",
            "district": quetta.pk,
            "week": timezone.localdate().isoformat(),
        },
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="shift-form"' in html
    assert 'id="gap-warning"' not in html and 'id="gap-ok"' in html
    assert Shift.objects.filter(organisation=personas["a"]["org"]).count() == 7


def test_a_shift_with_errors_comes_back_in_the_partial(client, personas, ours):
    client.force_login(personas["a"]["coordinator"])
    response = client.post(
        reverse("advocates:shift_add"), {"user": ours.user.pk, "kind": "weekly"}, **HTMX
    )
    assert response.status_code == 200
    assert response.context["shift_form"].errors["weekday"]
    assert not Shift.objects.exists()


def test_removing_a_shift_without_htmx_redirects_to_the_week(client, personas, ours):
    shift = ShiftFactory(organisation=personas["a"]["org"], user=ours.user)
    client.force_login(personas["a"]["coordinator"])
    response = client.post(
        reverse("advocates:shift_remove", args=[shift.pk]), {"week": "2026-12-07"}
    )
    assert response.status_code == 302
    assert response.url == reverse("advocates:rota") + "?start=2026-12-07"
    assert not Shift.objects.exists()


def test_the_rota_shows_the_week_asked_for_with_one_row_per_person(client, personas, ours):
    ShiftFactory(
        organisation=personas["a"]["org"],
        user=ours.user,
        kind="once",
        weekday=None,
        date=datetime.date(2026, 12, 9),
        starts=datetime.time(20),
        ends=datetime.time(8),
    )
    client.force_login(personas["a"]["coordinator"])
    response = client.get(reverse("advocates:rota"), {"start": "2026-12-07"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert f'data-user="{ours.user.pk}"' in html
    assert f'data-user="{personas["a"]["coordinator"].pk}"' in html
    assert f'data-user="{personas["a"]["operator"].pk}"' not in html
    assert f'data-user="{personas["b"]["advocate"].pk}"' not in html
    assert "20:00–08:00" in html


def test_a_coordinator_sets_a_duty_phone_and_sees_it_masked(client, personas):
    client.force_login(personas["a"]["coordinator"])
    response = client.post(
        reverse("advocates:duty_phone_set"),
        {"user": personas["a"]["coordinator"].pk, "phone": "0300 7654321"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert DutyPhone.objects.get().phone == PHONE
    assert PHONE not in html and "••••••••••321" in html


# --- My duty -----------------------------------------------------------------------------------


def test_the_advocate_switches_alerts_off_and_on(client, personas, ours):
    client.force_login(personas["a"]["advocate"])
    url = reverse("advocates:me_availability")
    response = client.post(url, {"available": "off"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="availability"' in html
    ours.refresh_from_db()
    assert not ours.available and ours.available_changed_at is not None
    response = client.post(url, {"available": "on"})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.available


def test_my_duty_shows_my_shifts_and_my_cases_link(client, personas, ours):
    ShiftFactory(
        organisation=personas["a"]["org"],
        user=ours.user,
        weekday=timezone.localdate().weekday(),
        starts=datetime.time(9),
        ends=datetime.time(17),
    )
    client.force_login(personas["a"]["advocate"])
    html = client.get(reverse("advocates:me")).content.decode()
    assert "09:00–17:00" in html
    assert reverse("cases:case_queue") in html
    assert PHONE in html  # their own number, in full


def test_an_advocate_without_a_profile_is_told_so_and_cannot_switch(client, personas):
    client.force_login(personas["a"]["advocate"])
    assert client.get(reverse("advocates:me")).status_code == 200
    response = client.post(reverse("advocates:me_availability"), {"available": "off"})
    assert response.status_code == 404
