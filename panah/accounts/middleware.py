"""Activate the signed-in user's chosen language for the rest of the request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ActiveUserLanguageMiddleware:
    """Runs after authentication; LocaleMiddleware has already served anonymous visitors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """End a staff session after 30 idle minutes or 12 hours in all (SECURITY.md AUTH-4).

    A shared office computer left signed in must not stay open to the next person. The last
    activity time is written at most once a minute, so reads do not cost a session write each.
    """

    IDLE = 30 * 60
    ABSOLUTE = 12 * 60 * 60
    WRITE_EVERY = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("panah_started", now)
            seen = session.get("panah_seen", now)
            if now - seen > self.IDLE or now - started > self.ABSOLUTE:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - seen >= self.WRITE_EVERY or "panah_seen" not in session:
                session["panah_seen"] = now
        return self.get_response(request)
