"""Creating a person: what is stored, indexed and audited."""

from __future__ import annotations

import datetime
from collections import Counter

from panah.audit.models import AuditEvent
from panah.core import crypto
from panah.people.models import Person, SearchKey
from panah.people.services import INDEX_PHONE, PersonData, person_create


def test_person_create_stores_originals_in_the_actors_organisation(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    person = person_create(
        actor,
        data=PersonData(
            given_name="Najibullah",
            family_name="Kakar",
            father_name="Gul Khan",
            given_name_native="نجیب الله",
            sex="m",
            birth_date=datetime.date(1994, 5, 2),
            languages=["ps", "ur"],
            notes="Speaks slowly.",
            born_in_pakistan=True,
        ),
        phones=["0300 1234567", "+92 300 1234567", "+93 70 123 4567"],
    )
    stored = Person.objects.get(pk=person.pk)
    assert stored.organisation == personas["a"]["org"]
    assert stored.created_by == personas["a"]["operator"]
    assert (stored.given_name, stored.family_name, stored.father_name) == (
        "Najibullah",
        "Kakar",
        "Gul Khan",
    )
    assert stored.given_name_native == "نجیب الله"
    assert (stored.sex, stored.birth_year, stored.languages) == ("m", 1994, ["ps", "ur"])
    assert stored.notes == "Speaks slowly." and stored.born_in_pakistan
    # Phone numbers are normalised to E.164 and the same number is kept once.
    assert [p.number for p in stored.phones.all()] == ["+923001234567", "+93701234567"]


def test_person_create_writes_keyed_search_keys_in_the_same_organisation(personas, actor_of):
    person = person_create(
        actor_of(personas["a"]["operator"]),
        data=PersonData(given_name="Abdul Rahman", family_name="Achakzai"),
        phones=["0300 1234567"],
    )
    keys = SearchKey.objects.filter(person=person)
    assert set(keys.values_list("organisation", flat=True)) == {personas["a"]["org"].pk}
    # Abdul Rahman is also indexed as Rahman; no year, so no such keys; no father's name, so
    # the given name, alone and with the family name, is indexed as one without a father.
    assert Counter(keys.values_list("kind", flat=True)) == {
        "full_name": 1,
        "name_match": 3,
        "name_phon": 3,
        "name_skel": 3,
        "pair_name": 2,
        "no_father": 2,
        "phone": 1,
    }
    phone_key = keys.get(kind="phone")
    assert phone_key.digest == crypto.blind_index(INDEX_PHONE, "+923001234567")


def test_person_create_is_audited_with_field_names_only(personas, actor_of):
    person = person_create(
        actor_of(personas["a"]["operator"]),
        data=PersonData(given_name="Laila", notes="Private words."),
        phones=["0300 1234567"],
    )
    event = AuditEvent.objects.get(action="create", object_type="person")
    assert event.object_id == str(person.pk)
    assert event.fields == ["given_name", "notes", "phones", "sex"]
    assert (event.actor, event.organisation, event.role, event.source) == (
        personas["a"]["operator"],
        personas["a"]["org"],
        "operator",
        "web",
    )
