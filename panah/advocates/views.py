"""Advocates' pages: the directory and profiles, panels, the coordinators' rota, "My duty".

Every view: parse (a form), authorise (a selector that checks the capability and the
organisation), act (one service), render (the page, or for htmx a partial of it).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from panah.accounts.selectors import Actor, actor_for, staff_list_for
from panah.advocates import selectors, services
from panah.advocates.forms import (
    AdvocateFilterForm,
    AdvocateForm,
    AvailabilityForm,
    DutyPhoneForm,
    PanelForm,
    ShiftForm,
    WeekForm,
)
from panah.advocates.models import Advocate, Panel
from panah.cases.selectors import case_queue_for
from panah.core.access import Capability, Role
from panah.core.errors import NotFound, add_domain_error_to_form
from panah.core.htmx import render_page_or_partial
from panah.dispatch.services import availability_set

PAGE_SIZE = 50
MY_CASES_SHOWN = 10


# --- The directory and profiles --------------------------------------------------------------


@login_required
@require_GET
def advocate_list(request: HttpRequest) -> HttpResponse:
    """The organisation's advocates; the filters re-render only the rows for htmx."""
    actor = actor_for(request.user)
    actor.require(Capability.ADVOCATES_VIEW)
    form = AdvocateFilterForm(request.GET or None)
    filters = selectors.AdvocateFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.AdvocateFilters(
            district_id=d["district"].pk if d["district"] else None,
            language=d["language"],
            verified={"yes": True, "no": False}.get(d["verified"]),
        )
    page = Paginator(selectors.advocate_list_for(request.user, filters=filters), PAGE_SIZE)
    return render_page_or_partial(
        request,
        "advocates/advocate_list.html",
        "rows",
        {
            "form": form,
            "page": page.get_page(request.GET.get("page")),
            "can_manage": actor.can(Capability.ADVOCATES_MANAGE),
        },
    )


@login_required
@require_GET
def advocate_detail(request: HttpRequest, advocate_id: int) -> HttpResponse:
    """One advocate's profile (an audited read) and their shifts in the coming week."""
    advocate = selectors.advocate_get_for(request.user, advocate_id=advocate_id)
    actor = actor_for(request.user)
    return render(
        request,
        "advocates/advocate_detail.html",
        {
            "advocate": advocate,
            "upcoming": selectors.shifts_upcoming_for(
                request.user, start=timezone.localdate(), staff_id=advocate.user_id
            ),
            "can_manage": actor.can(Capability.ADVOCATES_MANAGE),
        },
    )


@login_required
@require_POST
def advocate_reveal(request: HttpRequest, advocate_id: int) -> HttpResponse:
    """Show an advocate's phone in full (audited); htmx swaps the masked number for it."""
    advocate = selectors.advocate_phone_reveal_for(request.user, advocate_id=advocate_id)
    return render(
        request, "advocates/advocate_detail.html#phone", {"advocate": advocate, "revealed": True}
    )


# Service argument -> form field, for errors the service raises.
_PROFILE_FIELDS = {"base": "base_latitude", "panel_id": "panel"}


def _profile(d: dict[str, Any]) -> dict[str, Any]:
    """The profile's values as the services take them."""
    return {
        "bar_council": d["bar_council"],
        "enrolment_number": d["enrolment_number"],
        "languages": d["languages"],
        "specialisations": d["specialisations"],
        "district_ids": [district.pk for district in d["districts"]],
        "place_ids": [place.pk for place in d["places"]],
        "phone": d["phone"],
        "base_latitude": d["base_latitude"],
        "base_longitude": d["base_longitude"],
        "panel": d["panel"],
        "listed_on_sheets": d["listed_on_sheets"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def advocate_create(request: HttpRequest) -> HttpResponse:
    """Give a staff member with the advocate role their profile (unverified until checked)."""
    actor = actor_for(request.user)
    actor.require(Capability.ADVOCATES_MANAGE)
    form = AdvocateForm(
        request.POST or None,
        users=selectors.advocate_users_without_profile_for(actor),
        panels=selectors.panel_choices_for(actor),
    )
    if request.method == "POST" and form.is_valid():
        try:
            advocate = services.advocate_create(
                actor, user=form.cleaned_data["user"], **_profile(form.cleaned_data)
            )
        except ValidationError as error:
            add_domain_error_to_form(form, error, _PROFILE_FIELDS)
        else:
            messages.success(request, _("Advocate's profile saved. Verify the enrolment next."))
            return redirect("advocates:advocate_detail", advocate_id=advocate.pk)
    return render(request, "advocates/advocate_form.html", {"form": form, "advocate": None})


@login_required
@require_http_methods(["GET", "POST"])
def advocate_edit(request: HttpRequest, advocate_id: int) -> HttpResponse:
    """Change an advocate's profile; the phone field stays empty unless it changes."""
    actor = actor_for(request.user)
    advocate = selectors.advocate_for_write(actor, advocate_id=advocate_id)
    form = AdvocateForm(
        request.POST or None,
        initial=_profile_initial(advocate),
        panels=selectors.panel_choices_for(actor),
        phone_on_record=advocate.phone,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.advocate_update(
                actor,
                advocate,
                **_profile(form.cleaned_data),
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as error:
            add_domain_error_to_form(form, error, _PROFILE_FIELDS)
        else:
            messages.success(request, _("Advocate's profile saved."))
            return redirect("advocates:advocate_detail", advocate_id=advocate.pk)
    return render(request, "advocates/advocate_form.html", {"form": form, "advocate": advocate})


def _profile_initial(advocate: Advocate) -> dict[str, Any]:
    return {
        "bar_council": advocate.bar_council,
        "enrolment_number": advocate.enrolment_number,
        "languages": advocate.languages,
        "specialisations": advocate.specialisations,
        "districts": list(advocate.districts.all()),
        "places": list(advocate.places.all()),
        "base_latitude": advocate.base_latitude,
        "base_longitude": advocate.base_longitude,
        "panel": advocate.panel,
        "listed_on_sheets": advocate.listed_on_sheets,
        "is_active": advocate.is_active,
    }


@login_required
@require_POST
def advocate_verify(request: HttpRequest, advocate_id: int) -> HttpResponse:
    """Record that the enrolment was checked; htmx swaps the verification badge."""
    actor = actor_for(request.user)
    advocate = services.advocate_verify(
        actor, selectors.advocate_for_write(actor, advocate_id=advocate_id)
    )
    if getattr(request, "htmx", False):
        return render(
            request,
            "advocates/advocate_list.html#verification",
            {"advocate": advocate, "can_manage": True},
        )
    messages.success(request, _("Advocate verified."))
    return redirect("advocates:advocate_detail", advocate_id=advocate.pk)


# --- Panels ----------------------------------------------------------------------------------


@login_required
@require_GET
def panel_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    return render(
        request,
        "advocates/panel_list.html",
        {
            "panels": selectors.panel_list_for(request.user),
            "can_manage": actor.can(Capability.PANELS_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_create(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    actor.require(Capability.PANELS_MANAGE)
    return _panel_form(request, actor, None)


@login_required
@require_http_methods(["GET", "POST"])
def panel_edit(request: HttpRequest, panel_id: int) -> HttpResponse:
    actor = actor_for(request.user)
    return _panel_form(request, actor, selectors.panel_for_write(actor, panel_id=panel_id))


def _panel_form(request: HttpRequest, actor: Actor, panel: Panel | None) -> HttpResponse:
    initial = (
        {
            "name": panel.name,
            "mou_reference": panel.mou_reference,
            "mou_signed_on": panel.mou_signed_on,
            "organisations": [
                o for o in panel.organisations.all() if o.pk != actor.organisation_id
            ],
        }
        if panel is not None
        else None
    )
    form = PanelForm(request.POST or None, initial=initial, own=actor.organisation)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        values = {
            "name": d["name"],
            "mou_reference": d["mou_reference"],
            "mou_signed_on": d["mou_signed_on"],
            "organisations": list(d["organisations"]),
        }
        try:
            if panel is None:
                services.panel_create(actor, **values)
            else:
                services.panel_update(actor, panel, **values)
        except ValidationError as error:
            add_domain_error_to_form(form, error, {})
        else:
            messages.success(request, _("Panel saved."))
            return redirect("advocates:panel_list")
    return render(request, "advocates/panel_form.html", {"form": form, "panel": panel})


# --- The rota --------------------------------------------------------------------------------


def _week_start(value: object) -> datetime.date:
    """The first date the rota shows: the date asked for, or today."""
    form = WeekForm({"start": value or ""})
    if form.is_valid() and form.cleaned_data["start"]:
        return form.cleaned_data["start"]  # type: ignore[no-any-return]
    return timezone.localdate()


def _rota_context(
    request: HttpRequest,
    actor: Actor,
    *,
    start: datetime.date,
    shift_form: ShiftForm | None = None,
    phone_form: DutyPhoneForm | None = None,
    notice: str = "",
) -> dict[str, Any]:
    week = selectors.rota_week_for(request.user, start=start)
    covers = selectors.coverage_gaps(actor.organisation_id, start=start)
    now = timezone.now()
    # Gaps already over are history, not something to act on.
    warnings = [(cover, [gap for gap in cover.gaps if gap.ends > now]) for cover in covers]
    return {
        "week": week,
        "covers": covers,
        "warnings": [(cover, gaps) for cover, gaps in warnings if gaps],
        "previous_week": start - datetime.timedelta(days=7),
        "next_week": start + datetime.timedelta(days=7),
        "today": timezone.localdate(),
        "shift_form": shift_form or ShiftForm(users=selectors.rota_staff_for(actor)),
        "phone_form": phone_form
        or DutyPhoneForm(coordinators=staff_list_for(request.user, roles=[Role.COORDINATOR])),
        "duty_phones": selectors.duty_phones_for(actor),
        "notice": notice,
    }


@login_required
@require_GET
def rota(request: HttpRequest) -> HttpResponse:
    """The coordinator's rota: who is on duty on each of seven days, and the gaps in cover."""
    actor = actor_for(request.user)
    actor.require(Capability.ADVOCATES_MANAGE)
    start = _week_start(request.GET.get("start"))
    return render_page_or_partial(
        request, "advocates/rota.html", "rota", _rota_context(request, actor, start=start)
    )


def _rota_after_post(
    request: HttpRequest, actor: Actor, *, done: str, ok: bool, **forms: Any
) -> HttpResponse:
    """After a rota change: the rota partial for htmx, else back to the page (or the page with
    the form's errors)."""
    start = _week_start(request.POST.get("week"))
    if getattr(request, "htmx", False):
        context = _rota_context(request, actor, start=start, notice=done if ok else "", **forms)
        return render(request, "advocates/rota.html#rota", context)
    if ok:
        messages.success(request, done)
        return redirect(f"{reverse('advocates:rota')}?start={start.isoformat()}")
    return render(
        request, "advocates/rota.html", _rota_context(request, actor, start=start, **forms)
    )


@login_required
@require_POST
def shift_add(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    actor.require(Capability.ADVOCATES_MANAGE)
    form = ShiftForm(request.POST, users=selectors.rota_staff_for(actor))
    ok = False
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.shift_add(
                actor,
                user=d["user"],
                kind=d["kind"],
                weekday=d["weekday"],
                date=d["date"],
                starts=d["starts"],
                ends=d["ends"],
                district=d["district"],
                place=d["place"],
                valid_from=d["valid_from"],
                valid_until=d["valid_until"],
            )
        except ValidationError as error:
            add_domain_error_to_form(form, error, {})
        else:
            ok = True
    return _rota_after_post(
        request,
        actor,
        done=_("Shift added to the rota."),
        ok=ok,
        **({} if ok else {"shift_form": form}),
    )


@login_required
@require_POST
def shift_remove(request: HttpRequest, shift_id: int) -> HttpResponse:
    actor = actor_for(request.user)
    services.shift_remove(actor, selectors.shift_for_write(actor, shift_id=shift_id))
    return _rota_after_post(request, actor, done=_("Shift removed from the rota."), ok=True)


@login_required
@require_POST
def duty_phone_set(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    actor.require(Capability.ADVOCATES_MANAGE)
    form = DutyPhoneForm(
        request.POST, coordinators=staff_list_for(request.user, roles=[Role.COORDINATOR])
    )
    ok = False
    if form.is_valid():
        try:
            services.duty_phone_set(
                actor, user=form.cleaned_data["user"], phone=form.cleaned_data["phone"]
            )
        except ValidationError as error:
            add_domain_error_to_form(form, error, {})
        else:
            ok = True
    return _rota_after_post(
        request,
        actor,
        done=_("Duty phone saved."),
        ok=ok,
        **({} if ok else {"phone_form": form}),
    )


# --- My duty (the advocate's own page) -------------------------------------------------------


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """The advocate's own profile, shifts in the coming week, alerts ON/OFF, and their cases."""
    advocate = selectors.advocate_own_for(request.user)
    cases = case_queue_for(request.user)
    return render(
        request,
        "advocates/me.html",
        {
            "advocate": advocate,
            "upcoming": selectors.shifts_upcoming_for(request.user, start=timezone.localdate()),
            "cases": cases[:MY_CASES_SHOWN],
            "case_count": cases.count(),
        },
    )


@login_required
@require_POST
def me_availability(request: HttpRequest) -> HttpResponse:
    """Switch the advocate's alerts on or off, as replying ON or OFF by SMS does."""
    advocate = selectors.advocate_own_for(request.user)
    if advocate is None:
        raise NotFound
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        availability_set(advocate, available=form.cleaned_data["available"])
        advocate.refresh_from_db(fields=["available", "available_changed_at"])
    if getattr(request, "htmx", False):
        return render(request, "advocates/me.html#availability", {"advocate": advocate})
    if form.is_valid():
        messages.success(
            request,
            _("Alerts are on.") if advocate.available else _("Alerts are off."),
        )
    return redirect("advocates:me")
