"""Changing people, households and consent: every write audited, search keys kept current."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from panah.audit.models import AuditEvent
from panah.people.selectors import person_search_for
from panah.people.services import (
    PersonData,
    consent_record,
    consent_withdraw,
    document_add,
    household_create,
    person_create,
    person_phone_add,
    person_update,
)


def test_update_audits_changed_field_names_and_refreshes_search(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    data = PersonData(given_name="Habibullah", family_name="Noorzai")
    person = person_create(actor, data=data)
    person_update(actor, person, data=dataclasses.replace(data, family_name="Barakzai"))
    event = AuditEvent.objects.filter(action="update", object_id=str(person.pk)).get()
    assert event.fields == ["family_name"]
    user = personas["a"]["operator"]
    assert [m.person for m in person_search_for(user, query="Barakzai")] == [person]
    assert person_search_for(user, query="Noorzai") == []


def test_update_with_nothing_changed_writes_nothing(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    data = PersonData(given_name="Habibullah")
    person = person_create(actor, data=data)
    before = AuditEvent.objects.count()
    person_update(actor, person, data=data)
    assert AuditEvent.objects.count() == before


def test_household_holds_only_people_of_the_same_organisation(personas, actor_of):
    a, b = actor_of(personas["a"]["operator"]), actor_of(personas["b"]["operator"])
    mother = person_create(a, data=PersonData(given_name="Gul Bibi"))
    son = person_create(a, data=PersonData(given_name="Mirwais"))
    stranger = person_create(b, data=PersonData(given_name="Laila"))
    household = household_create(a, members=[mother, son])
    assert set(household.members.all()) == {mother, son}
    with pytest.raises(ValidationError):
        household_create(a, members=[mother, stranger])


def test_consent_is_recorded_and_withdrawn_once(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    person = person_create(actor, data=PersonData(given_name="Palwasha"))
    consent = consent_record(actor, person, purpose="referral", given_by="self", channel="whatsapp")
    assert consent.is_active
    consent_withdraw(actor, consent)
    assert not consent.is_active
    with pytest.raises(ValidationError):
        consent_withdraw(actor, consent)
    assert AuditEvent.objects.filter(object_type="consent").count() == 2


def _person_writes(person):
    from panah.people.models import Consent, IdentityDocument, Person, PhoneNumber, SearchKey

    stored = Person.objects.get(pk=person.pk)
    return (
        stored.given_name,
        PhoneNumber.objects.filter(person=person).count(),
        IdentityDocument.objects.filter(person=person).count(),
        Consent.objects.filter(person=person, withdrawn_at__isnull=True).count(),
        SearchKey.objects.filter(person=person).count(),
        AuditEvent.objects.exclude(action__in=["view", "search"]).count(),
    )


CROSS_ORG_WRITES = {
    "update": lambda actor, person: person_update(
        actor, person, data=PersonData(given_name="Changed")
    ),
    "phone": lambda actor, person: person_phone_add(actor, person, number="0333 1234567"),
    "document": lambda actor, person: document_add(actor, person, doc_type="por", number="P1"),
    "consent": lambda actor, person: consent_record(
        actor, person, purpose="referral", given_by="self", channel="call"
    ),
    "withdraw": lambda actor, person: consent_withdraw(actor, person.consents.get()),
}


@pytest.mark.parametrize("write", CROSS_ORG_WRITES, ids=list(CROSS_ORG_WRITES))
def test_services_refuse_another_organisations_person_and_write_nothing(personas, actor_of, write):
    # Views reach services through scoped selectors; the service checks again, so no other
    # caller can change another organisation's person.
    a = actor_of(personas["a"]["operator"])
    person = person_create(a, data=PersonData(given_name="Zarghuna"))
    consent_record(a, person, purpose="legal_assistance", given_by="self", channel="call")
    before = _person_writes(person)
    with pytest.raises(Http404):
        CROSS_ORG_WRITES[write](actor_of(personas["b"]["org_admin"]), person)
    assert _person_writes(person) == before
