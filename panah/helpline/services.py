"""Logging helpline contacts, and the operator's one-screen intake."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.selectors import Actor
from panah.audit.services import Action, audit_record_write
from panah.cases import services as case_services
from panah.cases.models import Case, CaseEvent, Priority
from panah.core.access import Capability
from panah.core.errors import DomainError
from panah.core.normalise import normalise_phone
from panah.dispatch.services import dispatch_start
from panah.helpline.models import CallerRelation, Channel, Contact
from panah.people import services as people_services
from panah.people.models import Consent, Person
from panah.places.models import District, Place
from panah.rules.triage import person_risk_refresh


@transaction.atomic
def contact_log(
    actor: Actor,
    *,
    channel: str,
    language: str,
    direction: str = "in",
    caller_phone: str = "",
    caller_relation: str = CallerRelation.SELF,
    caller: Person | None = None,
    person: Person | None = None,
    case: Case | None = None,
    summary: str = "",
    started_at: datetime.datetime | None = None,
    duration_seconds: int | None = None,
    source: str = "web",
) -> Contact:
    """Log one helpline contact, linked to the person, the caller and the case if known."""
    actor.require(Capability.CONTACT_LOG)
    for linked in (caller, person, case):
        if linked is not None and linked.organisation_id != actor.organisation_id:
            raise DomainError(_("You can only link records of your organisation."))
    phone = ""
    if caller_phone.strip():
        phone = normalise_phone(caller_phone, default_region=settings.PANAH_DEFAULT_PHONE_REGION)
    contact = Contact(
        organisation=actor.organisation,
        channel=channel,
        direction=direction,
        caller_phone=phone,
        caller_relation=caller_relation,
        caller=caller,
        person=person,
        case=case,
        language=language,
        summary=summary.strip(),
        started_at=started_at or timezone.now(),
        duration_seconds=duration_seconds,
        operator=actor.user,
    )
    contact.full_clean()
    contact.save(force_insert=True)
    if case is not None:
        CaseEvent.objects.create(
            case=case,
            at=contact.started_at,
            actor=actor.user,
            kind=CaseEvent.Kind.CONTACT,
            data={"contact": str(contact.pk), "channel": channel},
        )
    audit_record_write(
        actor,
        contact,
        action=Action.CREATE,
        fields=[f for f in ("caller_phone", "summary") if getattr(contact, f)],
        source=source,
    )
    return contact


@dataclass(frozen=True)
class DocumentData:
    doc_type: str
    number: str = ""
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None


@dataclass(frozen=True)
class CaseData:
    case_type: str
    priority: int
    district: District | None = None
    place: Place | None = None
    arrested_at: datetime.datetime | None = None
    arresting_force: str = ""
    fir_number: str = ""


@dataclass(frozen=True)
class IntakeData:
    """Everything the operator console sends in one submission."""

    channel: str
    language: str
    direction: str = "in"
    caller_phone: str = ""
    caller_relation: str = CallerRelation.SELF
    caller_data: people_services.PersonData | None = None
    summary: str = ""
    started_at: datetime.datetime | None = None
    duration_seconds: int | None = None
    person: Person | None = None
    person_data: people_services.PersonData | None = None
    person_phones: list[str] = field(default_factory=list)
    document: DocumentData | None = None
    case: CaseData | None = None
    consent_given_by: str = ""  # empty: no consent recorded in this contact


# How consent given during a contact is recorded, by the contact's channel.
_CONSENT_CHANNEL = {
    Channel.CALL: Consent.Channel.CALL,
    Channel.SMS: Consent.Channel.SMS,
    Channel.WHATSAPP: Consent.Channel.WHATSAPP,
    Channel.WALK_IN: Consent.Channel.IN_PERSON,
    Channel.WEB: Consent.Channel.WEB,
}


@dataclass(frozen=True)
class IntakeResult:
    contact: Contact
    person: Person
    case: Case | None


@transaction.atomic
def intake_record(actor: Actor, *, data: IntakeData, source: str = "web") -> IntakeResult:
    """Record a helpline intake in one transaction: person (found or new), caller, document,
    their stored risk, contact and, if asked, a new case. Either all of it is saved or none."""
    actor.require(Capability.CONTACT_LOG)
    person = data.person
    if person is None:
        if data.person_data is None:
            raise DomainError(_("Find the person or enter their name."))
        person = people_services.person_create(
            actor, data=data.person_data, phones=data.person_phones, source=source
        )
    else:
        for number in data.person_phones:
            people_services.person_phone_add(actor, person, number=number, source=source)
    caller: Person | None = None
    if data.caller_relation == CallerRelation.SELF:
        caller = person
    elif data.caller_data is not None:
        caller_phones = [data.caller_phone] if data.caller_phone.strip() else []
        caller = people_services.person_create(
            actor, data=data.caller_data, phones=caller_phones, source=source
        )
    if data.consent_given_by:
        people_services.consent_record(
            actor,
            person,
            purpose=Consent.Purpose.LEGAL_ASSISTANCE,
            given_by=data.consent_given_by,
            channel=_CONSENT_CHANNEL[Channel(data.channel)],
            given_at=data.started_at,
            source=source,
        )
    if data.document is not None:
        people_services.document_add(
            actor,
            person,
            doc_type=data.document.doc_type,
            number=data.document.number,
            issued_on=data.document.issued_on,
            expires_on=data.document.expires_on,
            source=source,
        )
    # The person's facts are complete: store their risk now, so the case opened below takes
    # its place in the queue at once (people services cannot: people must not import rules).
    person_risk_refresh(person)
    if caller is not None and caller.pk != person.pk:
        person_risk_refresh(caller)
    case: Case | None = None
    if data.case is not None:
        case = case_services.case_open(
            actor,
            person=person,
            case_type=data.case.case_type,
            priority=data.case.priority,
            district=data.case.district,
            place=data.case.place,
            arrested_at=data.case.arrested_at,
            arresting_force=data.case.arresting_force,
            fir_number=data.case.fir_number,
            summary=data.summary,
            source=source,
        )
    # Someone is in custody now: alert the advocate on duty at once, in this transaction.
    # With no place or district recorded there is nobody to route to; the coordinator starts
    # it from the case page once the place is known.
    if (
        case is not None
        and case.is_urgent_arrest
        and case.priority == Priority.URGENT
        and (case.place_id is not None or case.district_id is not None)
    ):
        dispatch_start(None, case)
    contact = contact_log(
        actor,
        channel=data.channel,
        language=data.language,
        direction=data.direction,
        caller_phone=data.caller_phone,
        caller_relation=data.caller_relation,
        caller=caller,
        person=person,
        case=case,
        summary=data.summary,
        started_at=data.started_at,
        duration_seconds=data.duration_seconds,
        source=source,
    )
    return IntakeResult(contact=contact, person=person, case=case)
