"""The assessment of a recorded person, as the person page and the console show it."""

from __future__ import annotations

import datetime

from django.urls import reverse

from panah.people.models import Person
from panah.people.services import PersonData, document_add, person_create
from panah.rules.services import facts_from_person, person_assess


def test_a_recorded_persons_documents_and_family_facts_reach_the_engine(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    person = person_create(actor, data=PersonData(given_name="Najibullah"))
    document_add(actor, person, doc_type="acc", issued_on=datetime.date(2017, 9, 1))
    facts = facts_from_person(person)
    assert [d.type for d in facts.documents] == ["acc"]
    assert all(d.number == "" for d in facts.documents)  # the engine never needs the number
    result = person_assess(person, on=datetime.date(2025, 4, 2))
    assert (result["risk"], result["status"]["code"]) == ("high", "acc_holder")


def test_picking_a_person_in_the_console_shows_their_status(client, personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    person = person_create(actor, data=PersonData(given_name="Najibullah"))
    document_add(actor, person, doc_type="acc", issued_on=datetime.date(2017, 9, 1))
    client.force_login(personas["a"]["operator"])
    html = client.get(reverse("people:person_pick", args=[person.pk])).content.decode()
    assert 'class="assessment risk-' in html and "Afghan Citizen Card holder" in html
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "Afghan Citizen Card holder" in page


def test_family_facts_entered_in_the_console_reach_the_assessment(client, personas):
    client.force_login(personas["a"]["operator"])
    response = client.post(
        reverse("helpline:console"),
        {
            "channel": "call",
            "direction": "in",
            "language": "en",
            "caller_relation": "self",
            "given_name": "Fazal",
            "sex": "m",
            "born_in_pakistan": "on",
            "asylum_claim_pending": "on",
            "priority": "3",
            "case_type": "documentation",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.born_in_pakistan and person.asylum_claim_pending and not person.pakistani_parent
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "May be a Pakistani citizen" in page and "UNHCR can intervene" in page
