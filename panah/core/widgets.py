"""HTML5 date and time inputs that round-trip Django's values."""

from __future__ import annotations

from typing import Any

from django import forms


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LeftToRightInput(forms.TextInput):
    """A text input for phone, card and FIR numbers, which read left to right in every language.

    Without `dir="ltr"` a right-to-left page shows "+92 300 1234567" as "1234567 300 92+".
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"dir": "ltr", **(attrs or {})})
