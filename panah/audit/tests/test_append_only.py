"""The audit log is append-only in the database itself, on SQLite and PostgreSQL (AU-2).

The application never updates or deletes an AuditEvent; these tests show that even SQL that
tries is refused by the database trigger, so a bug or an intruder with the app's database
role cannot rewrite history.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from panah.audit.models import AuditEvent
from panah.people.services import PersonData, person_create


@pytest.fixture
def event(personas, actor_of):
    person_create(actor_of(personas["a"]["operator"]), data=PersonData(given_name="Zarghuna"))
    return AuditEvent.objects.get(action="create")


def _unchanged(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    return (stored.action, stored.object_id, stored.fields, stored.actor_id, stored.at)


def test_an_orm_update_of_an_audit_row_is_refused(event):
    before = _unchanged(event)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    assert _unchanged(event) == before


def test_saving_a_changed_audit_row_is_refused(event):
    before = _unchanged(event)
    event.fields = ["nothing"]
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert _unchanged(event) == before


def test_raw_sql_update_of_an_audit_row_is_refused(event):
    before = _unchanged(event)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = %s", ["forged"])
    assert _unchanged(event) == before


def test_raw_sql_cannot_move_an_event_to_another_actor(event, personas):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_id = %s WHERE id = %s",
            [personas["b"]["org_admin"].pk, event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).actor == personas["a"]["operator"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test flush"
)
def test_deleting_an_audit_row_is_refused_on_postgresql(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_new_events_can_still_be_appended(event, personas, actor_of):
    person_create(actor_of(personas["a"]["operator"]), data=PersonData(given_name="Mirwais"))
    assert AuditEvent.objects.filter(action="create").count() == 2
