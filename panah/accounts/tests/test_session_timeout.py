"""Idle and absolute session limits (SECURITY.md AUTH-4)."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from panah.conftest import PASSWORD


def _log_in(client):  # type: ignore[no-untyped-def]
    client.post(reverse("accounts:login"), {"username": "a_operator", "password": PASSWORD})


def test_session_survives_activity_within_the_idle_limit(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _log_in(client)
    for minutes in (20, 40, 60):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("cases:case_queue")).status_code == 200


def test_session_ends_after_thirty_idle_minutes(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _log_in(client)
        assert client.get(reverse("cases:case_queue")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = client.get(reverse("cases:case_queue"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_session_ends_after_twelve_hours_even_when_active(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _log_in(client)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            client.get(reverse("cases:case_queue"))
    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=5), tick=False):
        response = client.get(reverse("cases:case_queue"))
    assert response.status_code == 302
