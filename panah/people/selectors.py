"""Reads of people, scoped to what the acting user's organisation and role allow."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from panah.accounts.selectors import Actor, actor_for
from panah.audit.services import Action, audit_record, audit_record_read
from panah.core.access import Capability, Role
from panah.core.errors import NotFound
from panah.core.normalise import normalise_name, normalise_phone
from panah.people import search, services
from panah.people.models import Consent, IdentityDocument, Person, SearchKey

MAX_SEARCH_QUERY = 200
MAX_CANDIDATES = 200  # exact look-ups (person_lookup_for)


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
    score: int  # 0…100, see panah.people.search.score
    matched: tuple[str, ...]  # what agreed in the indexes: name, father, birth_year, phone …


# Index entries read per looked-up key. A key with more entries than this in the organisation
# (the word Mohammad, a year of birth) is "common": its first entries still count, a hundred
# times less, so that a search with nothing better still lists someone. This bounds the work
# of every search, whatever the register's size and however common the name; single words are
# read the least, since pairs and identifiers carry the search.
KEY_ROWS = 500
WORD_ROWS = 30
# People whose names are decrypted and re-ranked per search: CANDIDATES, and up to twice as
# many when they tie with the last (a family and a father's name shared by a hundred cousins
# must not be cut at random).
CANDIDATES = 80
# Beyond them, up to RESERVED people from the first RESERVE_POOL whose family and father's
# names match as typed, and up to RESERVED_NO_FATHER whose father's name was never recorded
# (see _candidates).
RESERVED = 20
RESERVED_NO_FATHER = 10
RESERVE_POOL = 500
MIN_SCORE = 40
SEARCH_LIMIT = 20
MAX_LOOKUPS = 60  # one bit each in the SQL result

_Kind = SearchKey.Kind
# How much a hit of each kind counts in SQL, where it only chooses whom to decrypt.
_KIND_WEIGHT: dict[str, int] = {
    _Kind.PHONE: 100,
    _Kind.DOCUMENT: 100,
    _Kind.PAIR_FULL: 60,
    _Kind.NO_FATHER: 60,  # looked up at search.NO_FATHER_FACTOR: 20
    _Kind.PAIR_FATHER: 40,
    _Kind.FULL_NAME: 30,
    _Kind.PAIR_FATHER_SKELETON: 25,
    _Kind.PAIR_NAME: 25,
    _Kind.PAIR_YEAR: 20,
    _Kind.NAME_MATCH: 8,
    _Kind.NAME_PHONETIC: 6,
    _Kind.FATHER_MATCH: 6,
    _Kind.FATHER_PHONETIC: 5,
    _Kind.NAME_SKELETON: 4,
    _Kind.FATHER_SKELETON: 3,
    _Kind.BIRTH_YEAR: 2,
}
_WORD_KINDS = frozenset(
    {
        _Kind.NAME_MATCH,
        _Kind.NAME_PHONETIC,
        _Kind.NAME_SKELETON,
        _Kind.FATHER_MATCH,
        _Kind.FATHER_PHONETIC,
        _Kind.FATHER_SKELETON,
        _Kind.BIRTH_YEAR,
    }
)
_IDENTIFIER_KINDS = frozenset({_Kind.PHONE, _Kind.DOCUMENT})
_FATHER_PAIR_KINDS = frozenset({_Kind.PAIR_FATHER, _Kind.PAIR_FATHER_SKELETON})
_KIND_LABELS: dict[str, tuple[str, ...]] = {
    _Kind.PHONE: ("phone",),
    _Kind.DOCUMENT: ("document",),
    _Kind.FULL_NAME: ("name",),
    _Kind.PAIR_FULL: ("name", "father"),
    _Kind.NO_FATHER: ("name",),
    _Kind.PAIR_FATHER: ("name", "father"),
    _Kind.PAIR_FATHER_SKELETON: ("name", "father"),
    _Kind.PAIR_NAME: ("name",),
    _Kind.PAIR_YEAR: ("name", "birth_year"),
    _Kind.NAME_MATCH: ("name",),
    _Kind.NAME_PHONETIC: ("name",),
    _Kind.NAME_SKELETON: ("name",),
    _Kind.FATHER_MATCH: ("father",),
    _Kind.FATHER_PHONETIC: ("father",),
    _Kind.FATHER_SKELETON: ("father",),
    _Kind.BIRTH_YEAR: ("birth_year",),
}


def _query_lookups(query: search.Query) -> list[tuple[str, str, int]]:
    """Return the (kind, digest, weight) to look a parsed query up under, strongest first."""
    values = search.query_values(query)
    values |= {(_Kind.PHONE, phone): 1.0 for phone in query.phones}
    values |= {(_Kind.DOCUMENT, number): 1.0 for number in query.documents}
    full = normalise_name(query.own_text)
    if full:
        values[(_Kind.FULL_NAME, full)] = 1.0
    weighted = [
        (kind, value, round(_KIND_WEIGHT[kind] * factor))
        for (kind, value), factor in values.items()
    ]
    weighted.sort(key=lambda kvw: (-kvw[2], kvw[0], kvw[1]))
    return [
        (kind, services.index_digest(kind, value), weight)
        for kind, value, weight in weighted[:MAX_LOOKUPS]
    ]


def _candidates(
    actor: Actor, lookups: Sequence[tuple[str, str, int]]
) -> list[tuple[Any, int, int]]:
    """Return about CANDIDATES (person id, SQL score, bits of matched lookups), best first,
    then up to RESERVED more whose family and father's names matched as typed, and up to
    RESERVED_NO_FATHER more whose father's name was never recorded.

    One statement: each key reads at most KEY_ROWS (single words: WORD_ROWS) entries of the
    covering index (organisation, kind, digest, person); a key that fills its quota is common
    and weighs a hundredth; hits are summed per person and only the best CANDIDATES come back.
    Bit i of the bits says the person matched lookups[i] (a person matches a key at most once:
    SearchKey is unique per person, kind and digest, so the sum of the bits is their union).
    Advocates' keys are narrowed to their people inside each branch, so others' hits cannot
    crowd theirs out. Written as SQL rather than composed with the ORM: a search has twenty to
    sixty branches, and building them as querysets cost more than running them.
    """
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    organisation = SearchKey._meta.get_field("organisation").get_db_prep_value(
        actor.organisation_id, connection
    )
    scope_sql, scope_params = "", ()
    if actor.role == Role.ADVOCATE:
        sql, scope_params = person_scope(actor).values("pk").query.sql_with_params()
        scope_sql = f" AND person_id IN ({sql})"
    branches: list[str] = []
    params: list[Any] = []
    for number, (kind, digest, weight) in enumerate(lookups):
        # Integers from the tables above, never from the query: safe to write into the SQL.
        rows = WORD_ROWS if kind in _WORD_KINDS else KEY_ROWS
        weight = int(weight)
        branches.append(
            f"SELECT person_id, {1 << number} AS bit, "  # noqa: S608
            f"CASE WHEN COUNT(*) OVER () < {rows} THEN {weight * 100} ELSE {weight} END AS weight "
            f"FROM (SELECT person_id FROM {table} WHERE organisation_id = %s AND kind = %s "
            f"AND digest = %s{scope_sql} LIMIT {rows}) AS b{number}"
        )
        params += [organisation, kind, digest, *scope_params]
    union = " UNION ALL ".join(branches)
    statement = f"""
        SELECT person_id, SUM(weight) AS score, SUM(bit) AS bits FROM ({union}) AS hits
        GROUP BY person_id ORDER BY score DESC, person_id LIMIT {RESERVE_POOL}
    """  # noqa: S608 (names and integers from our tables; digests and ids are parameters)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        pool = cursor.fetchall()
    found = pool[: 2 * CANDIDATES]
    if len(found) > CANDIDATES:
        last = found[CANDIDATES - 1][1]
        found = [row for number, row in enumerate(found) if number < CANDIDATES or row[1] == last]
    # Seats kept for people whose family and father's names match as typed when the given
    # name does not (misspelt on one side): dozens of namesakes matching the given and
    # father's names outright would otherwise take every seat.
    later = sum(1 << n for n, lookup in enumerate(lookups) if _is_later_pair(lookup))
    # And for people whose father's name was never recorded (Kind.NO_FATHER), whom the same
    # namesakes outscore in SQL: their own seats, or the namesakes' later pairs take them all.
    no_father = sum(1 << n for n, (kind, _, _) in enumerate(lookups) if kind == _Kind.NO_FATHER)
    for mask, seats in ((later, RESERVED), (no_father, RESERVED_NO_FATHER)):
        if mask:
            seated = {row[0] for row in found}
            rest = (row for row in pool if int(row[2]) & mask and row[0] not in seated)
            found += list(itertools.islice(rest, seats))
    to_uuid = SearchKey._meta.get_field("person").target_field.to_python  # type: ignore[union-attr]
    return [(to_uuid(pid), int(points), int(bits)) for pid, points, bits in found]


def _is_later_pair(lookup: tuple[str, str, int]) -> bool:
    """Whether a lookup pairs a later word of the name (the family name, usually) with the
    father's name: a pair kind looked up at less than its full weight (search.LATER_WORD)."""
    kind, _, weight = lookup
    return kind in _FATHER_PAIR_KINDS and weight < _KIND_WEIGHT[kind]


_RANKING_FIELDS = (
    "id",
    "given_name",
    "given_name_native",
    "family_name",
    "family_name_native",
    "father_name",
    "father_name_native",
    "birth_year",
    "birth_date",
)
# What a result line shows (panah/people/templates/people/person_search.html, the API).
_SHOWN_FIELDS = (*_RANKING_FIELDS, "organisation_id", "sex")


def _person_from_row(row: tuple[Any, ...]) -> Person:
    # Model.from_db takes values in the order of the model's fields.
    by_name = dict(zip(_SHOWN_FIELDS, row, strict=True))
    names = [f.attname for f in Person._meta.concrete_fields if f.attname in by_name]
    return Person.from_db(connection.alias, names, [by_name[n] for n in names])


def _ranking_view(row: tuple[Any, ...]) -> search.Candidate:
    _, given, given_native, family, family_native, father, father_native, year, date = row[:9]
    return search.candidate_from_fields(
        given=(given, given_native),
        family=(family, family_native),
        father=(father, father_native),
        birth_year=year,
        birth_date=date,
    )


def _matched_kinds(lookups: Sequence[tuple[str, str, int]], bits: int) -> frozenset[str]:
    return frozenset(kind for number, (kind, _, _) in enumerate(lookups) if bits >> number & 1)


def _labels(kinds: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted({label for kind in kinds for label in _KIND_LABELS[kind]}))


def person_search_for(
    user: Any, *, query: str, limit: int = SEARCH_LIMIT, source: str = "web"
) -> list[PersonMatch]:
    """Return the people best matching free text, ranked, for search as you type.

    The text may mix a name, a father's name (after "s/o", "ولد", "bin" …), a year or date of
    birth, phone and document numbers, in Latin or Arabic script: "mohd rehman s/o abdulghani
    1985 0300-1234567". Candidates come from the blind indexes in one SQL statement (digests
    only: the typed text never reaches the database); at most CANDIDATES of them have their
    names decrypted and are re-ranked on names (rapidfuzz), year of birth and identifiers, in
    Python; the best are loaded with their phones and documents. Scoped like every read
    (person_scope); the search itself is audited once, without its text.
    """
    actor = actor_for(user)
    actor.require(Capability.PERSON_VIEW)
    parsed = search.parse_query(
        query.strip()[:MAX_SEARCH_QUERY], region=settings.PANAH_DEFAULT_PHONE_REGION
    )
    if parsed.is_empty:
        return []
    lookups = _query_lookups(parsed)
    found = {pid: (points, bits) for pid, points, bits in _candidates(actor, lookups)}
    rows = person_scope(actor).filter(pk__in=list(found)).values_list(*_SHOWN_FIELDS)
    ranked: list[tuple[int, int, tuple[Any, ...], frozenset[str]]] = []
    for row in rows:
        points, bits = found[row[0]]
        kinds = _matched_kinds(lookups, bits)
        matched = bool(kinds & _IDENTIFIER_KINDS)
        value = search.score(parsed, _ranking_view(row), identifier_matched=matched)
        if value >= MIN_SCORE:
            ranked.append((value, points, row, kinds))
    ranked.sort(key=lambda r: (-r[0], -r[1], str(r[2][0])))
    top = ranked[:limit]
    # The rows already hold what a result shows: make them persons (the other fields load on
    # first use), instead of reading and decrypting the same rows again.
    people = [_person_from_row(row) for _, _, row, _ in top]
    prefetch_related_objects(people, "phones", "documents")
    audit_record(actor, action=Action.SEARCH, object_type="person", object_id="", source=source)
    return [
        PersonMatch(person=person, score=value, matched=_labels(kinds))
        for person, (value, _, _, kinds) in zip(people, top, strict=True)
    ]


def person_list_for(user: Any) -> QuerySet[Person]:
    """Return the people the user may see, newest first (records merged away left out)."""
    actor = actor_for(user)
    return person_scope(actor).filter(merged_into__isnull=True).order_by("-created_at")


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
