"""Finding likely duplicates, deciding them, and merging records so the merge can be undone.

`duplicates_find` (the background task and `panah duplicates find`) decrypts persons a batch at
a time into matching records, runs the model of panah.matching.dedupe over them and stores the
pairs worth a look. A reviewer then rejects a pair or merges it: `person_merge` moves every row
that points at the merged record to the survivor in one transaction and lists what moved in a
PersonMerge, which `person_merge_undo` follows to put exactly those rows back.

Every model with a foreign key to Person is handled here (tests/test_merge.py fails when a new
one appears): a merge that forgot one would leave history behind on a record nobody finds.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import Organisation
from panah.accounts.selectors import Actor
from panah.audit.services import Action, Source, audit_record, audit_record_write
from panah.core import crypto
from panah.core.access import Capability
from panah.core.errors import DomainError, NotFound
from panah.core.normalise import normalise_document_number
from panah.duplicates.evidence import reason_code
from panah.duplicates.models import DataSharingAgreement, DuplicateCandidate, PersonMerge
from panah.duplicates.selectors import organisations_visible
from panah.matching import dedupe
from panah.matching.records import Record
from panah.people.models import NAME_SAID_ON_THE_PHONE, Household, Person, Sex
from panah.people.services import person_search_keys_rebuild
from panah.rules.triage import person_risk_refresh

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
FINGERPRINT_INDEX = "duplicates.pair"


# --- agreements -------------------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    organisation_a: Organisation,
    organisation_b: Organisation,
    reference: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    purpose: str = DataSharingAgreement.Purpose.DUPLICATES,
    source: str = Source.CLI,
) -> DataSharingAgreement:
    """Record a signed agreement between two organisations (by the platform's operators:
    neither organisation alone can open the other's register)."""
    if organisation_a.pk == organisation_b.pk:
        raise DomainError(_("An agreement needs two different organisations."))
    agreement = DataSharingAgreement(
        organisation_a=organisation_a,
        organisation_b=organisation_b,
        purpose=purpose,
        reference=reference.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    agreement.full_clean()
    agreement.save(force_insert=True)
    audit_record_write(
        None, agreement, action=Action.CREATE, fields=["organisations", "purpose"], source=source
    )
    return agreement


@transaction.atomic
def agreement_end(
    agreement: DataSharingAgreement, *, source: str = Source.CLI
) -> DataSharingAgreement:
    """End an agreement now: its pairs leave both organisations' queues at once."""
    agreement.is_active = False
    agreement.save(update_fields=["is_active"])
    audit_record_write(None, agreement, action=Action.UPDATE, fields=["is_active"], source=source)
    return agreement


# --- finding candidates -----------------------------------------------------------------------

_RECORD_SEX: dict[str, str] = {Sex.MALE.value: "M", Sex.FEMALE.value: "F"}


def person_record(person: Person) -> Record:
    """Return the matching record of a person (phones and documents prefetched or read).

    One phone and one document per record, as the model compares them: the first recorded.
    Names in Latin script where recorded, otherwise in Arabic script (names.py reads both).
    """
    phones = [phone.number for phone in person.phones.all()]
    documents = [normalise_document_number(d.number) for d in person.documents.all() if d.number]
    given = person.given_name or person.given_name_native
    return Record(
        line=0,
        record_id=str(person.pk),
        # A name said on a call is not known yet: compared as missing, not as the same name.
        given_name="" if given == NAME_SAID_ON_THE_PHONE else given,
        family_name=person.family_name or person.family_name_native,
        father_name=person.father_name or person.father_name_native,
        sex=_RECORD_SEX.get(person.sex),
        dob=person.birth_date,
        yob=person.birth_year,
        phone=phones[0] if phones else None,
        document=next((d for d in documents if d), None),
    )


def _persons_in_batches(organisation: Organisation | None) -> Iterator[list[Person]]:
    """Yield the persons still on the register (not merged away), BATCH_SIZE at a time."""
    last = None
    while True:
        page = Person.objects.filter(merged_into__isnull=True).order_by("pk")
        if organisation is not None:
            page = page.filter(organisation=organisation)
        if last is not None:
            page = page.filter(pk__gt=last)
        people = list(page.prefetch_related("phones", "documents")[:BATCH_SIZE])
        if not people:
            return
        yield people
        last = people[-1].pk


def _fingerprint(one: Record, other: Record) -> str:
    """A keyed digest of what the model compared of both records (no value is stored)."""

    def facts(record: Record) -> list[Any]:
        return [
            record.given_name,
            record.family_name,
            record.father_name,
            record.sex,
            record.dob.isoformat() if record.dob else None,
            record.yob,
            record.phone,
            record.document,
        ]

    text = json.dumps([facts(one), facts(other)], ensure_ascii=False)
    return crypto.blind_index(FINGERPRINT_INDEX, text)


@dataclass(frozen=True)
class FindSummary:
    persons: int
    found: int
    created: int
    updated: int
    reopened: int
    removed: int


def duplicates_find(
    *,
    organisation: Organisation | None = None,
    options: dedupe.Options | None = None,
    source: str = Source.TASK,
) -> FindSummary:
    """Find likely duplicate pairs and store them for review.

    With an organisation, pairs within its register only; without, one run over every
    organisation's register, which also finds pairs across organisations (shown only where an
    agreement covers them, see selectors). Safe to run again: a pair is stored once; a pending
    pair is refreshed; a rejected pair comes back only when one of its records changed what
    the model compares; confirmed and merged pairs are left alone; pending pairs not found any
    more (a record was corrected or merged) are removed.
    """
    now = timezone.now()
    people: list[Person] = []
    records: list[Record] = []
    for batch in _persons_in_batches(organisation):
        for person in batch:
            people.append(person)
            records.append(person_record(person))
    found = dedupe.candidates(records, options)
    record_of = {person.pk: record for person, record in zip(people, records, strict=True)}

    created = updated = reopened = 0
    with transaction.atomic():
        scope = DuplicateCandidate.objects.all()
        if organisation is not None:
            scope = scope.filter(organisation_a=organisation, organisation_b=organisation)
        existing = {
            (c.person_a_id, c.person_b_id): c for c in scope.select_for_update().order_by("pk")
        }
        seen: set[tuple[Any, Any]] = set()
        for pair in found:
            one, other = people[pair.left], people[pair.right]
            if other.pk < one.pk:
                one, other = other, one
            key = (one.pk, other.pk)
            seen.add(key)
            fingerprint = _fingerprint(record_of[one.pk], record_of[other.pk])
            evidence = [
                {"field": name, "level": level, "weight": pair.weights.get(name, 0.0)}
                for name, level in pair.levels.items()
            ]
            values = {
                "probability": pair.probability,
                "evidence": evidence,
                "reason": reason_code(pair.reason),
                "fingerprint": fingerprint,
            }
            candidate = existing.get(key)
            if candidate is None:
                DuplicateCandidate.objects.create(
                    person_a=one,
                    person_b=other,
                    organisation_a_id=one.organisation_id,
                    organisation_b_id=other.organisation_id,
                    found_at=now,
                    **values,
                )
                created += 1
            elif candidate.state in {
                DuplicateCandidate.State.PENDING,
                DuplicateCandidate.State.CONFIRMED,
            }:
                for name, value in values.items():
                    setattr(candidate, name, value)
                candidate.save(update_fields=[*values, "updated_at"])
                updated += 1
            elif (
                candidate.state == DuplicateCandidate.State.REJECTED
                and candidate.fingerprint != fingerprint
            ):
                for name, value in values.items():
                    setattr(candidate, name, value)
                candidate.state = DuplicateCandidate.State.PENDING
                candidate.found_at = now
                candidate.save(update_fields=[*values, "state", "found_at", "updated_at"])
                reopened += 1
        gone = [
            c.pk
            for key, c in existing.items()
            if key not in seen and c.state == DuplicateCandidate.State.PENDING
        ]
        DuplicateCandidate.objects.filter(pk__in=gone).delete()
        # The run decrypted the register: one audit line says so (no ids, no values).
        audit_record(
            None,
            action=Action.SEARCH,
            object_type="duplicatecandidate",
            object_id=str(organisation.pk) if organisation else "",
            source=source,
        )
    summary = FindSummary(
        persons=len(people),
        found=len(found),
        created=created,
        updated=updated,
        reopened=reopened,
        removed=len(gone),
    )
    logger.info("duplicates found: %s", summary)
    return summary


# --- review -----------------------------------------------------------------------------------


def _candidate_for_decision(actor: Actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Lock the candidate and check the actor may decide it now."""
    actor.require(Capability.DUPLICATES_REVIEW)
    locked = DuplicateCandidate.objects.select_for_update().filter(pk=candidate.pk).first()
    if locked is None or not organisations_visible(
        actor, [locked.organisation_a_id, locked.organisation_b_id]
    ):
        raise NotFound
    if not locked.is_open:
        raise DomainError(_("This pair has already been decided."))
    return locked


@transaction.atomic
def candidate_reject(
    actor: Actor, candidate: DuplicateCandidate, *, source: str = Source.WEB
) -> DuplicateCandidate:
    """Record that the two records are different people: the pair leaves the queue, and
    comes back only if one of the records changes."""
    candidate = _candidate_for_decision(actor, candidate)
    candidate.state = DuplicateCandidate.State.REJECTED
    candidate.reviewer = actor.user
    candidate.reviewed_at = timezone.now()
    candidate.save(update_fields=["state", "reviewer", "reviewed_at", "updated_at"])
    audit_record_write(actor, candidate, action=Action.UPDATE, fields=["state"], source=source)
    return candidate


@transaction.atomic
def candidate_merge(
    actor: Actor, candidate: DuplicateCandidate, *, survivor_id: Any, source: str = Source.WEB
) -> PersonMerge:
    """Confirm a pair is one person and merge it, keeping the record the reviewer chose."""
    candidate = _candidate_for_decision(actor, candidate)
    ids = {candidate.person_a_id, candidate.person_b_id}
    if survivor_id not in ids:
        raise DomainError(_("Choose which of the two records to keep."))
    (merged_id,) = ids - {survivor_id}
    survivor = Person.objects.get(pk=survivor_id)
    merged = Person.objects.get(pk=merged_id)
    return person_merge(actor, survivor, merged, candidate=candidate, source=source)


# --- merge and undo ---------------------------------------------------------------------------

# Fields of the survivor filled from the merged record where the survivor's is empty.
_FILLABLE_TEXT = (
    "given_name",
    "family_name",
    "father_name",
    "given_name_native",
    "family_name_native",
    "father_name_native",
)
_FILLABLE_FLAGS = ("born_in_pakistan", "pakistani_parent", "asylum_claim_pending")
_EMPTY: dict[str, Any] = {
    **dict.fromkeys(_FILLABLE_TEXT, ""),
    **dict.fromkeys(_FILLABLE_FLAGS, False),
    "sex": Sex.UNKNOWN,
    "birth_year": None,
    "birth_date": None,
    "district": None,
}


def _lock_pair(one: Any, other: Any) -> tuple[Person, Person]:
    """Lock both persons (in id order, so two merges cannot deadlock) and return them fresh."""
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[one, other]).order_by("pk")
    }
    if one not in locked or other not in locked:
        raise NotFound
    return locked[one], locked[other]


def _fill_blanks(survivor: Person, merged: Person) -> list[str]:
    """Copy onto the survivor what only the merged record knows; return the fields filled."""
    filled = []
    for name in _FILLABLE_TEXT:
        if not getattr(survivor, name).strip() and getattr(merged, name).strip():
            setattr(survivor, name, getattr(merged, name))
            filled.append(name)
    for name in _FILLABLE_FLAGS:
        if getattr(merged, name) and not getattr(survivor, name):
            setattr(survivor, name, True)
            filled.append(name)
    if survivor.sex == Sex.UNKNOWN and merged.sex != Sex.UNKNOWN:
        survivor.sex = merged.sex
        filled.append("sex")
    if survivor.birth_year is None and merged.birth_year is not None:
        survivor.birth_year = merged.birth_year
        filled.append("birth_year")
    if (
        survivor.birth_date is None
        and merged.birth_date is not None
        and survivor.birth_year == merged.birth_date.year
    ):
        survivor.birth_date = merged.birth_date
        filled.append("birth_date")
    if survivor.district_id is None and merged.district_id is not None:
        survivor.district_id = merged.district_id
        filled.append("district")
    return filled


def _household_join(survivor: Person, merged: Person) -> dict[str, Any]:
    """Bring the merged record's household to the survivor; return how, for the undo.

    The survivor without a household joins the merged record's; with another household of
    the same organisation, the merged record's other members join the survivor's (one family
    registered twice). A household of another organisation is left as it is.
    """
    record: dict[str, Any] = {
        "merged_household": str(merged.household_id) if merged.household_id else None,
        "survivor_joined": False,
        "members": [],
    }
    if merged.household_id is None:
        return record
    if survivor.household_id != merged.household_id:
        household_organisation = Household.objects.values_list("organisation_id", flat=True).get(
            pk=merged.household_id
        )
        if household_organisation != survivor.organisation_id:
            record["merged_household"] = None  # left as it is: nothing to undo
            return record
        if survivor.household_id is None:
            survivor.household_id = merged.household_id
            record["survivor_joined"] = True
        else:
            others = Person.objects.filter(household_id=merged.household_id).exclude(pk=merged.pk)
            record["members"] = [str(pk) for pk in others.values_list("pk", flat=True)]
            others.update(household_id=survivor.household_id)
    merged.household = None  # the survivor stands for the merged record in the household
    return record


def _ids(queryset: Any) -> list[str]:
    return [str(pk) for pk in queryset.values_list("pk", flat=True)]


@transaction.atomic
def person_merge(
    actor: Actor,
    survivor: Person,
    merged: Person,
    *,
    candidate: DuplicateCandidate | None = None,
    source: str = Source.WEB,
) -> PersonMerge:
    """Merge `merged` into `survivor`: every row of the merged record moves to the survivor.

    Phones and documents the survivor already has stay on the merged record (which is kept,
    marked merged, indexed under nothing and left out of lists); everything else — the other
    phones and documents, consents, cases, contacts (as the person concerned and as caller) —
    moves; the household is joined; the survivor's empty fields are filled from the merged
    record. The PersonMerge lists exactly what moved, for person_merge_undo. Records of two
    organisations are shown side by side under a data-sharing agreement but not merged (see
    the check below).
    """
    actor.require(Capability.DUPLICATES_REVIEW)
    actor.require(Capability.PERSON_EDIT)
    if survivor.pk == merged.pk:
        raise DomainError(_("A record cannot be merged into itself."))
    survivor, merged = _lock_pair(survivor.pk, merged.pk)
    if not organisations_visible(actor, [survivor.organisation_id, merged.organisation_id]):
        raise NotFound
    if survivor.organisation_id != merged.organisation_id:
        # Each organisation sees only its own people (people.selectors.person_scope): after
        # such a merge the other organisation's cases would point at a record it cannot open.
        # Until a person can be viewed under an agreement, a shared duplicate is resolved by
        # the two organisations talking, not by a merge.
        raise DomainError(
            _(
                "Records of two organisations cannot be merged yet. Agree with the other "
                "organisation which record stays, and ask them to correct theirs."
            )
        )
    if merged.merged_into_id is not None:
        raise DomainError(_("This record has already been merged into another record."))
    if survivor.merged_into_id is not None:
        raise DomainError(
            _("The record to keep was itself merged into another record: merge into that one.")
        )
    if candidate is not None and {candidate.person_a_id, candidate.person_b_id} != {
        survivor.pk,
        merged.pk,
    }:
        raise DomainError(_("This pair is not about these two records."))
    now = timezone.now()

    kept_phones = {phone.number for phone in survivor.phones.all()}
    phones = [p.pk for p in merged.phones.all() if p.number not in kept_phones]
    kept_documents = {
        (d.doc_type, normalise_document_number(d.number)) for d in survivor.documents.all()
    }
    documents = [
        d.pk
        for d in merged.documents.all()
        if (d.doc_type, normalise_document_number(d.number)) not in kept_documents
    ]
    relations = merge_relations()
    moved: dict[str, Any] = {
        kind: _ids(model._base_manager.filter(**{fk: merged})) for kind, model, fk in relations
    }
    moved["phones"] = [str(pk) for pk in phones]
    moved["documents"] = [str(pk) for pk in documents]
    for kind, model, fk in relations:
        model._base_manager.filter(pk__in=moved[kind]).update(**{fk: survivor})
    moved["household"] = _household_join(survivor, merged)
    moved["fields_filled"] = _fill_blanks(survivor, merged)
    added = [code for code in merged.languages if code not in survivor.languages]
    survivor.languages = [*survivor.languages, *added]
    moved["languages_added"] = added

    survivor.full_clean()
    survivor.save()
    merged.merged_into = survivor
    merged.merged_at = now
    merged.save(update_fields=["merged_into", "merged_at", "household", "updated_at"])
    person_search_keys_rebuild(survivor)
    person_search_keys_rebuild(merged)  # a merged record is found under nothing

    merge = PersonMerge.objects.create(
        survivor=survivor,
        merged=merged,
        candidate=candidate,
        organisation=actor.organisation,
        merged_by=actor.user,
        merged_at=now,
        moved=moved,
    )
    if candidate is not None:
        candidate.state = DuplicateCandidate.State.MERGED
        candidate.reviewer = actor.user
        candidate.reviewed_at = now
        candidate.save(update_fields=["state", "reviewer", "reviewed_at", "updated_at"])
        audit_record_write(actor, candidate, action=Action.UPDATE, fields=["state"], source=source)
    kinds = [kind for kind, _model, _fk in relations if moved[kind]]
    audit_record_write(
        actor, merge, action=Action.CREATE, fields=["survivor", "merged", *kinds], source=source
    )
    audit_record_write(
        actor,
        survivor,
        action=Action.UPDATE,
        fields=["merged_from", *kinds, *moved["fields_filled"]],
        source=source,
    )
    audit_record_write(actor, merged, action=Action.UPDATE, fields=["merged_into"], source=source)
    # The survivor's documents and facts changed, and its cases carry its rank.
    person_risk_refresh(survivor)
    return merge


# Foreign keys to Person a merge does not move: the search keys are rebuilt instead, and the
# others are the merge's and the review's own records.
NOT_MOVED = frozenset(
    {
        ("people.SearchKey", "person"),
        ("people.Person", "merged_into"),
        ("duplicates.DuplicateCandidate", "person_a"),
        ("duplicates.DuplicateCandidate", "person_b"),
        ("duplicates.PersonMerge", "survivor"),
        ("duplicates.PersonMerge", "merged"),
    }
)
# The PersonMerge.moved keys of the relations the pages name; any other is "<label>.<field>".
_MOVED_KEYS = {
    ("people.PhoneNumber", "person"): "phones",
    ("people.IdentityDocument", "person"): "documents",
    ("people.Consent", "person"): "consents",
    ("cases.Case", "person"): "cases",
    ("helpline.Contact", "person"): "contacts",
    ("helpline.Contact", "caller"): "contacts_as_caller",
}


def merge_relations() -> list[tuple[str, Any, str]]:
    """Return (PersonMerge.moved key, model, foreign key) for every relation a merge moves.

    Read from the app registry, not listed by hand: a model added later with a foreign key to
    Person (a conversation, a referral) is moved, and put back by the undo, without anyone
    having to remember this function.
    """
    relations = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.concrete and field.is_relation and field.related_model is Person):
                continue
            label = (model._meta.label, field.name)
            if label not in NOT_MOVED:
                key = _MOVED_KEYS.get(label, f"{label[0]}.{label[1]}")
                relations.append((key, model, field.name))
    return sorted(relations, key=lambda r: r[0])


@transaction.atomic
def person_merge_undo(actor: Actor, merge: PersonMerge, *, source: str = Source.WEB) -> PersonMerge:
    """Undo a merge: the rows it moved go back, the merged record returns to the register.

    Refused when the survivor has since been merged into a third record (undo that first) or
    when a moved row no longer points at the survivor. Rows added to the survivor after the
    merge stay with it; filled fields are emptied again unless changed since.
    """
    actor.require(Capability.DUPLICATES_REVIEW)
    actor.require(Capability.PERSON_EDIT)
    locked = PersonMerge.objects.select_for_update().filter(pk=merge.pk).first()
    if locked is None:
        raise NotFound
    merge = locked
    survivor, merged = _lock_pair(merge.survivor_id, merge.merged_id)
    if not organisations_visible(actor, [survivor.organisation_id, merged.organisation_id]):
        raise NotFound
    if merge.undone_at is not None:
        raise DomainError(_("This merge has already been undone."))
    if survivor.merged_into_id is not None:
        raise DomainError(
            _("The kept record was merged into another record since: undo that merge first.")
        )
    moved = merge.moved
    relations = merge_relations()
    for kind, model, fk in relations:
        ids = moved.get(kind, [])
        if model._base_manager.filter(pk__in=ids, **{fk: survivor}).count() != len(ids):
            raise DomainError(
                _("Some of the moved records have changed since the merge: it cannot be undone.")
            )
    for kind, model, fk in relations:
        model._base_manager.filter(pk__in=moved.get(kind, [])).update(**{fk: merged})

    household = moved.get("household") or {}
    if household.get("survivor_joined"):
        survivor.household_id = None
    if household.get("members"):
        Person.objects.filter(pk__in=household["members"]).update(
            household_id=household["merged_household"]
        )
    if household.get("merged_household"):
        merged.household_id = household["merged_household"]
    for name in sorted(moved.get("fields_filled", []), key=lambda n: n != "birth_date"):
        # (the date before its year: a year cannot be emptied under a date)
        attname = "district_id" if name == "district" else name
        if getattr(survivor, attname) != getattr(merged, attname):
            continue  # changed since the merge: the newer value stays
        if name == "birth_year" and survivor.birth_date is not None:
            continue
        setattr(survivor, attname, _EMPTY[name])
    survivor.languages = [
        code for code in survivor.languages if code not in moved.get("languages_added", [])
    ]
    survivor.full_clean()
    survivor.save()
    merged.merged_into = None
    merged.merged_at = None
    merged.save(update_fields=["merged_into", "merged_at", "household", "updated_at"])
    person_search_keys_rebuild(survivor)
    person_search_keys_rebuild(merged)

    now = timezone.now()
    merge.undone_at = now
    merge.undone_by = actor.user
    merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
    if merge.candidate_id is not None:
        # The reviewer had said "same person": the pair is back in the queue, to merge again
        # or to reject.
        DuplicateCandidate.objects.filter(
            pk=merge.candidate_id, state=DuplicateCandidate.State.MERGED
        ).update(state=DuplicateCandidate.State.CONFIRMED, reviewer=actor.user, reviewed_at=now)
    kinds = [kind for kind, _model, _fk in relations if moved.get(kind)]
    audit_record_write(actor, merge, action=Action.UPDATE, fields=["undone_at"], source=source)
    audit_record_write(
        actor, survivor, action=Action.UPDATE, fields=["merged_from", *kinds], source=source
    )
    audit_record_write(actor, merged, action=Action.UPDATE, fields=["merged_into"], source=source)
    for person in (survivor, merged):
        person_risk_refresh(person)
    return merge
