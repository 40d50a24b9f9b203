"""Response headers that keep pages out of caches and frames, and scripts local (CF-1, DP-6)."""

from __future__ import annotations

from django.urls import reverse


def test_login_page_sends_a_strict_content_security_policy(client, db):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_of_signed_in_staff_are_never_cached(client, personas):
    client.force_login(personas["a"]["case_manager"])
    response = client.get(reverse("cases:case_queue"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_pages_reference_no_other_host(client, personas):
    client.force_login(personas["a"]["operator"])
    html = client.get(reverse("helpline:console")).content.decode()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
