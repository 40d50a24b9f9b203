from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from panah.accounts.selectors import login_is_throttled
from panah.accounts.services import login_failure_record


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing to check passwords after too many failures.

    A throttled account gets the same message as a wrong password, so an attacker learns
    nothing about which usernames exist or whether the lock is on.
    """

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and login_is_throttled(username):
            raise self.get_invalid_login_error()
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                login_failure_record(username)
            raise
        if self.request is not None:
            # Starts the absolute session limit (SessionTimeoutMiddleware); login keeps it.
            self.request.session["panah_started"] = int(time.time())
        return cleaned
