"""Writes for organisations and staff."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from panah.accounts.models import LoginFailure, Membership, Organisation, User
from panah.accounts.selectors import LOGIN_WINDOW, username_digest


@transaction.atomic
def organisation_create(*, name: str, kind: str) -> Organisation:
    """Create an organisation (used by set-up commands and the demo)."""
    organisation = Organisation(name=name, kind=kind)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def staff_create(
    *,
    organisation: Organisation,
    username: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "en",
) -> User:
    """Create a staff user with their membership in one organisation."""
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    return user


def user_set_language(user: User, *, language: str) -> User:
    """Record the user's choice of interface language."""
    user.language = language
    user.full_clean(validate_unique=False)
    user.save(update_fields=["language"])
    return user


def login_failure_record(username: str) -> None:
    """Record a failed login and forget failures older than the window."""
    now = timezone.now()
    LoginFailure.objects.create(username_digest=username_digest(username), at=now)
    LoginFailure.objects.filter(at__lt=now - LOGIN_WINDOW).delete()
