"""Roles and what each may do. The one table that selectors and services consult.

Organisation scope is applied by the selectors (every query filters on the acting user's
organisation); this module answers only "may this role do X at all".
"""

from __future__ import annotations

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Helpline operator")
    ADVOCATE = "advocate", _("Advocate")
    CASE_MANAGER = "case_manager", _("Case manager")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    ORG_ADMIN = "org_admin", _("Organisation administrator")


class Capability(enum.StrEnum):
    PERSON_VIEW = "person.view"
    PERSON_EDIT = "person.edit"
    CASE_VIEW_ALL = "case.view_all"  # every case of the organisation
    CASE_VIEW_ASSIGNED = "case.view_assigned"  # only cases assigned to the user
    CASE_OPEN = "case.open"
    CASE_ASSIGN = "case.assign"
    CASE_TRANSITION = "case.transition"
    CASE_NOTE = "case.note"
    CONTACT_VIEW = "contact.view"
    CONTACT_LOG = "contact.log"
    AUDIT_VIEW = "audit.view"
    STATS_VIEW = "stats.view"
    RIGHTS_REVIEW = "rights.review"  # approve an article's wording as a lawyer
    RIGHTS_PUBLISH = "rights.publish"  # make a reviewed article public
    # Import places (police stations, courts, …) from CSV or GeoJSON. Places are public
    # reference data shared by every organisation: one coordinator's import changes them for
    # everyone, which is why only coordinators and organisation administrators hold it.
    PLACES_MANAGE = "places.manage"
    # The advocates' directory (profiles, masked phones, panels): those who assign cases.
    ADVOCATES_VIEW = "advocates.view"
    # Add, change and verify advocates' profiles; build the on-call rota; coordinators' duty
    # phones. Coordinators run the rota; organisation administrators stand in for them.
    ADVOCATES_MANAGE = "advocates.manage"
    # Panels under an MoU bind the organisation to another body: its administrator's decision.
    PANELS_MANAGE = "panels.manage"
    # An advocate's own page: their profile, their shifts, alerts ON/OFF.
    ADVOCATE_SELF = "advocate.self"
    # Print police station sheets: the helpline and the listed advocates' names and phones
    # (they agreed to be printed) for every station; staff who hand sheets to stations.
    SHEETS_PRINT = "sheets.print"
    # Review likely duplicate records and merge them (or undo a merge): people who manage
    # cases, since a merge moves cases and contacts between records.
    DUPLICATES_REVIEW = "duplicates.review"
    # See that duplicates were found with organisations we have no data-sharing agreement
    # with (a count and opaque ids, never names): the administrator's decision to seek one.
    DUPLICATES_FLAGS = "duplicates.flags"


_C = Capability
_INTAKE = {_C.PERSON_VIEW, _C.PERSON_EDIT, _C.CASE_VIEW_ALL, _C.CASE_OPEN, _C.CASE_NOTE}
_CONTACTS = {_C.CONTACT_VIEW, _C.CONTACT_LOG}
_MANAGE = {_C.CASE_ASSIGN, _C.CASE_TRANSITION}
_ADVOCATES = {_C.ADVOCATES_VIEW, _C.ADVOCATES_MANAGE}
_SHEETS = {_C.SHEETS_PRINT}
_DUPLICATES = {_C.DUPLICATES_REVIEW}

# Least privilege: analysts see statistics only, never a person; advocates see the cases
# assigned to them (and the people on those cases), nothing else of their organisation.
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OPERATOR: frozenset(_INTAKE | _CONTACTS | _SHEETS),
    Role.ADVOCATE: frozenset(
        {
            _C.PERSON_VIEW,
            _C.CASE_VIEW_ASSIGNED,
            _C.CASE_TRANSITION,
            _C.CASE_NOTE,
            _C.RIGHTS_REVIEW,
            _C.ADVOCATE_SELF,
        }
    ),
    Role.CASE_MANAGER: frozenset(
        _INTAKE | _CONTACTS | _MANAGE | _SHEETS | _DUPLICATES | {_C.STATS_VIEW, _C.ADVOCATES_VIEW}
    ),
    Role.COORDINATOR: frozenset(
        _INTAKE
        | _CONTACTS
        | _MANAGE
        | _ADVOCATES
        | _SHEETS
        | _DUPLICATES
        | {_C.STATS_VIEW, _C.RIGHTS_PUBLISH, _C.PLACES_MANAGE}
    ),
    Role.ANALYST: frozenset({_C.STATS_VIEW}),
    Role.ORG_ADMIN: frozenset(
        _INTAKE
        | _CONTACTS
        | _MANAGE
        | _ADVOCATES
        | _SHEETS
        | _DUPLICATES
        | {
            _C.STATS_VIEW,
            _C.AUDIT_VIEW,
            _C.RIGHTS_PUBLISH,
            _C.PLACES_MANAGE,
            _C.PANELS_MANAGE,
            _C.DUPLICATES_FLAGS,
        }
    ),
}


def role_can(role: str | None, capability: Capability) -> bool:
    """Return whether a role holds a capability (unknown or missing roles hold none)."""
    if role is None:
        return False
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
