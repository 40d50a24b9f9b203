"""Bad input is refused with a clear message and writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from panah.audit.models import AuditEvent
from panah.core.errors import DomainError
from panah.people.models import IdentityDocument, Person, PhoneNumber, SearchKey
from panah.people.services import PersonData, document_add, person_create
from panah.testing.records import row_counts


def _counts():
    return row_counts(Person, PhoneNumber, IdentityDocument, SearchKey, AuditEvent)


def test_bad_phone_is_refused_and_nothing_is_written(personas, actor_of):
    before = _counts()
    with pytest.raises(ValidationError) as error:
        person_create(
            actor_of(personas["a"]["operator"]),
            data=PersonData(given_name="Mirwais"),
            phones=["12345"],
        )
    assert "phone number" in error.value.messages[0]
    assert _counts() == before


def test_expiry_before_issue_is_refused_and_nothing_is_written(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    person = person_create(actor, data=PersonData(given_name="Mirwais"))
    before = _counts()
    with translation.override("ur"), pytest.raises(ValidationError) as error:
        document_add(
            actor,
            person,
            doc_type="acc",
            number="ACC-1",
            issued_on=datetime.date(2024, 1, 1),
            expires_on=datetime.date(2023, 1, 1),
        )
    with translation.override("ur"):
        message = error.value.message_dict["expires_on"][0]
    with translation.override("en"):
        english = error.value.message_dict["expires_on"][0]
    assert english == "The expiry date is before the issue date."
    assert message == "میعاد ختم ہونے کی تاریخ اجرا کی تاریخ سے پہلے ہے۔"
    assert message != english
    assert _counts() == before


def test_a_person_needs_a_name_in_some_script(personas, actor_of):
    with pytest.raises(ValidationError):
        person_create(actor_of(personas["a"]["operator"]), data=PersonData(father_name="Gul"))
    person = person_create(
        actor_of(personas["a"]["operator"]), data=PersonData(given_name_native="زرغونه")
    )
    assert person.display_name == "زرغونه"


def test_full_birth_date_sets_the_year(personas, actor_of):
    person = person_create(
        actor_of(personas["a"]["operator"]),
        data=PersonData(given_name="Laila", birth_date=datetime.date(2009, 3, 21)),
    )
    assert person.birth_year == 2009


def test_analyst_cannot_create_people(personas, actor_of):
    from panah.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        person_create(actor_of(personas["a"]["analyst"]), data=PersonData(given_name="X"))


def test_one_bad_phone_among_good_ones_writes_nothing(personas, actor_of):
    before = _counts()
    with pytest.raises(DomainError):
        person_create(
            actor_of(personas["a"]["operator"]),
            data=PersonData(given_name="Mirwais"),
            phones=["0300 1234567", "+1 202 555 0100"],
        )
    assert _counts() == before


def test_a_document_with_an_unknown_type_or_a_number_for_no_document_is_refused(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    person = person_create(actor, data=PersonData(given_name="Mirwais"))
    before = _counts()
    for doc_type, number in (("driving_licence", "X1"), ("none", "123")):
        with pytest.raises(ValidationError):
            document_add(actor, person, doc_type=doc_type, number=number)
    assert _counts() == before


def test_a_document_expiring_on_its_issue_day_is_accepted(personas, actor_of):
    actor = actor_of(personas["a"]["operator"])
    person = person_create(actor, data=PersonData(given_name="Mirwais"))
    day = datetime.date(2024, 1, 1)
    document = document_add(actor, person, doc_type="visa", issued_on=day, expires_on=day)
    assert document.pk is not None
