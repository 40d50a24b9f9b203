"""Reads of people, scoped to what the acting user's organisation and role allow."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from panah.accounts.selectors import Actor, actor_for
from panah.audit.services import Action, audit_record, audit_record_read
from panah.core.access import Capability, Role
from panah.core.errors import DomainError, NotFound
from panah.core.normalise import looks_like_phone, name_tokens, normalise_phone
from panah.people import services
from panah.people.models import Consent, IdentityDocument, Person, SearchKey

MAX_SEARCH_QUERY = 200
MAX_CANDIDATES = 200


def person_scope(actor: Actor) -> QuerySet[Person]:
    """Return the persons the actor may see: their organisation's, narrowed by role.

    Advocates see only the people on cases assigned to them; roles without PERSON_VIEW
    (analysts) see nobody.
    """
    if not actor.can(Capability.PERSON_VIEW):
        return Person.objects.none()
    qs = Person.objects.filter(organisation_id=actor.organisation_id)
    if actor.role == Role.ADVOCATE:
        qs = qs.filter(cases__assigned_advocate_id=actor.user.pk).distinct()
    return qs


def _parse_uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound from exc


def person_get_for(user: Any, person_id: object, *, source: str = "web") -> Person:
    """Return one person with documents, phones and consents; audit the read."""
    actor = actor_for(user)
    person = (
        person_scope(actor)
        .select_related("district", "household")
        .prefetch_related(
            "phones",
            Prefetch("documents", queryset=IdentityDocument.objects.order_by("created_at")),
            Prefetch("consents", queryset=Consent.objects.order_by("-given_at")),
        )
        .filter(pk=_parse_uuid(person_id))
        .first()
    )
    if person is None:
        raise NotFound
    audit_record_read(actor, person, source=source)
    return person


def person_numbers_reveal_for(user: Any, person_id: object, *, source: str = "web") -> Person:
    """Return a person whose phone and document numbers the user asked to see in full.

    Pages show numbers masked (SECURITY.md DP-9); each reveal is its own audit entry, naming
    the field categories shown.
    """
    actor = actor_for(user)
    person = (
        person_scope(actor)
        .prefetch_related("phones", "documents")
        .filter(pk=_parse_uuid(person_id))
        .first()
    )
    if person is None:
        raise NotFound
    audit_record(
        actor,
        action=Action.VIEW,
        object_type="person",
        object_id=person.pk,
        fields=["phone_numbers", "document_numbers"],
        source=source,
    )
    return person


def person_for_write(actor: Actor, person_id: object) -> Person:
    """Return a person the actor may change (no read audit: the write is audited)."""
    actor.require(Capability.PERSON_EDIT)
    person = person_scope(actor).filter(pk=_parse_uuid(person_id)).first()
    if person is None:
        raise NotFound
    return person


@dataclass(frozen=True)
class PersonMatch:
    person: Person
    score: int
    matched: tuple[str, ...]


def _query_digests(query: str) -> list[tuple[str, str]]:
    """Turn free text into the blind-index digests it could match, with their kind."""
    digests: list[tuple[str, str]] = []
    if looks_like_phone(query):
        try:
            e164 = normalise_phone(query, default_region=settings.PANAH_DEFAULT_PHONE_REGION)
        except DomainError:
            e164 = ""
        if e164:
            digests.append((SearchKey.Kind.PHONE, services.phone_digest(e164)))
    if any(ch.isdigit() for ch in query):
        digests.append((SearchKey.Kind.DOCUMENT, services.document_digest(query)))
    tokens = name_tokens(query)
    if tokens and not all(t.isdigit() for t in tokens):
        full = services.full_name_digest(query, "")
        if full:
            digests.append((SearchKey.Kind.FULL_NAME, full))
        digests.extend((SearchKey.Kind.NAME_TOKEN, services.name_token_digest(t)) for t in tokens)
    return digests


# A phone or document hit outranks any number of name-token hits.
_KIND_WEIGHT: dict[str, int] = {
    SearchKey.Kind.PHONE: 100,
    SearchKey.Kind.DOCUMENT: 100,
    SearchKey.Kind.FULL_NAME: 20,
    SearchKey.Kind.NAME_TOKEN: 5,
}


def person_search_for(
    user: Any, *, query: str, limit: int = 10, source: str = "web"
) -> list[PersonMatch]:
    """Return people matching a phone number, document number or name (exact, by token).

    Matching runs entirely on blind-index digests: the plaintext never reaches the database.
    Names match word by word, so "Ahmad" finds "Ahmad Khan" and "Khan" finds him too; fuzzy
    and phonetic matching arrive with the linkage app. The search itself is audited (without
    its text).
    """
    actor = actor_for(user)
    actor.require(Capability.PERSON_VIEW)
    query = query.strip()[:MAX_SEARCH_QUERY]
    digests = _query_digests(query)
    if not digests:
        return []
    strong = [(k, d) for k, d in digests if k != SearchKey.Kind.NAME_TOKEN]
    tokens = [d for k, d in digests if k == SearchKey.Kind.NAME_TOKEN]
    hits: dict[uuid.UUID, set[str]] = {}
    if strong:
        rows = SearchKey.objects.filter(
            organisation_id=actor.organisation_id,
            kind__in={k for k, _ in strong},
            digest__in={d for _, d in strong},
        ).values_list("person_id", "kind")[:MAX_CANDIDATES]
        for person_id, kind in rows:
            hits.setdefault(person_id, set()).add(kind)
    exact_names = sum(1 for found in hits.values() if SearchKey.Kind.FULL_NAME in found)
    if tokens and exact_names < limit:
        # Every typed name word must match. One index scan per word, intersected in SQL
        # (INTERSECT): a GROUP BY … HAVING … LIMIT over all words made PostgreSQL walk the
        # whole index for common names (Mohammad), about a second per keystroke at 200,000
        # people; the intersection stays in tens of milliseconds.
        per_word = [
            SearchKey.objects.filter(
                organisation_id=actor.organisation_id,
                kind=SearchKey.Kind.NAME_TOKEN,
                digest=digest,
            ).values_list("person_id", flat=True)
            for digest in dict.fromkeys(tokens)
        ]
        matching = per_word[0].intersection(*per_word[1:]) if len(per_word) > 1 else per_word[0]
        for person_id in matching[:MAX_CANDIDATES]:
            hits.setdefault(person_id, set()).add(SearchKey.Kind.NAME_TOKEN)
    scores = {pid: sum(_KIND_WEIGHT[k] for k in found) for pid, found in hits.items()}
    kinds = hits
    candidates = list(hits)
    ranked = sorted(candidates, key=lambda pid: -scores[pid])[:limit]
    people = {
        p.pk: p
        for p in person_scope(actor).filter(pk__in=ranked).prefetch_related("phones", "documents")
    }
    audit_record(actor, action=Action.SEARCH, object_type="person", object_id="", source=source)
    return [
        PersonMatch(person=people[pid], score=scores[pid], matched=tuple(sorted(kinds[pid])))
        for pid in ranked
        if pid in people
    ]


def person_list_for(user: Any) -> QuerySet[Person]:
    """Return the people the user may see, newest first."""
    actor = actor_for(user)
    return person_scope(actor).order_by("-created_at")


def people_by_key(actor: Actor, *, kind: str, digest: str) -> QuerySet[Person]:
    """Return the people in scope whose blind index of `kind` equals `digest` (one query)."""
    # The organisation is repeated on SearchKey so the look-up uses the whole
    # (organisation, kind, digest) index instead of skip-scanning it.
    return person_scope(actor).filter(
        search_keys__organisation_id=actor.organisation_id,
        search_keys__kind=kind,
        search_keys__digest=digest,
    )


def person_lookup_for(
    user: Any,
    *,
    phone: str = "",
    document_number: str = "",
    full_name: str = "",
    source: str = "web",
) -> list[Person]:
    """Return the people matching exactly one phone, document number or normalised full name.

    Raises DomainError for a malformed phone number. The look-up is audited (without its text).
    """
    actor = actor_for(user)
    actor.require(Capability.PERSON_VIEW)
    if phone:
        e164 = normalise_phone(phone, default_region=settings.PANAH_DEFAULT_PHONE_REGION)
        kind, digest = SearchKey.Kind.PHONE, services.phone_digest(e164)
    elif document_number:
        kind, digest = SearchKey.Kind.DOCUMENT, services.document_digest(document_number)
    else:
        name_digest = services.full_name_digest(full_name, "")
        if name_digest is None:
            return []
        kind, digest = SearchKey.Kind.FULL_NAME, name_digest
    people = list(people_by_key(actor, kind=kind, digest=digest).distinct()[:MAX_CANDIDATES])
    audit_record(actor, action=Action.SEARCH, object_type="person", object_id="", source=source)
    return people
