"""Month names, so that Django's "F" date format speaks Pashto and Afghan Dari.

Django ships no Pashto catalogue, and its `fa` catalogue gives the Iranian names (ژانویه…),
which Afghans do not use for Gregorian months. Marking the same ids here puts them in
Panah's catalogues, which Django consults before its own.
"""

from django.utils.translation import gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
