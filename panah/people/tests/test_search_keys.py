"""Reading typed searches, and the keys people are indexed under (pure functions)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from panah.core import crypto
from panah.people import search
from panah.people.models import SearchKey
from panah.people.selectors import person_search_for
from panah.people.services import PersonData, person_create, person_search_values


def test_a_full_query_is_read_into_its_parts():
    query = search.parse_query("mohd rehman s/o abdulghani 1985 0300-1234567")
    assert query.own == ("muhamad", "rihman")
    assert query.father == ("abdulgani",)
    assert query.related
    assert query.year == 1985
    assert query.phones == ("+923001234567",)


@pytest.mark.parametrize(
    ("text", "own", "father"),
    [
        ("محمد عبدالرحمن ولد عبدالغنی", ("muhamad", "abdulrahman"), ("abdulgani",)),
        ("Zarghona d/o Sher Ali", ("zarguna",), ("shir", "ali")),
        ("Ahmad bin Yousuf", ("ahmad",), ("yusuf",)),
        ("Haji Gul Zaman", ("gul", "zaman"), ()),
    ],
)
def test_relation_markers_in_either_script_separate_the_fathers_name(text, own, father):
    query = search.parse_query(text)
    assert (query.own, query.father, query.related) == (own, father, bool(father))


@pytest.mark.parametrize(
    ("text", "phones", "year"),
    [
        ("0300 1234567", ("+923001234567",), None),
        ("+92 300 1234567 1990", ("+923001234567",), 1990),
        ("۰۳۰۰۱۲۳۴۵۶۷", ("+923001234567",), None),
        ("Laila 1985-03-12", (), 1985),
        ("Laila 12/03/1985", (), 1985),
        ("Laila 2999", (), None),  # not a year of birth: a document number would be 5+ digits
    ],
)
def test_phones_and_years_are_read_in_any_format(text, phones, year):
    query = search.parse_query(text)
    assert (query.phones, query.year) == (phones, year)


def test_a_full_date_of_birth_is_kept_for_ranking():
    assert search.parse_query("Laila 1985-03-12").date == datetime.date(1985, 3, 12)


@pytest.mark.parametrize("text", ["PoR 123-456-789", "por 123 456 789", "POR-123456789"])
def test_document_numbers_are_read_with_their_prefix(text):
    assert "POR123456789" in search.parse_query(text).documents


def test_document_words_are_not_taken_for_names():
    assert search.parse_query("ACC 0042 7731").own == ()


def test_a_name_without_a_marker_is_looked_up_both_as_own_and_as_fathers():
    kinds = {kind for kind, _ in search.query_values(search.parse_query("rahman abdulghani"))}
    assert {SearchKey.Kind.NAME_PHONETIC, SearchKey.Kind.FATHER_PHONETIC} <= kinds
    assert SearchKey.Kind.PAIR_FATHER in kinds


def test_mohammad_alone_is_not_paired_when_the_name_has_another_word():
    values = search.person_values(
        given=[("muhamad", "zaman")], family=[], father=[("nur", "muhamad")], birth_year=None
    )
    pairs = {value for kind, value in values if kind == SearchKey.Kind.PAIR_FATHER}
    assert pairs and not any(value.startswith("mahamad ") for value in pairs)
    assert "zaman nar" in pairs


def test_the_whole_given_and_fathers_names_are_paired_too():
    values = search.person_values(
        given=[("muhamad", "zaman")],
        family=[("achakzai",)],
        father=[("nur", "ali")],
        birth_year=None,
    )
    assert (SearchKey.Kind.PAIR_FULL, "mahamadzaman narala") in values
    query = search.query_values(search.parse_query("Mohd Zaman Achakzai s/o Noor Ali"))
    assert (SearchKey.Kind.PAIR_FULL, "mahamadzaman narala") in query


def test_keys_of_the_first_typed_word_weigh_more():
    query = search.query_values(search.parse_query("Zaman Achakzai s/o Noor Ali"))
    assert query[(SearchKey.Kind.PAIR_FATHER, "zaman nar")] == 1.0
    assert query[(SearchKey.Kind.PAIR_FATHER, "acakza nar")] == search.LATER_WORD


def test_the_word_after_abdul_is_indexed_too():
    values = search.person_values(given=[("abdulrahman",)], family=[], father=[], birth_year=None)
    assert (SearchKey.Kind.NAME_MATCH, "rahman") in values


def test_shah_joined_to_the_next_word_reads_as_the_glued_spelling():
    from panah.matching.names import name_tokens

    values = search.person_values(given=[("sha", "wali")], family=[], father=[], birth_year=None)
    [glued] = name_tokens("ShahWali")
    assert (SearchKey.Kind.NAME_PHONETIC, search.word(glued).phonetic) in values


def test_joined_neighbours_are_indexed_too():
    values = search.person_values(given=[("gul", "zaman")], family=[], father=[], birth_year=None)
    assert (SearchKey.Kind.NAME_PHONETIC, search.word("gulzaman").phonetic) in values


def test_mohammad_and_mahmood_stay_apart_in_the_ranking():
    query = search.parse_query("Mohammad")
    mohammad = search.candidate_from_fields(given=("Muhammad",), family=(), father=())
    mahmood = search.candidate_from_fields(given=("Mahmood",), family=(), father=())
    assert search.score(query, mohammad, identifier_matched=False) > search.score(
        query, mahmood, identifier_matched=False
    )


def test_a_missing_fathers_name_neither_confirms_nor_contradicts():
    query = search.parse_query("Laila s/o Nazir")
    same = search.candidate_from_fields(given=("Laila",), family=(), father=("Nazir",))
    unknown = search.candidate_from_fields(given=("Laila",), family=(), father=())
    other = search.candidate_from_fields(given=("Laila",), family=(), father=("Bashir Khan",))
    scores = [search.score(query, c, identifier_matched=False) for c in (same, unknown, other)]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 3


# --- reindex --------------------------------------------------------------------------------


def test_reindex_rebuilds_every_persons_keys(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    people = [
        person_create(actor, data=PersonData(given_name=name, father_name="Sher Ali"))
        for name in ("Laila", "Zarghona", "Mirwais")
    ]
    person_create(actor_of(personas["b"]["operator"]), data=PersonData(given_name="Laila"))
    expected = set(SearchKey.objects.values_list("person", "kind", "digest"))
    SearchKey.objects.filter(person=people[0]).delete()
    for number, key in enumerate(SearchKey.objects.filter(person=people[1])):
        key.digest = f"{number:032x}"  # as if written under another index key
        key.save(update_fields=["digest"])
    call_command("people", "reindex", "--batch-size", "2", stdout=_Sink())
    assert set(SearchKey.objects.values_list("person", "kind", "digest")) == expected
    assert [m.person for m in person_search_for(personas["a"]["operator"], query="Laila")] == [
        people[0]
    ]


def test_reindex_after_a_new_index_key_makes_search_work_again(personas, actor_of, key_file):
    actor = actor_of(personas["a"]["operator"])
    person = person_create(actor, data=PersonData(given_name="Palwasha", birth_year=1990))
    document = crypto.read_key_document(key_file)
    document["index_key"] = crypto.new_key_document()["index_key"]
    crypto.write_key_document(key_file, document)
    crypto.reset_keyring()
    user = personas["a"]["operator"]
    assert person_search_for(user, query="Palwasha 1990") == []
    call_command("people", "reindex", stdout=_Sink())
    assert [m.person for m in person_search_for(user, query="Palwasha 1990")] == [person]
    assert SearchKey.objects.filter(person=person).count() == len(person_search_values(person))


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
