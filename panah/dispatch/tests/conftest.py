"""A Quetta police station, three advocates on duty around the clock, and a coordinator."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from panah.advocates.models import DutyPhone, Shift
from panah.advocates.tests.factories import AdvocateFactory
from panah.core import crypto
from panah.dispatch.services import ADVOCATE_PHONE_INDEX
from panah.testing.records import arrest_case_make, person_make


def make_advocate(org: Any, username: str, phone: str, **fields: Any) -> Any:
    advocate = AdvocateFactory(
        organisation=org,
        user__username=username,
        user__first_name=username.title(),
        phone=phone,
        phone_digest=crypto.blind_index(ADVOCATE_PHONE_INDEX, phone),
        **fields,
    )
    for weekday in range(7):  # on duty around the clock
        Shift.objects.create(
            organisation=org,
            user=advocate.user,
            kind=Shift.Kind.WEEKLY,
            weekday=weekday,
            starts=datetime.time(0),
            ends=datetime.time(0),
        )
    return advocate


@pytest.fixture
def rota(personas: dict[str, Any], brewery: Any) -> dict[str, Any]:
    org = personas["a"]["org"]
    # Ranked by load alone: ayesha has none, bilal one, chaman two (same cover and language).
    advocates = {
        name: make_advocate(org, name, f"+92300000000{index}", covers=[brewery])
        for index, name in enumerate(["ayesha", "bilal", "chaman"], start=1)
    }
    operator = personas["a"]["operator"]
    from panah.accounts.selectors import actor_for

    actor = actor_for(operator)
    for name, load in (("bilal", 1), ("chaman", 2)):
        for _ in range(load):
            case = arrest_case_make(actor, person=person_make(actor), place=brewery)
            case.assigned_advocate = advocates[name].user
            case.save(update_fields=["assigned_advocate"])
    coordinator = personas["a"]["coordinator"]
    DutyPhone.objects.create(
        user=coordinator,
        phone="+923009999999",
        phone_digest=crypto.blind_index("duty.phone", "+923009999999"),
    )
    return {"org": org, "place": brewery, "advocates": advocates, "coordinator": coordinator}


@pytest.fixture
def urgent_case(personas: dict[str, Any], rota: dict[str, Any]) -> Any:
    from panah.accounts.selectors import actor_for

    actor = actor_for(personas["a"]["operator"])
    return arrest_case_make(actor, person=person_make(actor), place=rota["place"], hours_ago=0.5)
