from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from panah.accounts.forms import LanguageForm
from panah.accounts.services import user_set_language


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Show the user's settings and let them choose their interface language."""
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        user_set_language(request.user, language=form.cleaned_data["language"])  # type: ignore[arg-type]
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your language has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
