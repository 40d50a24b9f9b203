"""An urgent arrest recorded at the console alerts the advocate on duty in the same submission."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from panah.cases.models import Case
from panah.dispatch.models import Offer
from panah.helpline.tests.test_console import _form

pytestmark = pytest.mark.django_db


def _submit(client, personas, place, **overrides):
    client.force_login(personas["a"]["operator"])
    arrested = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = _form(
        place=str(place.pk),
        arrested_at=arrested,
        consent_given="on",
        consent_given_by="self",
        **overrides,
    )
    return client.post(reverse("helpline:console"), data)


def test_an_urgent_arrest_at_a_covered_station_alerts_an_advocate(client, personas, rota):
    assert _submit(client, personas, rota["place"]).status_code == 302
    case = Case.objects.latest("created_at")
    offer = Offer.objects.get(dispatch__case=case)
    assert offer.advocate == rota["advocates"]["ayesha"]


def test_a_normal_priority_arrest_alerts_nobody(client, personas, rota):
    _submit(client, personas, rota["place"], priority="2")
    assert Case.objects.filter(priority=2, place=rota["place"]).exists()
    assert not Offer.objects.exists()
