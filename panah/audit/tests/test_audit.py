"""Every look at and change of a person or case is audited, append-only (AU-1, AU-3)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.urls import reverse

from panah.audit.models import AuditEvent
from panah.cases.services import case_open, case_transition
from panah.people.models import Person, PhoneNumber, SearchKey
from panah.people.services import PersonData, person_create


@pytest.fixture
def case(personas, actor_of):
    operator = actor_of(personas["a"]["operator"])
    person = person_create(operator, data=PersonData(given_name="Zarghuna"))
    return case_open(operator, person=person, case_type="documentation")


def test_viewing_a_case_writes_exactly_one_audit_record(client, personas, case):
    user = personas["a"]["case_manager"]
    client.force_login(user)
    before = AuditEvent.objects.filter(action="view").count()
    assert client.get(reverse("cases:case_detail", args=[case.reference])).status_code == 200
    events = AuditEvent.objects.filter(action="view").order_by("-id")
    assert events.count() == before + 1
    event = events.first()
    assert (event.actor, event.organisation, event.role) == (
        user,
        personas["a"]["org"],
        "case_manager",
    )
    assert (event.object_type, event.object_id, event.source) == ("case", str(case.pk), "web")


def test_viewing_a_person_writes_an_audit_record(client, personas, case):
    client.force_login(personas["a"]["operator"])
    client.get(reverse("people:person_detail", args=[case.person_id]))
    assert AuditEvent.objects.filter(
        action="view", object_type="person", object_id=str(case.person_id)
    ).exists()


def test_a_refused_look_writes_no_view_record(client, personas, case):
    client.force_login(personas["b"]["org_admin"])
    client.get(reverse("cases:case_detail", args=[case.reference]))
    assert not AuditEvent.objects.filter(action="view", object_id=str(case.pk)).exists()


def test_writes_are_audited_with_field_names_only(personas, case):
    created = AuditEvent.objects.get(action="create", object_type="person")
    assert created.fields == ["given_name", "sex"]
    assert "Zarghuna" not in str(AuditEvent.objects.values_list("fields", "object_id"))


def test_searches_are_audited_without_their_text(client, personas, case):
    client.force_login(personas["a"]["operator"])
    client.post(reverse("people:person_search"), {"q": "Zarghuna"})
    event = AuditEvent.objects.get(action="search")
    assert event.object_id == "" and "Zarghuna" not in str(event.fields)


def _one_view_per_read(client, url, object_id):
    before = AuditEvent.objects.filter(action="view", object_id=object_id).count()
    response = client.get(url)
    assert response.status_code == 200, url
    return AuditEvent.objects.filter(action="view", object_id=object_id).count() - before


def test_every_detail_read_writes_exactly_one_view_record(client, personas, case):
    client.force_login(personas["a"]["org_admin"])
    person_id = str(case.person_id)
    reads = {
        reverse("cases:case_detail", args=[case.reference]): str(case.pk),
        f"/api/v1/cases/{case.reference}": str(case.pk),
        reverse("people:person_detail", args=[case.person_id]): person_id,
        reverse("people:person_pick", args=[case.person_id]): person_id,
        f"/api/v1/people/{case.person_id}": person_id,
    }
    for url, object_id in reads.items():
        assert _one_view_per_read(client, url, object_id) == 1, url


def test_the_audit_log_shows_only_the_organisations_own_events(client, personas, case):
    client.force_login(personas["b"]["org_admin"])
    response = client.get(reverse("audit:audit_list"))
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert all(e.organisation == personas["b"]["org"] for e in shown)
    assert str(case.pk) not in {e.object_id for e in shown}
    assert str(case.pk)[:8] not in response.content.decode()
    client.force_login(personas["a"]["org_admin"])
    response = client.get(reverse("audit:audit_list"), {"object": str(case.pk)})
    shown = list(response.context["page"].object_list)
    assert shown and {e.object_id for e in shown} == {str(case.pk)}


@pytest.mark.parametrize("role", ["operator", "advocate", "case_manager", "coordinator", "analyst"])
def test_the_audit_log_is_refused_to_everyone_but_org_admins(client, personas, role):
    client.force_login(personas["a"][role])
    response = client.get(reverse("audit:audit_list"))
    assert response.status_code == 404


def test_the_audit_log_sends_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("audit:audit_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- The audit write is part of the transaction (AU-1) ----------------------------------------


@pytest.fixture
def audit_fails(monkeypatch):
    """Make every audit insert fail, as a full disk or a lost connection would."""

    def refuse(self, *args, **kwargs):
        raise DatabaseError("audit insert failed")

    monkeypatch.setattr(AuditEvent, "save", refuse)


def test_a_write_whose_audit_fails_is_not_saved(personas, actor_of, audit_fails):
    before = (Person.objects.count(), SearchKey.objects.count(), PhoneNumber.objects.count())
    with pytest.raises(DatabaseError):
        person_create(
            actor_of(personas["a"]["operator"]),
            data=PersonData(given_name="Gul"),
            phones=["0300 1234567"],
        )
    assert (Person.objects.count(), SearchKey.objects.count(), PhoneNumber.objects.count()) == (
        before
    )


def test_a_case_change_whose_audit_fails_is_not_saved(personas, actor_of, case, monkeypatch):
    events = case.events.count()
    monkeypatch.setattr(AuditEvent, "save", lambda *a, **k: (_ for _ in ()).throw(DatabaseError))
    with pytest.raises(DatabaseError):
        case_transition(
            actor_of(personas["a"]["case_manager"]), case, to_status="closed", outcome="resolved"
        )
    case.refresh_from_db()
    assert (case.status, case.events.count()) == ("new", events)


def test_a_page_whose_read_cannot_be_audited_is_not_shown(client, personas, case, audit_fails):
    client.force_login(personas["a"]["case_manager"])
    client.raise_request_exception = False
    response = client.get(reverse("cases:case_detail", args=[case.reference]))
    assert response.status_code == 500
    assert case.reference.encode() not in response.content
