"""Who is acting: the user's organisation and role, looked up once per request."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from panah.accounts.models import LoginFailure, Membership, Organisation, User
from panah.core import crypto
from panah.core.access import Capability, role_can
from panah.core.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    """The acting staff member, their organisation and their role."""

    user: User
    organisation: Organisation
    role: str

    @property
    def organisation_id(self) -> Any:
        return self.organisation.pk

    def can(self, capability: Capability) -> bool:
        return role_can(self.role, capability)

    def require(self, capability: Capability) -> None:
        """Raise PermissionDenied (a 404) unless the role holds the capability."""
        if not self.can(capability):
            raise PermissionDenied


_CACHE_ATTR = "_panah_actor"


def actor_for(user: Any) -> Actor:
    """Return the Actor for an authenticated user with an active membership.

    Anyone else (anonymous, inactive, no membership) is refused with the same 404 a missing
    record gets. The result is cached on the user object for the rest of the request.
    """
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user_id=user.pk, is_active=True)
        .first()
    )
    if membership is None:
        raise PermissionDenied
    actor = Actor(user=user, organisation=membership.organisation, role=membership.role)
    setattr(user, _CACHE_ATTR, actor)
    return actor


def staff_list_for(user: Any, *, roles: Sequence[str] | None = None) -> QuerySet[User]:
    """Return active staff of the user's organisation, optionally limited to some roles."""
    actor = actor_for(user)
    qs = User.objects.filter(
        is_active=True,
        membership__organisation_id=actor.organisation_id,
        membership__is_active=True,
    )
    if roles:
        qs = qs.filter(membership__role__in=roles)
    return qs.order_by("first_name", "username")


# At most this many password checks per account per window (NIST 800-63B allows up to 100).
LOGIN_MAX_FAILURES = 10
LOGIN_WINDOW = datetime.timedelta(minutes=15)


def username_digest(username: str) -> str:
    """Key failed-login rows by a keyed digest, so the table holds no usernames."""
    return crypto.blind_index("accounts.login", username.strip().casefold())


def login_is_throttled(username: str) -> bool:
    """Return whether the account has had too many failed logins in the current window."""
    since = timezone.now() - LOGIN_WINDOW
    recent = LoginFailure.objects.filter(username_digest=username_digest(username), at__gte=since)
    return recent.count() >= LOGIN_MAX_FAILURES
