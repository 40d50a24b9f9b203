"""Writes for legal cases. Each one runs in a transaction, writes the timeline and the audit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.models import Membership, User
from panah.accounts.selectors import Actor
from panah.audit.services import Action, audit_record_write
from panah.core.access import Capability, Role
from panah.core.errors import DomainError, NotFound, PermissionDenied
from panah.people.models import Person
from panah.places.models import District, Place

from .models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseType,
    Deadline,
    Outcome,
    Priority,
    Status,
)


def _next_reference(year: int) -> str:
    # Two operators opening cases at once must never get the same number: the counter row is
    # locked (PostgreSQL) or the write transaction is exclusive (SQLite, IMMEDIATE mode).
    CaseCounter.objects.get_or_create(year=year)
    counter = CaseCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{settings.PANAH_CASE_REFERENCE_PREFIX}-{year}-{counter.last:06d}"


def _event(case: Case, actor: Actor | None, kind: str, *, note: str = "", **data: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor.user if actor else None,
        kind=kind,
        data=data,
        note=note,
    )


@transaction.atomic
def case_open(
    actor: Actor,
    *,
    person: Person,
    case_type: str,
    priority: int = Priority.NORMAL,
    district: District | None = None,
    place: Place | None = None,
    arrested_at: datetime.datetime | None = None,
    arresting_force: str = "",
    fir_number: str = "",
    summary: str = "",
    source: str = "web",
) -> Case:
    """Open a case for a person of the actor's organisation and start its timeline.

    An arrest case with a time of arrest also schedules the custody-clock warning.
    """
    actor.require(Capability.CASE_OPEN)
    if person.organisation_id != actor.organisation_id:
        raise DomainError(_("This person belongs to another organisation."))
    now = timezone.now()
    if arrested_at is not None and arrested_at > now + datetime.timedelta(minutes=5):
        raise DomainError({"arrested_at": _("The time of arrest cannot be in the future.")})
    if place is not None and district is None:
        district = place.district
    # The person's stored risk, for the queue's order: read from the row, not from `person`
    # (which may predate a refresh), and locked. Race: a risk refresh of this person running
    # meanwhile (rules.triage) copies the new rank onto their cases, but cannot see this one
    # before we commit; with the row locked, one of the two waits for the other.
    risk_rank = (
        Person.objects.select_for_update().values_list("risk_rank", flat=True).get(pk=person.pk)
    )
    case = Case(
        organisation=actor.organisation,
        reference=_next_reference(timezone.localdate(now).year),
        person=person,
        risk_rank=risk_rank,
        case_type=case_type,
        priority=priority,
        district=district,
        place=place,
        arrested_at=arrested_at,
        arresting_force=arresting_force,
        fir_number=fir_number.strip(),
        summary=summary.strip(),
        opened_by=actor.user,
    )
    case.full_clean()
    case.save(force_insert=True)
    _event(case, actor, CaseEvent.Kind.OPENED, status=case.status, priority=case.priority)
    audit_record_write(
        actor,
        case,
        action=Action.CREATE,
        fields=[f for f in ("place", "arrested_at", "fir_number", "summary") if getattr(case, f)],
        source=source,
    )
    if case.is_urgent_arrest and case.produced_at is None:
        _custody_warning_schedule(case)
    return case


def _custody_warning_schedule(case: Case) -> None:
    from panah.cases.tasks import case_custody_warning

    assert case.arrested_at is not None
    run_after = case.arrested_at + datetime.timedelta(hours=settings.PANAH_CUSTODY_WARNING_HOURS)
    # The database task backend writes in this transaction: the task exists iff the case does.
    case_custody_warning.using(run_after=max(run_after, timezone.now())).enqueue(str(case.pk))


def _require_own(actor: Actor, case: Case) -> None:
    # Views pass cases fetched through scoped selectors; checking again here keeps any other
    # caller (a command, a task, a future view) from writing into another organisation's case.
    if case.organisation_id != actor.organisation_id:
        raise NotFound


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _staff_member(actor: Actor, user: User | None, roles: set[str]) -> None:
    if user is None:
        return
    ok = Membership.objects.filter(
        user=user, organisation_id=actor.organisation_id, role__in=roles, is_active=True
    ).exists()
    if not ok:
        raise DomainError(_("Choose a colleague with the right role in your organisation."))


@transaction.atomic
def case_assign(
    actor: Actor,
    case: Case,
    *,
    advocate: User | None = None,
    case_manager: User | None = None,
    source: str = "web",
) -> Case:
    """Assign an advocate and/or a case manager; a new case becomes `assigned`."""
    actor.require(Capability.CASE_ASSIGN)
    _require_own(actor, case)
    if advocate is None and case_manager is None:
        raise DomainError(_("Choose an advocate or a case manager."))
    _staff_member(actor, advocate, {Role.ADVOCATE})
    _staff_member(actor, case_manager, {Role.CASE_MANAGER, Role.COORDINATOR, Role.ORG_ADMIN})
    # Two coordinators assigning the same case at once: the row lock makes them queue, so the
    # timeline shows both assignments in the order they took effect.
    case = _lock(case)
    if not case.is_open:
        raise DomainError(_("A closed case cannot be assigned. Reopen it first."))
    fields = []
    if advocate is not None:
        case.assigned_advocate = advocate
        fields.append("assigned_advocate")
    if case_manager is not None:
        case.case_manager = case_manager
        fields.append("case_manager")
    if case.status == Status.NEW:
        case.status = Status.ASSIGNED
        fields.append("status")
    case.save(update_fields=[*fields, "updated_at"])
    _event(
        case,
        actor,
        CaseEvent.Kind.ASSIGNED,
        advocate=advocate.pk if advocate else None,
        case_manager=case_manager.pk if case_manager else None,
    )
    audit_record_write(actor, case, action=Action.UPDATE, fields=fields, source=source)
    return case


@transaction.atomic
def case_transition(
    actor: Actor,
    case: Case,
    *,
    to_status: str,
    outcome: str = "",
    note: str = "",
    source: str = "web",
) -> Case:
    """Move a case along the status workflow; closing needs an outcome, reopening clears it."""
    actor.require(Capability.CASE_TRANSITION)
    _require_own(actor, case)
    case = _lock(case)
    if to_status not in Status.values or not case.can_transition_to(to_status):
        raise DomainError(
            _("A case cannot go from “%(from)s” to “%(to)s”.")
            % {"from": case.get_status_display(), "to": dict(Status.choices).get(to_status, "?")},
            code="transition",
        )
    if to_status == Status.CLOSED and outcome not in Outcome.values:
        raise DomainError({"outcome": _("Choose the outcome of the case before closing it.")})
    from_status = case.status
    case.status = to_status
    if to_status == Status.CLOSED:
        case.outcome = outcome
        case.closed_at = timezone.now()
    else:
        case.outcome = ""
        case.closed_at = None
    case.full_clean()
    case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    _event(
        case,
        actor,
        CaseEvent.Kind.STATUS,
        note=note.strip(),
        from_status=from_status,
        to_status=to_status,
        outcome=case.outcome,
    )
    audit_record_write(
        actor, case, action=Action.UPDATE, fields=["status", "outcome"], source=source
    )
    return case


@transaction.atomic
def case_note_add(actor: Actor, case: Case, *, text: str, source: str = "web") -> CaseEvent:
    """Add a note to a case's timeline (encrypted at rest)."""
    actor.require(Capability.CASE_NOTE)
    _require_own(actor, case)
    text = text.strip()
    if not text:
        raise DomainError({"text": _("Write the note before saving it.")})
    if len(text) > 5000:
        raise DomainError({"text": _("A note can be at most 5,000 characters long.")})
    event = _event(case, actor, CaseEvent.Kind.NOTE, note=text)
    audit_record_write(actor, case, action=Action.UPDATE, fields=["note"], source=source)
    return event


@transaction.atomic
def case_production_record(
    actor: Actor, case: Case, *, produced_at: datetime.datetime, source: str = "web"
) -> Case:
    """Record when the arrested person was produced before a magistrate (stops the clock)."""
    actor.require(Capability.CASE_NOTE)
    _require_own(actor, case)
    case = _lock(case)
    if case.arrested_at is None:
        raise DomainError(_("Record the time of arrest first."))
    if produced_at < case.arrested_at or produced_at > timezone.now():
        raise DomainError(
            {"produced_at": _("The time must be after the arrest and not in the future.")}
        )
    case.produced_at = produced_at
    case.save(update_fields=["produced_at", "updated_at"])
    _event(case, actor, CaseEvent.Kind.PRODUCED)
    audit_record_write(actor, case, action=Action.UPDATE, fields=["produced_at"], source=source)
    return case


@transaction.atomic
def deadline_add(
    actor: Actor, case: Case, *, title: str, due_at: datetime.datetime, source: str = "web"
) -> Deadline:
    """Add a deadline (hearing, filing, document expiry) to a case."""
    actor.require(Capability.CASE_NOTE)
    _require_own(actor, case)
    deadline = Deadline(case=case, title=title.strip(), due_at=due_at, created_by=actor.user)
    deadline.full_clean()
    deadline.save(force_insert=True)
    _event(case, actor, CaseEvent.Kind.DEADLINE, deadline=deadline.pk)
    audit_record_write(actor, case, action=Action.UPDATE, fields=["deadlines"], source=source)
    return deadline


@transaction.atomic
def case_custody_warning_record(case_id: str) -> CaseEvent | None:
    """Add the "custody time nearly over" event if the person is still not produced.

    Safe to run twice: a second run finds the existing warning and does nothing.
    """
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not case.is_open or case.produced_at is not None:
        return None
    if case.events.filter(kind=CaseEvent.Kind.CUSTODY_WARNING).exists():
        return None
    return _event(case, None, CaseEvent.Kind.CUSTODY_WARNING)


__all__ = [
    "CaseType",
    "case_assign",
    "case_custody_warning_record",
    "case_note_add",
    "case_open",
    "case_production_record",
    "case_transition",
    "deadline_add",
]


def case_timeline_record(
    case: Case, *, kind: str, actor: Actor | None = None, **data: Any
) -> CaseEvent:
    """Add a line to a case's timeline on behalf of another app (codes and ids only).

    For steps that are not edits of the case itself (an alert sent, an answer received), so
    other apps never create CaseEvents directly.
    """
    if kind not in CaseEvent.Kind.values:
        raise ValueError(f"unknown case event kind {kind!r}")
    return _event(case, actor, kind, **data)


@transaction.atomic
def case_accept_as_advocate(actor: Actor, case: Case, *, source: str) -> Case:
    """The advocate alerted for an urgent case takes it: it is assigned to them.

    Called by dispatch once it has decided this advocate's acceptance stands; the advocate
    does not hold CASE_ASSIGN, which is why this is a service of its own.
    """
    if actor.role != Role.ADVOCATE:
        raise PermissionDenied
    _require_own(actor, case)
    case = _lock(case)
    if not case.is_open:
        raise DomainError(_("A closed case cannot be assigned. Reopen it first."))
    case.assigned_advocate = actor.user
    fields = ["assigned_advocate"]
    if case.status == Status.NEW:
        case.status = Status.ASSIGNED
        fields.append("status")
    case.save(update_fields=[*fields, "updated_at"])
    _event(case, actor, CaseEvent.Kind.ASSIGNED, advocate=actor.user.pk, accepted=True)
    audit_record_write(actor, case, action=Action.UPDATE, fields=fields, source=source)
    return case


def case_risk_sync(person_ids: Iterable[Any], *, rank: int | None) -> int:
    """Copy a person's newly stored risk rank onto all their cases; return how many changed.

    rules.triage calls it in the transaction where it stores the rank on the people (their
    rows locked), so a case's copy, by which the queue sorts, never disagrees with its person's
    for longer than that transaction. One UPDATE, atomic on its own; rows already equal are
    left alone. Not audited, like the person's rank (rules/triage.py): it is derived, and the
    facts it comes from were audited where they were written. `updated_at` is kept too.
    """
    # exclude() counts a null copy as different from any rank (SQL's <> alone would skip it).
    cases = Case.objects.filter(person_id__in=list(person_ids)).exclude(risk_rank=rank)
    return cases.update(risk_rank=rank)
