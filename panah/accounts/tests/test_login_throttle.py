"""Brute-force protection on the login form (SECURITY.md AUTH-1, scaled down)."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from panah.accounts.selectors import LOGIN_MAX_FAILURES
from panah.conftest import PASSWORD


def _login(client, username, password):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_right_password_logs_in(client, personas):
    response = _login(client, "a_operator", PASSWORD)
    assert response.status_code == 302


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client, personas):
    for _ in range(LOGIN_MAX_FAILURES):
        assert _login(client, "a_operator", "wrong password").status_code == 200
    response = _login(client, "a_operator", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_unknown_and_known_usernames_get_the_same_answer(client, personas):
    known = _login(client, "a_operator", "wrong password")
    unknown = _login(client, "nobody_here", "wrong password")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_lock_lifts_after_the_window(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(LOGIN_MAX_FAILURES):
            _login(client, "a_operator", "wrong password")
        assert _login(client, "a_operator", PASSWORD).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert _login(client, "a_operator", PASSWORD).status_code == 302


def test_failures_on_one_account_do_not_lock_another(client, personas):
    for _ in range(LOGIN_MAX_FAILURES):
        _login(client, "a_operator", "wrong password")
    assert _login(client, "a_advocate", PASSWORD).status_code == 302
