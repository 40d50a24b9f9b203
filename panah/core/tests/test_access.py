"""Who may open what: default deny, object-level 404s, role refusals (SECURITY.md AC-1–AC-3)."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from panah.cases.services import case_assign, case_open
from panah.core.access import Role
from panah.people.services import PersonData, person_create

# Routes anyone may open without logging in.
PUBLIC = {
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "set_language",
    "javascript-catalog",
    # The know-your-rights library is for refugees, who have no account.
    "rights:library_home",
    "rights:library",
    "rights:article",
    "rights:leaflet",
    # An advocate answers an alert from its link without logging in: the signed, expiring
    # token is the key (dispatch/tests check that a bad token gets a 404).
    "dispatch:offer_link",
    # Providers' webhooks: the provider's signature is the key (channels/tests refuse forged,
    # unsigned and replayed requests with 403 and store nothing).
    "channels:webhook",
    "channels:status",
    "channels:voice_gather",
    "channels:voice_name",
    "channels:voice_voicemail",
    "channels:voice_status",
}


def _named_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _named_routes(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def _fill(pattern: URLPattern) -> dict[str, object]:
    kwargs: dict[str, object] = {}
    for name, converter in pattern.pattern.converters.items():
        kind = type(converter).__name__
        if "UUID" in kind:
            kwargs[name] = uuid.uuid4()
        elif kind == "IntConverter":
            kwargs[name] = 1
        elif "|" in converter.regex:  # a choice: take its first value
            kwargs[name] = converter.regex.split("|")[0]
        else:
            kwargs[name] = "PNH-2026-000001"
    return kwargs


def _web_routes():
    for name, pattern in _named_routes():
        if name.startswith("api-v1:") or name in PUBLIC:
            continue
        if pattern.pattern.converters and "uidb64" in pattern.pattern.converters:
            continue
        yield name, pattern


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, _ in _web_routes()])
def test_anonymous_visitors_are_sent_to_login_on_every_non_public_page(client, name):
    pattern = dict(_web_routes())[name]
    url = reverse(name, kwargs=_fill(pattern))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in {302, 405}, (name, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_api_refuses_anonymous_callers(client):
    assert client.get("/api/v1/cases/").status_code == 401
    assert client.get(f"/api/v1/people/{uuid.uuid4()}").status_code == 401
    assert client.post("/api/v1/people/search", {"q": "abc"}).status_code == 401


@pytest.fixture
def records(personas, actor_of, brewery):
    operator = actor_of(personas["a"]["operator"])
    person = person_create(operator, data=PersonData(given_name="Palwasha"), phones=["03001234567"])
    case = case_open(
        operator,
        person=person,
        case_type="arrest",
        place=brewery,
        arrested_at=timezone.now() - datetime.timedelta(hours=2),
    )
    case_assign(actor_of(personas["a"]["case_manager"]), case, advocate=personas["a"]["advocate"])
    return person, case


# Valid input for every case action (production an hour ago, an hour after the arrest), so a
# refusal can only come from the access check.
HOSTILE_POST = {
    "text": "x",
    "to_status": "closed",
    "outcome": "released",
    "title": "Hearing",
    "due_at": "2031-01-01T10:00",
    "produced_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
}


def _snapshot(person, case):
    """Everything a denied request could have changed about A's person and case."""
    from panah.audit.models import AuditEvent
    from panah.cases.models import Case

    stored = Case.objects.get(pk=case.pk)
    return (
        stored.status,
        stored.outcome,
        stored.assigned_advocate_id,
        stored.produced_at,
        stored.events.count(),
        stored.deadlines.count(),
        person.phones.count(),
        AuditEvent.objects.filter(object_id__in=[str(case.pk), str(person.pk)]).count(),
    )


def _without_tokens(html: bytes) -> bytes:
    # The masked CSRF token differs on every response; nothing else may.
    return re.sub(rb'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", html)


def _object_urls(person, case):
    ref = case.reference
    return {
        "get": [
            reverse("people:person_detail", args=[person.pk]),
            reverse("people:person_pick", args=[person.pk]),
            reverse("cases:case_detail", args=[ref]),
            f"/api/v1/people/{person.pk}",
            f"/api/v1/cases/{ref}",
        ],
        "post": [
            reverse("people:person_reveal", args=[person.pk]),
            reverse("cases:case_assign", args=[ref]),
            reverse("cases:case_transition", args=[ref]),
            reverse("cases:case_note", args=[ref]),
            reverse("cases:case_production", args=[ref]),
            reverse("cases:case_deadline", args=[ref]),
        ],
    }


def _missing_urls():
    ref = "PNH-1999-999999"
    missing = uuid.uuid4()
    return {
        "get": [
            reverse("people:person_detail", args=[missing]),
            reverse("people:person_pick", args=[missing]),
            reverse("cases:case_detail", args=[ref]),
            f"/api/v1/people/{missing}",
            f"/api/v1/cases/{ref}",
        ],
        "post": [
            reverse("people:person_reveal", args=[missing]),
            reverse("cases:case_assign", args=[ref]),
            reverse("cases:case_transition", args=[ref]),
            reverse("cases:case_note", args=[ref]),
            reverse("cases:case_production", args=[ref]),
            reverse("cases:case_deadline", args=[ref]),
        ],
    }


@pytest.mark.parametrize("role", Role.values)
def test_users_of_another_organisation_get_the_same_404_as_for_a_missing_record(
    client, personas, records, role
):
    person, case = records
    client.force_login(personas["b"][role])
    theirs, missing = _object_urls(person, case), _missing_urls()
    before = _snapshot(person, case)
    for method in ("get", "post"):
        for url, missing_url in zip(theirs[method], missing[method], strict=True):
            response = getattr(client, method)(url, HOSTILE_POST)
            blank = getattr(client, method)(missing_url, HOSTILE_POST)
            assert response.status_code == 404, (role, url)
            assert blank.status_code == 404
            assert _without_tokens(response.content) == _without_tokens(blank.content), url
            assert b"Palwasha" not in response.content
    # Denied writes changed nothing, and no read of A's records was logged (AC-2, AU-1).
    assert _snapshot(person, case) == before


def test_analysts_see_no_person_or_case(client, personas, records):
    person, case = records
    client.force_login(personas["a"]["analyst"])
    for url in _object_urls(person, case)["get"] + [reverse("helpline:console")]:
        assert client.get(url).status_code == 404, url


def test_advocate_sees_their_case_but_not_an_unassigned_one(client, personas, actor_of, records):
    person, case = records
    other = case_open(actor_of(personas["a"]["operator"]), person=person, case_type="other")
    client.force_login(personas["a"]["advocate"])
    assert client.get(reverse("cases:case_detail", args=[case.reference])).status_code == 200
    assert client.get(reverse("cases:case_detail", args=[other.reference])).status_code == 404
    queue = client.get(reverse("cases:case_queue")).content.decode()
    assert case.reference in queue and other.reference not in queue


def test_only_org_admins_open_the_audit_log(client, personas):
    for role in Role.values:
        client.force_login(personas["a"][role])
        expected = 200 if role == Role.ORG_ADMIN else 404
        assert client.get(reverse("audit:audit_list")).status_code == expected, role


# API routes anyone may read: the schema and its documentation page (no personal data).
PUBLIC_API = {"api-v1:openapi-json", "api-v1:openapi-view"}


def _api_routes():
    for name, pattern in _named_routes():
        if name.startswith("api-v1:") and name not in PUBLIC_API and name != "api-v1:api-root":
            yield name, pattern


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, _ in _api_routes()])
def test_anonymous_callers_get_401_from_every_api_operation(client, name):
    pattern = dict(_api_routes())[name]
    url = reverse(name, kwargs=_fill(pattern))
    statuses = {
        client.get(url).status_code,
        client.post(url, {}, content_type="application/json").status_code,
    }
    # Each route answers 401 to the method it serves and 405 to the other one.
    assert 401 in statuses and statuses <= {401, 405}, (name, statuses)


@pytest.mark.django_db
def test_the_api_schema_and_docs_are_public_and_load_nothing_from_other_hosts(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<script" in html
    assert "http://" not in html and "https://" not in html and "//cdn" not in html


def test_every_role_of_another_organisation_gets_nothing_from_lists(client, personas, records):
    person, case = records
    for role in Role.values:
        client.force_login(personas["b"][role])
        for url in (
            reverse("cases:case_queue"),
            reverse("helpline:contact_list"),
            reverse("audit:audit_list"),
            "/api/v1/cases/",
        ):
            response = client.get(url)
            assert response.status_code in {200, 404}, (role, url)
            assert case.reference.encode() not in response.content, (role, url)
            assert b"Palwasha" not in response.content, (role, url)
        found = client.post(reverse("people:person_search"), {"q": "Palwasha"})
        assert b"Palwasha" not in found.content


def test_an_unassigned_advocate_gets_the_same_404_as_another_organisation(
    client, personas, actor_of, records
):
    person, case = records
    other = case_open(actor_of(personas["a"]["operator"]), person=person, case_type="other")
    client.force_login(personas["a"]["advocate"])
    mine = client.get(reverse("cases:case_detail", args=[other.reference]))
    missing = client.get(reverse("cases:case_detail", args=["PNH-1999-999999"]))
    assert mine.status_code == missing.status_code == 404
    assert _without_tokens(mine.content) == _without_tokens(missing.content)
