"""Writes for people, their phones, documents and consent. Every write is audited.

A caller that changes what the rules engine reads (documents, birth, family facts) then
refreshes the person's stored risk with rules.triage.person_risk_refresh: people cannot import
rules (docs/architecture.md, "Who refreshes the stored risk").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.accounts.selectors import Actor
from panah.audit.services import Action, audit_record_write
from panah.core import crypto
from panah.core.access import Capability
from panah.core.errors import DomainError, NotFound
from panah.core.normalise import (
    normalise_document_number,
    normalise_name,
    normalise_phone,
)
from panah.people import search
from panah.people.models import (
    Consent,
    DocumentType,
    Household,
    IdentityDocument,
    Person,
    PhoneNumber,
    SearchKey,
)

# Blind-index names: one derived key per index (panah.core.crypto.blind_index), always
# "person.<kind>" for the SearchKey kind it fills (index_digest).
INDEX_FULL_NAME = "person.full_name"
INDEX_NAME_TOKEN = "person.name_token"
INDEX_PHONE = "person.phone"
INDEX_DOCUMENT = "person.document"


def full_name_digest(given: str, family: str) -> str | None:
    """Return the blind index of a normalised full name, or None if there is no name."""
    value = normalise_name(f"{given} {family}")
    return crypto.blind_index(INDEX_FULL_NAME, value) if value else None


def name_token_digest(token: str) -> str:
    """Return the digest of the old exact name-word kind (no longer written or searched)."""
    return crypto.blind_index(INDEX_NAME_TOKEN, token)


def phone_digest(e164: str) -> str:
    return crypto.blind_index(INDEX_PHONE, e164)


def document_digest(number: str) -> str:
    return crypto.blind_index(INDEX_DOCUMENT, normalise_document_number(number))


def _require_own(actor: Actor, person: Person) -> None:
    # Views pass people fetched through scoped selectors; checking again here keeps any other
    # caller (a command, a task, a future view) from writing into another organisation's person.
    if person.organisation_id != actor.organisation_id:
        raise NotFound


@dataclass(frozen=True)
class PersonData:
    """What may be written about a person; names in Latin and Arabic script."""

    given_name: str = ""
    family_name: str = ""
    father_name: str = ""
    given_name_native: str = ""
    family_name_native: str = ""
    father_name_native: str = ""
    sex: str = "u"
    birth_year: int | None = None
    birth_date: datetime.date | None = None
    languages: Sequence[str] = ()
    district_id: int | None = None
    notes: str = ""
    born_in_pakistan: bool = False
    pakistani_parent: bool = False
    asylum_claim_pending: bool = False


_PERSON_FIELDS = tuple(PersonData.__dataclass_fields__)


def index_digest(kind: str, value: str) -> str:
    """Return the blind index of a search value of one kind (its own key: person.<kind>)."""
    return crypto.blind_index(f"person.{kind}", value)


def person_search_values(
    person: Person,
    *,
    phones: Iterable[str] | None = None,
    document_numbers: Iterable[str] | None = None,
) -> set[tuple[str, str]]:
    """Return the (kind, plaintext value) pairs a person is found under, before hashing.

    Phones (E.164) and document numbers are read from the person unless given (bulk loads
    pass them; prefetch them when indexing many saved people).
    """
    if phones is None:
        phones = [phone.number for phone in person.phones.all()]
    if document_numbers is None:
        document_numbers = [document.number for document in person.documents.all()]
    values: set[tuple[str, str]] = set()
    for given, family in (
        (person.given_name, person.family_name),
        (person.given_name_native, person.family_name_native),
    ):
        full = normalise_name(f"{given} {family}")
        if full:
            values.add((SearchKey.Kind.FULL_NAME, full))
    values |= search.person_values(
        given=[search.field_tokens(t) for t in (person.given_name, person.given_name_native)],
        family=[search.field_tokens(t) for t in (person.family_name, person.family_name_native)],
        father=[search.field_tokens(t) for t in (person.father_name, person.father_name_native)],
        birth_year=person.birth_year,
    )
    values |= {(SearchKey.Kind.PHONE, number) for number in phones}
    for number in document_numbers:
        if normalised := normalise_document_number(number):
            values.add((SearchKey.Kind.DOCUMENT, normalised))
    return values


def _person_search_keys(person: Person) -> set[tuple[str, str]]:
    if person.merged_into_id is not None:
        return set()  # a merged record is kept but found under nothing (panah/duplicates)
    return {(kind, index_digest(kind, value)) for kind, value in person_search_values(person)}


def person_search_keys_rebuild(person: Person) -> None:
    """Rebuild one person's blind-index rows from their current values (none once merged).

    For callers that move phones or documents between people (panah.duplicates merges), in
    their own transaction. Nothing personal changes here, so nothing is audited.
    """
    _search_keys_rebuild(person)


def _search_keys_rebuild(person: Person) -> None:
    """Replace the person's blind-index rows with those of their current values."""
    wanted = _person_search_keys(person)
    existing = {(k.kind, k.digest): k.pk for k in person.search_keys.all()}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        SearchKey.objects.filter(pk__in=stale).delete()
    SearchKey.objects.bulk_create(
        [
            SearchKey(person=person, organisation_id=person.organisation_id, kind=k, digest=d)
            for k, d in wanted
            if (k, d) not in existing
        ]
    )


def search_keys_reindex(*, batch_size: int = 500) -> Iterator[int]:
    """Rebuild every person's SearchKey rows, a batch at a time; yield the count done so far.

    For existing data after the search keys change (a new kind, a new name rule) and after the
    blind-index root key changes. Each batch is one transaction: its people's rows are deleted
    and written again, so a search running meanwhile sees a person either before or after.
    Nothing personal changes, so nothing is audited.
    """
    done = 0
    last = None
    while True:
        page = Person.objects.order_by("pk").prefetch_related("phones", "documents")
        if last is not None:
            page = page.filter(pk__gt=last)
        people = list(page[:batch_size])
        if not people:
            return
        rows = [
            SearchKey(person=p, organisation_id=p.organisation_id, kind=k, digest=d)
            for p in people
            for k, d in _person_search_keys(p)
        ]
        with transaction.atomic():
            SearchKey.objects.filter(person__in=[p.pk for p in people]).delete()
            SearchKey.objects.bulk_create(rows, batch_size=2000)
        done += len(people)
        last = people[-1].pk
        yield done


def _clean_phones(raw_numbers: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in raw_numbers:
        if raw and raw.strip():
            number = normalise_phone(raw, default_region=settings.PANAH_DEFAULT_PHONE_REGION)
            if number not in cleaned:
                cleaned.append(number)
    return cleaned


@transaction.atomic
def person_create(
    actor: Actor,
    *,
    data: PersonData,
    phones: Iterable[str] = (),
    household: Household | None = None,
    source: str = "web",
) -> Person:
    """Create a person in the actor's organisation, with phone numbers, and audit it."""
    actor.require(Capability.PERSON_EDIT)
    numbers = _clean_phones(phones)
    person = Person(
        organisation=actor.organisation,
        household=household,
        created_by=actor.user,
        **{name: getattr(data, name) for name in _PERSON_FIELDS if name != "languages"},
        languages=list(data.languages),
    )
    person.full_clean()
    person.save(force_insert=True)
    PhoneNumber.objects.bulk_create([PhoneNumber(person=person, number=n) for n in numbers])
    _search_keys_rebuild(person)
    fields = [name for name in _PERSON_FIELDS if getattr(data, name)]
    if numbers:
        fields.append("phones")
    audit_record_write(actor, person, action=Action.CREATE, fields=fields, source=source)
    return person


@transaction.atomic
def person_update(actor: Actor, person: Person, *, data: PersonData, source: str = "web") -> Person:
    """Change a person's details; audit the names of the fields that changed."""
    actor.require(Capability.PERSON_EDIT)
    _require_own(actor, person)
    changed = []
    for name in _PERSON_FIELDS:
        new = list(getattr(data, name)) if name == "languages" else getattr(data, name)
        if getattr(person, name) != new:
            setattr(person, name, new)
            changed.append(name)
    if not changed:
        return person
    person.full_clean()
    person.save(update_fields=[*changed, "birth_year", "updated_at"])
    _search_keys_rebuild(person)
    audit_record_write(actor, person, action=Action.UPDATE, fields=changed, source=source)
    return person


@transaction.atomic
def person_phone_add(
    actor: Actor, person: Person, *, number: str, source: str = "web"
) -> PhoneNumber:
    """Add a phone number (normalised to E.164) to a person."""
    actor.require(Capability.PERSON_EDIT)
    _require_own(actor, person)
    e164 = normalise_phone(number, default_region=settings.PANAH_DEFAULT_PHONE_REGION)
    # Ciphertext cannot be compared in SQL: look for the number among the person's phones.
    existing = next((p for p in person.phones.all() if p.number == e164), None)
    if existing is not None:
        return existing
    phone = PhoneNumber.objects.create(person=person, number=e164)
    _search_keys_rebuild(person)
    audit_record_write(actor, person, action=Action.UPDATE, fields=["phones"], source=source)
    return phone


@transaction.atomic
def document_add(
    actor: Actor,
    person: Person,
    *,
    doc_type: str,
    number: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    source: str = "web",
) -> IdentityDocument:
    """Record an identity document a person holds (or that they hold none)."""
    actor.require(Capability.PERSON_EDIT)
    _require_own(actor, person)
    if doc_type not in DocumentType.values:
        raise DomainError({"doc_type": _("Choose a document type from the list.")})
    document = IdentityDocument(
        person=person,
        doc_type=doc_type,
        number=number.strip(),
        issued_on=issued_on,
        expires_on=expires_on,
    )
    document.full_clean()
    document.save(force_insert=True)
    _search_keys_rebuild(person)
    audit_record_write(actor, person, action=Action.UPDATE, fields=["documents"], source=source)
    return document


@transaction.atomic
def household_create(actor: Actor, *, members: Iterable[Person], source: str = "web") -> Household:
    """Group people of the actor's organisation into a new household."""
    actor.require(Capability.PERSON_EDIT)
    household = Household.objects.create(organisation=actor.organisation)
    people = list(members)
    if any(p.organisation_id != actor.organisation_id for p in people):
        raise DomainError(_("A household can only hold people of your organisation."))
    Person.objects.filter(pk__in=[p.pk for p in people]).update(household=household)
    audit_record_write(actor, household, action=Action.CREATE, fields=["members"], source=source)
    return household


@transaction.atomic
def consent_record(
    actor: Actor,
    person: Person,
    *,
    purpose: str,
    given_by: str,
    channel: str,
    given_at: datetime.datetime | None = None,
    source: str = "web",
) -> Consent:
    """Record that consent for a purpose was given, by whom and through which channel."""
    actor.require(Capability.PERSON_EDIT)
    _require_own(actor, person)
    consent = Consent(
        person=person,
        purpose=purpose,
        given_by=given_by,
        channel=channel,
        given_at=given_at or timezone.now(),
        recorded_by=actor.user,
    )
    consent.full_clean()
    consent.save(force_insert=True)
    audit_record_write(actor, consent, action=Action.CREATE, fields=["purpose"], source=source)
    return consent


@transaction.atomic
def consent_withdraw(actor: Actor, consent: Consent, *, source: str = "web") -> Consent:
    """Mark a consent as withdrawn now. Withdrawal is final; a new consent is a new record."""
    actor.require(Capability.PERSON_EDIT)
    _require_own(actor, consent.person)
    if consent.withdrawn_at is not None:
        raise DomainError(_("This consent was already withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    audit_record_write(actor, consent, action=Action.UPDATE, fields=["withdrawn_at"], source=source)
    return consent
