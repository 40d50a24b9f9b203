"""The operator console: one submission logs the contact, the person and the case."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from panah.accounts.services import user_set_language
from panah.audit.models import AuditEvent
from panah.cases.models import Case
from panah.helpline.models import Contact
from panah.people.models import Consent, IdentityDocument, Person, SearchKey
from panah.people.services import PersonData, person_create
from panah.testing.records import row_counts


def _form(**overrides):
    data = {
        "channel": "call",
        "direction": "in",
        "language": "ur",
        "caller_phone": "0300 7654321",
        "caller_relation": "sibling",
        "caller_given_name": "Rahim",
        "summary": "Brother picked up at Brewery an hour ago.",
        "given_name": "Najibullah",
        "family_name": "Kakar",
        "father_name": "Gul Khan",
        "sex": "m",
        "birth": "1994",
        "person_phone": "+93 70 123 4567",
        "doc_type": "acc",
        "doc_number": "ACC 12345678",
        "doc_issued_on": "2017-09-01",
        "open_case": "on",
        "case_type": "arrest",
        "priority": "1",
        "arresting_force": "police",
    }
    data.update(overrides)
    return data


def _counts():
    return (
        row_counts(Person, Case, Contact, IdentityDocument, SearchKey, Consent, DBTaskResult),
        AuditEvent.objects.exclude(action__in=["view", "search"]).count(),
    )


def test_console_opens_an_urgent_arrest_case_in_one_submission(client, personas, brewery):
    client.force_login(personas["a"]["operator"])
    arrested = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("helpline:console"), _form(place=str(brewery.pk), arrested_at=arrested)
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.reference])
    assert case.place == brewery and case.priority == 1 and case.arrested_at is not None
    person = case.person
    assert (person.given_name, person.father_name, person.birth_year) == (
        "Najibullah",
        "Gul Khan",
        1994,
    )
    assert person.documents.get().number == "ACC 12345678"
    contact = Contact.objects.get()
    assert contact.case == case and contact.person == person
    assert contact.caller.given_name == "Rahim" and contact.caller_phone == "+923007654321"
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page and "Najibullah" in page


def test_console_links_a_found_person_instead_of_creating_one(client, personas, actor_of):
    person = person_create(actor_of(personas["a"]["operator"]), data=PersonData(given_name="Laila"))
    client.force_login(personas["a"]["operator"])
    response = client.post(
        reverse("helpline:console"),
        _form(
            person_id=str(person.pk),
            given_name="",
            open_case="",
            doc_type="",
            doc_number="",
            doc_issued_on="",
        ),
    )
    assert response.status_code == 302
    assert Person.objects.count() == 2  # Laila and the caller, no duplicate of Laila
    assert Contact.objects.get().person == person


INVALID = {
    "bad phone": (
        {"person_phone": "12345"},
        None,
        "Enter a valid Pakistani or Afghan phone number.",
    ),
    "bad caller phone": (
        {"caller_phone": "+1 202 555 0100"},
        None,
        "Enter a valid Pakistani or Afghan phone number.",
    ),
    "expiry before issue": (
        {"doc_issued_on": "2024-01-01", "doc_expires_on": "2023-01-01"},
        "doc_expires_on",
        "The expiry date is before the issue date.",
    ),
    "bad birth": (
        {"birth": "19x4"},
        "birth",
        "Enter a year (1990) or a full date (1990-03-21).",
    ),
    "no name": (
        {"given_name": ""},
        "given_name",
        "Find the person above, or enter their given name.",
    ),
}


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
@pytest.mark.parametrize("open_case", ["", "on"])
def test_invalid_input_re_renders_with_a_clear_error_and_writes_nothing(
    client, personas, brewery, case, open_case
):
    overrides, field, english = INVALID[case]
    client.force_login(personas["a"]["operator"])
    arrested = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    before = _counts()
    response = client.post(
        reverse("helpline:console"),
        _form(open_case=open_case, place=str(brewery.pk), arrested_at=arrested, **overrides),
    )
    assert response.status_code == 200
    assert english in response.content.decode()
    form = response.context["form"]
    assert form.non_field_errors() if field is None else field in form.errors
    assert _counts() == before


@pytest.mark.parametrize("language", ["ur", "ps", "fa"])
@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_invalid_input_gets_the_error_in_the_users_language(client, personas, case, language):
    overrides, _field, english = INVALID[case]
    with translation.override(language):
        translated = gettext(english)
    # The catalogue must hold this sentence: an untranslated message would equal the English.
    assert translated != english, f"{language} catalogue lacks: {english}"
    user = personas["a"]["operator"]
    user_set_language(user, language=language)
    client.force_login(user)
    before = _counts()
    response = client.post(reverse("helpline:console"), _form(open_case="", **overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert translated in html
    assert english not in html
    assert _counts() == before


def test_console_form_opens_for_staff_who_log_contacts(client, personas):
    for role in ("operator", "case_manager", "coordinator", "org_admin"):
        client.force_login(personas["a"][role])
        response = client.get(reverse("helpline:console"))
        assert response.status_code == 200, role
        assert 'name="given_name"' in response.content.decode()
        assert 'name="open_case"' in response.content.decode()


def test_page_is_right_to_left_in_urdu_pashto_and_dari(client, personas):
    user = personas["a"]["operator"]
    client.force_login(user)
    for language, direction in (("en", "ltr"), ("ur", "rtl"), ("ps", "rtl"), ("fa", "rtl")):
        user_set_language(user, language=language)
        html = client.get(reverse("helpline:console")).content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in html
        # Phone, card and FIR numbers read left to right in every language.
        for name in ("caller_phone", "person_phone", "doc_number", "fir_number"):
            assert re.search(rf'<input type="text" name="{name}"[^>]* dir="ltr"', html), name


def test_advocates_cannot_use_the_console(client, personas):
    client.force_login(personas["a"]["advocate"])
    assert client.get(reverse("helpline:console")).status_code == 404
    assert client.post(reverse("helpline:console"), _form()).status_code == 404
    assert Person.objects.count() == 0


def test_search_fragment_lists_matches_without_the_page_around_it(client, personas, actor_of):
    person_create(
        actor_of(personas["a"]["operator"]),
        data=PersonData(given_name="Mirwais", family_name="Noorzai"),
        phones=["03331234567"],
    )
    client.force_login(personas["a"]["operator"])
    response = client.post(
        reverse("people:person_search"), {"q": "0333-1234567"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Mirwais Noorzai" in html and "<html" not in html
    assert "03331234567" not in html  # phone numbers are not shown in results


def test_consent_given_on_the_call_is_recorded(client, personas):
    client.force_login(personas["a"]["operator"])
    response = client.post(
        reverse("helpline:console"),
        _form(open_case="", consent_given="on", consent_given_by="relative"),
    )
    assert response.status_code == 302
    person = Person.objects.get(given_name__isnull=False, contacts__isnull=False)
    consent = person.consents.get()
    assert (consent.purpose, consent.given_by, consent.channel) == (
        "legal_assistance",
        "relative",
        "call",
    )


def test_no_consent_is_recorded_unless_ticked(client, personas):
    client.force_login(personas["a"]["operator"])
    client.post(reverse("helpline:console"), _form(open_case=""))
    assert not Person.objects.filter(consents__isnull=False).exists()


def test_search_text_never_travels_in_the_url(client, personas):
    client.force_login(personas["a"]["operator"])
    assert client.get(reverse("people:person_search"), {"q": "Mirwais"}).status_code == 405
    html = client.get(reverse("helpline:console")).content.decode()
    assert 'hx-post="/people/search/"' in html
    assert 'hx-get="/people/search/' not in html
