"""Each person's stored deportation risk, the key by which the case queue sorts urgent cases.

The engine answers for one person and one date; a queue of hundreds of cases must sort in SQL,
so the latest answer is stored on the person (Person.risk_rank, risk_assessed_on,
risk_policy_version; RISK_RANK in engine.py gives the numbers), and the rank is copied onto
the person's cases in the same transaction (cases.services.case_risk_sync: the queue sorts by
the case's own column, which an index can give in order). It goes stale in two ways:
the facts change (a document recorded: whoever records it refreshes, see
person_risk_refresh), or time passes (a deadline to leave, the start of enforcement, a visa's
expiry) or a new policy is installed (risk_refresh_stale, run daily: tasks.py).

Not audited, on purpose: the audit log records what users do with personal data, and every
change to the facts the engine reads was audited by the service that made it. This is the
system recomputing a derived four-level category from those facts; an audit row per person
per day would say nothing about who saw or changed what.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from panah.cases.services import case_risk_sync
from panah.people.models import IdentityDocument, Person
from panah.rules import engine, labels
from panah.rules.policy import Policy
from panah.rules.services import current_policy, facts_from_person

RISK_FIELDS = ("risk_rank", "risk_assessed_on", "risk_policy_version")
RISK_REFRESH_BATCH = 500
# All the engine reads of a person and their documents. Loading only these keeps the refresh
# from decrypting names, notes and document numbers it does not need.
_FACT_COLUMNS = (
    "id",
    "birth_date",
    "birth_year",
    "born_in_pakistan",
    "pakistani_parent",
    "asylum_claim_pending",
)
_DOCUMENT_COLUMNS = ("id", "person_id", "doc_type", "issued_on", "expires_on")
_RISK_BY_RANK = {rank: risk for risk, rank in engine.RISK_RANK.items()}


def _fact_documents() -> QuerySet[IdentityDocument]:
    return IdentityDocument.objects.only(*_DOCUMENT_COLUMNS)


@transaction.atomic
def person_risk_refresh(
    person: Person, *, on: datetime.date | None = None, policy: Policy | None = None
) -> int:
    """Assess a person on a date (today by default), store the risk and return its rank.

    Call it where the facts the engine reads were written: helpline.intake_record does. The
    people services cannot, as people must not import rules (docs/architecture.md); a caller
    that forgets leaves the rank stale until the next risk_refresh_stale.
    """
    policy = policy or current_policy()
    # Race: two intakes adding documents to one person at once would each assess without the
    # other's uncommitted document, and the later write would drop the earlier one. Locking the
    # person first makes the second wait, then read both documents.
    list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk"))
    # The documents afresh: a copy prefetched on `person` may predate a document just added.
    documents = _fact_documents().filter(person_id=person.pk)
    facts = facts_from_person(person, documents=documents)
    assessment = engine.assess(facts, on or timezone.localdate(), policy)
    person.risk_rank = engine.RISK_RANK[assessment.risk]
    person.risk_assessed_on = assessment.on
    person.risk_policy_version = assessment.policy_version
    person.save(update_fields=RISK_FIELDS)
    # The person's cases sort by their own copy of the rank (Case.risk_rank): keep it equal.
    case_risk_sync([person.pk], rank=person.risk_rank)
    return person.risk_rank


def risk_refresh_stale(
    *,
    on: datetime.date | None = None,
    policy: Policy | None = None,
    batch_size: int = RISK_REFRESH_BATCH,
) -> int:
    """Re-assess every person whose stored risk is not as of `on` (today) under the current
    policy: never assessed, assessed on another day, or under another policy version. Return
    how many people were re-assessed.

    One transaction per batch, in primary-key order, so no lock is held for long and an
    interrupted run keeps the batches it finished. Safe to run twice: a second run on the same
    day finds nothing to do.
    """
    on = on or timezone.localdate()
    policy = policy or current_policy()
    stale = (
        Person.objects.exclude(risk_assessed_on=on, risk_policy_version=policy.version)
        .only(*_FACT_COLUMNS)
        .prefetch_related(Prefetch("documents", queryset=_fact_documents()))
        .order_by("pk")
    )
    refreshed = 0
    after = None
    while True:
        with transaction.atomic():
            page = stale if after is None else stale.filter(pk__gt=after)
            # Race: an intake refreshing one of these people meanwhile would be overwritten by
            # this batch's older read of their documents. Locked, the intake waits and writes
            # last, from its own new facts.
            people = list(page.select_for_update()[:batch_size])
            if not people:
                return refreshed
            by_rank: dict[int, list[Any]] = defaultdict(list)
            for person in people:
                risk = engine.assess(facts_from_person(person), on, policy).risk
                by_rank[engine.RISK_RANK[risk]].append(person.pk)
            for rank, ids in by_rank.items():  # at most two UPDATEs per risk level
                Person.objects.filter(pk__in=ids).update(
                    risk_rank=rank, risk_assessed_on=on, risk_policy_version=policy.version
                )
                case_risk_sync(ids, rank=rank)
        refreshed += len(people)
        after = people[-1].pk


def risk_for_rank(rank: int | None) -> dict[str, str] | None:
    """Return a stored rank as a risk code and its words, with the keys of the JSON assessment
    (what rules/risk_badge.html reads); None for a person not assessed yet."""
    if rank is None:
        return None
    risk = _RISK_BY_RANK[rank]
    return {"risk": risk, "risk_label": str(labels.LABELS[f"risk:{risk}"])}
