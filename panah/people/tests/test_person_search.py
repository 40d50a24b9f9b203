"""Finding people by phone, document number and name, only within scope."""

from __future__ import annotations

import pytest

from panah.cases.services import case_assign, case_open
from panah.core.access import Capability, Role, role_can
from panah.core.errors import PermissionDenied
from panah.people.selectors import person_get_for, person_search_for
from panah.people.services import PersonData, document_add, person_create


@pytest.fixture
def rahman(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    person = person_create(
        actor,
        data=PersonData(
            given_name="Abdul Rahman",
            family_name="Achakzai",
            father_name="Gul Mohammad",
            given_name_native="عبدالرحمن",
            family_name_native="اڅکزی",
        ),
        phones=["0300 1234567"],
    )
    document_add(actor, person, doc_type="por", number="PoR 123-456-789")
    return person


def _found(user, query):
    return [m.person.pk for m in person_search_for(user, query=query)]


@pytest.mark.parametrize("query", ["03001234567", "+92 300 1234567", "0092-300-1234567"])
def test_person_is_found_by_phone_in_any_format(personas, rahman, query):
    assert _found(personas["a"]["operator"], query) == [rahman.pk]


@pytest.mark.parametrize("query", ["PoR123456789", "por 123 456 789", "POR-123456789"])
def test_person_is_found_by_document_number_with_any_punctuation(personas, rahman, query):
    assert _found(personas["a"]["operator"], query) == [rahman.pk]


@pytest.mark.parametrize(
    "query", ["Achakzai", "abdul rahman", "Rahman Achakzai", "gul mohammad", "عبدالرحمن", "اڅکزی"]
)
def test_person_is_found_by_name_words_in_latin_or_arabic_script(personas, rahman, query):
    assert _found(personas["a"]["operator"], query) == [rahman.pk]


def test_a_person_matching_every_typed_word_ranks_above_one_matching_some(
    personas, actor_of, rahman
):
    kakar = person_create(
        actor_of(personas["a"]["operator"]),
        data=PersonData(given_name="Rahman", family_name="Kakar"),
    )
    found = person_search_for(personas["a"]["operator"], query="Rahman Kakar")
    assert found[0].person == kakar
    assert all(m.score < found[0].score for m in found[1:])


def test_unrelated_people_are_not_listed(personas, rahman):
    assert _found(personas["a"]["operator"], "Zarghona Tokhi") == []


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("query", ["Achakzai", "03001234567", "PoR 123-456-789", "عبدالرحمن"])
def test_search_never_crosses_organisations(personas, rahman, role, query):
    user = personas["b"][role]
    if role_can(role, Capability.PERSON_VIEW):
        assert _found(user, query) == []
    else:
        with pytest.raises(PermissionDenied):
            person_search_for(user, query=query)


def test_the_other_organisation_finds_only_its_own_namesake(personas, actor_of, rahman):
    theirs = person_create(
        actor_of(personas["b"]["operator"]),
        data=PersonData(given_name="Abdul Rahman", family_name="Achakzai"),
        phones=["0300 1234567"],
    )
    assert _found(personas["b"]["operator"], "Abdul Rahman Achakzai") == [theirs.pk]
    assert _found(personas["b"]["operator"], "0300 1234567") == [theirs.pk]
    assert _found(personas["a"]["operator"], "0300 1234567") == [rahman.pk]


def test_analyst_cannot_search_people(personas, rahman):
    with pytest.raises(PermissionDenied):
        person_search_for(personas["a"]["analyst"], query="Achakzai")


def test_advocate_sees_only_people_on_their_cases(personas, actor_of, rahman):
    advocate = personas["a"]["advocate"]
    assert _found(advocate, "Achakzai") == []
    case = case_open(actor_of(personas["a"]["operator"]), person=rahman, case_type="documentation")
    case_assign(actor_of(personas["a"]["case_manager"]), case, advocate=advocate)
    assert _found(advocate, "Achakzai") == [rahman.pk]
    assert person_get_for(advocate, rahman.pk) == rahman


def test_stored_originals_are_kept_unchanged(personas, rahman):
    person = person_get_for(personas["a"]["operator"], rahman.pk)
    assert person.given_name == "Abdul Rahman"
    assert person.given_name_native == "عبدالرحمن"
    assert person.phones.get().number == "+923001234567"


def test_exact_lookup_by_phone_document_or_full_name(personas, rahman):
    from panah.people.selectors import person_lookup_for

    user = personas["a"]["operator"]
    assert person_lookup_for(user, phone="+92 300 1234567") == [rahman]
    assert person_lookup_for(user, document_number="por123456789") == [rahman]
    assert person_lookup_for(user, full_name="ABDUL  rahman achakzai") == [rahman]
    assert person_lookup_for(user, full_name="Abdul Rahman") == []
    assert person_lookup_for(personas["b"]["operator"], phone="03001234567") == []


def test_person_page_masks_numbers_until_revealed_and_audits_the_reveal(client, personas, rahman):
    from django.urls import reverse

    from panah.audit.models import AuditEvent

    client.force_login(personas["a"]["operator"])
    page = client.get(reverse("people:person_detail", args=[rahman.pk])).content.decode()
    assert "+923001234567" not in page and "•567" in page
    assert "PoR 123-456-789" not in page
    revealed = client.post(reverse("people:person_reveal", args=[rahman.pk])).content.decode()
    assert "+923001234567" in revealed and "PoR 123-456-789" in revealed
    event = AuditEvent.objects.get(fields=["document_numbers", "phone_numbers"])
    assert event.object_id == str(rahman.pk) and event.action == "view"
    client.force_login(personas["b"]["org_admin"])
    assert client.post(reverse("people:person_reveal", args=[rahman.pk])).status_code == 404


@pytest.mark.parametrize("query", ["۰۳۰۰۱۲۳۴۵۶۷", "٠٣٠٠ ١٢٣ ٤٥٦٧", "+۹۲ ۳۰۰ ۱۲۳۴۵۶۷"])
def test_person_is_found_by_phone_typed_in_eastern_arabic_digits(personas, rahman, query):
    assert _found(personas["a"]["operator"], query) == [rahman.pk]


def test_person_is_found_by_document_number_typed_in_eastern_arabic_digits(personas, rahman):
    assert _found(personas["a"]["operator"], "PoR ۱۲۳-۴۵۶-۷۸۹") == [rahman.pk]


def test_names_typed_on_an_arabic_keyboard_find_names_typed_on_a_persian_one(personas, actor_of):
    # Stored with Farsi yeh and keheh (U+06CC, U+06A9); searched with Arabic yeh and kaf.
    person = person_create(
        actor_of(personas["a"]["operator"]),
        data=PersonData(given_name_native="علی", family_name_native="کاکړ"),
    )
    assert _found(personas["a"]["operator"], "علي كاكړ") == [person.pk]
    assert _found(personas["a"]["operator"], "كاكړ") == [person.pk]


def test_pashto_letters_are_not_folded_away_in_search(personas, actor_of):
    # ملالۍ (Pashto ۍ) and ملالی are different spellings (shared/domain/facts.md §5.2): the
    # letters are never folded together, so the exact spelling always ranks first; the other
    # may follow as a near spelling, as Malala would for Malalai.
    actor = actor_of(personas["a"]["operator"])
    pashto = person_create(actor, data=PersonData(given_name_native="ملالۍ"))
    dari = person_create(actor, data=PersonData(given_name_native="ملالی"))
    for query, first, second in (("ملالۍ", pashto, dari), ("ملالی", dari, pashto)):
        found = person_search_for(personas["a"]["operator"], query=query)
        assert [m.person for m in found][:1] == [first]
        assert all(m.score < found[0].score for m in found if m.person == second)


def test_a_phone_match_ranks_above_a_name_match(personas, actor_of, rahman):
    namesake = person_create(
        actor_of(personas["a"]["operator"]), data=PersonData(given_name="Achakzai")
    )
    matches = person_search_for(personas["a"]["operator"], query="Achakzai")
    assert {m.person.pk for m in matches} == {rahman.pk, namesake.pk}
    by_phone = person_search_for(personas["a"]["operator"], query="0300 1234567")
    assert [m.person.pk for m in by_phone] == [rahman.pk]
    assert by_phone[0].matched == ("phone",)


def test_too_short_or_empty_queries_find_nobody(personas, rahman):
    for query in ("", "   ", "-", "..."):
        assert _found(personas["a"]["operator"], query) == []
