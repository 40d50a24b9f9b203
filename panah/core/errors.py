"""Domain errors. Their messages are translated and safe to show to the user."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class NotFound(Http404):
    """The record does not exist or the user may not see it: deliberately the same error."""

    def __init__(self) -> None:
        super().__init__(_("Not found."))


class PermissionDenied(Http404):
    """The user's role may not perform this action.

    A subclass of Http404 so that a refused action looks exactly like a missing record and
    reveals nothing about what exists.
    """

    def __init__(self) -> None:
        super().__init__(_("Not found."))


class DomainError(ValidationError):
    """A business rule refused the operation; the message is translated for the user."""


def add_domain_error_to_form(
    form: object, error: ValidationError, field_map: dict[str, str]
) -> None:
    """Attach a service's validation error to a form, on the matching field where one exists."""
    add_error = form.add_error  # type: ignore[attr-defined]
    fields = form.fields  # type: ignore[attr-defined]
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = field_map.get(name, name)
            add_error(target if target in fields else None, errors)
    else:
        add_error(None, error.messages)
