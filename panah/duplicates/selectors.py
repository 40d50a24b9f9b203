"""Reads of duplicate candidates and merges, scoped to the reviewer's organisation and the
data-sharing agreements it holds.

A pair is visible to a reviewer of organisation O when both records are O's, or one is O's and
the other belongs to an organisation with which O has an agreement covering today. Anything
else is a 404, like a record that does not exist.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from panah.accounts.models import Organisation
from panah.accounts.selectors import Actor, actor_for
from panah.audit.services import audit_record_read
from panah.cases.models import Case
from panah.core.access import Capability
from panah.core.errors import NotFound
from panah.duplicates.evidence import REASON_LABELS, Line, evidence_lines
from panah.duplicates.models import DataSharingAgreement, DuplicateCandidate, PersonMerge
from panah.helpline.models import Contact
from panah.people.models import Consent, IdentityDocument, Person

OPEN_STATES = (DuplicateCandidate.State.PENDING, DuplicateCandidate.State.CONFIRMED)
QUEUE_LIMIT = 200


def _parse_uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound from exc


def partner_ids(
    organisation_id: Any,
    *,
    purpose: str = DataSharingAgreement.Purpose.DUPLICATES,
    on: datetime.date | None = None,
) -> set[Any]:
    """Return the organisations with an agreement with this one for `purpose` covering `on`."""
    day = on or timezone.localdate()
    agreements = DataSharingAgreement.objects.filter(
        Q(organisation_a_id=organisation_id) | Q(organisation_b_id=organisation_id),
        purpose=purpose,
        is_active=True,
        valid_from__lte=day,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    partners = set()
    for a, b in agreements.values_list("organisation_a_id", "organisation_b_id"):
        partners.add(b if a == organisation_id else a)
    return partners


def organisations_visible(actor: Actor, organisation_ids: Iterable[Any]) -> bool:
    """Return whether the actor may review records of all these organisations together.

    At least one must be the actor's own; any other must be under an agreement with it.
    """
    ids = set(organisation_ids)
    if actor.organisation_id not in ids:
        return False
    others = ids - {actor.organisation_id}
    return not others or others <= partner_ids(actor.organisation_id)


def candidate_scope(actor: Actor) -> QuerySet[DuplicateCandidate]:
    """Return the candidates the actor may review (all states)."""
    actor.require(Capability.DUPLICATES_REVIEW)
    own = actor.organisation_id
    partners = partner_ids(own)
    return DuplicateCandidate.objects.filter(
        Q(organisation_a_id=own, organisation_b_id=own)
        | Q(organisation_a_id=own, organisation_b_id__in=partners)
        | Q(organisation_b_id=own, organisation_a_id__in=partners)
    )


def candidate_queue_for(user: Any, *, limit: int = QUEUE_LIMIT) -> list[DuplicateCandidate]:
    """Return the pairs waiting for a decision, most probable first.

    Pairs of which a record has since been merged away are left out (the next run of the
    finder removes them).
    """
    actor = actor_for(user)
    return list(
        candidate_scope(actor)
        .filter(
            state__in=OPEN_STATES,
            person_a__merged_into__isnull=True,
            person_b__merged_into__isnull=True,
        )
        .select_related("organisation_a", "organisation_b")
        .order_by("-probability", "found_at", "pk")[:limit]
    )


def candidate_get_for(user: Any, candidate_id: object) -> DuplicateCandidate:
    """Return one candidate the user may review (no personal data read: nothing audited)."""
    actor = actor_for(user)
    candidate = (
        candidate_scope(actor)
        .select_related("organisation_a", "organisation_b")
        .filter(pk=_parse_uuid(candidate_id))
        .first()
    )
    if candidate is None:
        raise NotFound
    return candidate


@dataclass(frozen=True)
class Side:
    """One record of a pair as the comparison page shows it."""

    person: Person
    cases: int
    contacts: int
    own: bool  # of the reviewer's organisation


@dataclass(frozen=True)
class Comparison:
    candidate: DuplicateCandidate
    a: Side
    b: Side
    evidence: list[Line]
    reason: Any  # a translated sentence, or None
    merges: list[PersonMerge] = field(default_factory=list)


def _persons_with_details(ids: list[Any]) -> dict[Any, Person]:
    people = (
        Person.objects.filter(pk__in=ids)
        .select_related("district", "household", "organisation", "merged_into")
        .prefetch_related(
            "phones",
            Prefetch("documents", queryset=IdentityDocument.objects.order_by("created_at")),
            Prefetch("consents", queryset=Consent.objects.order_by("-given_at")),
        )
    )
    return {p.pk: p for p in people}


def _side(actor: Actor, person: Person) -> Side:
    return Side(
        person=person,
        cases=Case.objects.filter(person=person).count(),
        contacts=Contact.objects.filter(Q(person=person) | Q(caller=person)).count(),
        own=person.organisation_id == actor.organisation_id,
    )


def candidate_compare_for(user: Any, candidate_id: object, *, source: str = "web") -> Comparison:
    """Return both records of a pair, decrypted, with their counts; audit both reads."""
    actor = actor_for(user)
    candidate = candidate_get_for(user, candidate_id)
    people = _persons_with_details([candidate.person_a_id, candidate.person_b_id])
    a, b = people[candidate.person_a_id], people[candidate.person_b_id]
    for person in (a, b):
        audit_record_read(actor, person, source=source)
    merges = list(PersonMerge.objects.filter(candidate=candidate).order_by("-merged_at"))
    return Comparison(
        candidate=candidate,
        a=_side(actor, a),
        b=_side(actor, b),
        evidence=evidence_lines(candidate.evidence),
        reason=REASON_LABELS.get(candidate.reason) if candidate.reason else None,
        merges=merges,
    )


@dataclass(frozen=True)
class Flag:
    """Pairs found with an organisation we have no agreement with: how many, and their ids."""

    partner: Organisation
    count: int
    candidate_ids: list[Any]


def unshared_flags_for(user: Any) -> list[Flag]:
    """Return, for an organisation administrator, the pending pairs across organisations that
    no agreement covers: per partner organisation, a count and opaque ids, never a name."""
    actor = actor_for(user)
    if not actor.can(Capability.DUPLICATES_FLAGS):
        return []
    own = actor.organisation_id
    partners = partner_ids(own)
    rows = (
        DuplicateCandidate.objects.filter(state=DuplicateCandidate.State.PENDING)
        .filter(
            (Q(organisation_a_id=own) & ~Q(organisation_b_id=own))
            | (Q(organisation_b_id=own) & ~Q(organisation_a_id=own))
        )
        .values_list("pk", "organisation_a_id", "organisation_b_id")
    )
    by_partner: dict[Any, list[Any]] = defaultdict(list)
    for pk, org_a, org_b in rows:
        other = org_b if org_a == own else org_a
        if other not in partners:
            by_partner[other].append(pk)
    organisations = Organisation.objects.in_bulk(list(by_partner))
    return [
        Flag(partner=organisations[org], count=len(ids), candidate_ids=sorted(ids, key=str))
        for org, ids in sorted(by_partner.items(), key=lambda kv: organisations[kv[0]].name)
    ]


def merge_for_write(actor: Actor, merge_id: object) -> PersonMerge:
    """Return one merge the actor may see and undo: both records visible to them (no read
    audit: the undo is audited)."""
    actor.require(Capability.DUPLICATES_REVIEW)
    merge = (
        PersonMerge.objects.select_related("survivor", "merged", "merged_by", "undone_by")
        .filter(pk=_parse_uuid(merge_id))
        .first()
    )
    if merge is None or not organisations_visible(
        actor, [merge.survivor.organisation_id, merge.merged.organisation_id]
    ):
        raise NotFound
    return merge


def merge_get_for(user: Any, merge_id: object, *, source: str = "web") -> PersonMerge:
    """Return one merge for its page, which names both records: both reads are audited."""
    actor = actor_for(user)
    merge = merge_for_write(actor, merge_id)
    for person in (merge.survivor, merge.merged):
        audit_record_read(actor, person, source=source)
    return merge
