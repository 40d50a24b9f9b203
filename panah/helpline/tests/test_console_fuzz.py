"""Whatever the console receives, it answers with a page or a redirect, never a crash, and a
refused submission writes nothing (SECURITY.md IN-3)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panah.audit.models import AuditEvent
from panah.cases.models import Case
from panah.helpline.models import Contact
from panah.people.models import Person

FIELDS = [
    "channel",
    "direction",
    "language",
    "caller_phone",
    "caller_relation",
    "caller_given_name",
    "summary",
    "started_at",
    "duration_minutes",
    "person_id",
    "given_name",
    "family_name",
    "father_name",
    "given_name_native",
    "sex",
    "birth",
    "person_phone",
    "doc_type",
    "doc_number",
    "doc_issued_on",
    "doc_expires_on",
    "open_case",
    "case_type",
    "priority",
    "place",
    "arrested_at",
    "fir_number",
    "consent_given",
    "consent_given_by",
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["call", "in", "ur", "self", "acc", "arrest", "1", "on", "2024-01-01"]),
    st.sampled_from(["2031-01-01T10:00", "1899-01-01", "0300 1234567", "+93 70 123 4567"]),
    st.sampled_from(["", "٠٣٠٠١٢٣٤٥٦٧", "x" * 6000, "\x00", "<script>"]),
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=len(FIELDS)))
def test_console_never_crashes_and_refusals_write_nothing(client, personas, data):
    client.force_login(personas["a"]["operator"])
    before = (Person.objects.count(), Case.objects.count(), Contact.objects.count())
    writes_before = AuditEvent.objects.exclude(action__in=["view", "search"]).count()
    response = client.post(reverse("helpline:console"), data)
    assert response.status_code in {200, 302, 404}
    if response.status_code != 302:
        assert (Person.objects.count(), Case.objects.count(), Contact.objects.count()) == before
        assert AuditEvent.objects.exclude(action__in=["view", "search"]).count() == writes_before
