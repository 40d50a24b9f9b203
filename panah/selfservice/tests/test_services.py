"""`session_handle`: sessions, expiry, and the effects performed (case, dispatch, rights, rules)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone, translation

from panah.audit.models import AuditEvent
from panah.cases.models import Case, Priority
from panah.core.errors import DomainError
from panah.core.sms import sms_segments
from panah.dispatch.models import Offer
from panah.rights.selectors import sms_summary
from panah.rights.tests.factories import published
from panah.rules.services import assessment_sms, facts_assess
from panah.selfservice import services
from panah.selfservice.flows import installed_flow
from panah.selfservice.models import FlowSession
from panah.selfservice.services import (
    is_selfservice_user,
    selfservice_actor,
    session_handle,
    session_purge,
)

pytestmark = pytest.mark.django_db

SENDER = "+923331234567"
MINUTE = datetime.timedelta(minutes=1)


def send(org, *texts, now=None, medium="sms", sender=SENDER):
    result = None
    for text in texts:
        result = session_handle(
            organisation=org, medium=medium, sender_e164=sender, text=text, now=now
        )
        assert all(sms_segments(t) <= 2 for t in result.texts)
    return result


def prompt(node, language):
    return installed_flow().nodes[node].prompt[language]


def test_the_arrest_path_opens_an_urgent_case_at_the_station_and_alerts_an_advocate(rota):
    org, now = rota["org"], timezone.now()
    result = send(org, "salaam", "2", "1", "1", "1", "میرویس خان", "2", now=now)
    assert result.language == "ur" and result.handoff and result.node == "arrest_done"
    assert result.texts == (prompt("arrest_done", "ur"),)
    case = Case.objects.select_related("person").get(pk=result.case_id)
    assert (case.case_type, case.priority) == ("arrest", Priority.URGENT)
    assert case.place == rota["place"] and case.district == rota["place"].district
    assert case.arrested_at == now - datetime.timedelta(hours=6)  # "1 to 6 hours ago": earliest
    assert case.person.given_name_native == "میرویس خان"
    offer = Offer.objects.get(dispatch__case=case)
    assert offer.advocate == rota["advocates"]["ayesha"]
    contact = case.contacts.get()
    assert contact.caller_phone == SENDER and contact.channel == "sms"
    assert contact.operator == selfservice_actor(org).user
    assert AuditEvent.objects.filter(
        actor=contact.operator, object_type="case", object_id=str(case.pk), action="create"
    ).exists()


def test_an_arrest_in_a_district_without_listed_stations_still_opens_and_dispatches(rota):
    # Only Quetta exists; "8 Other place" gives no district: the case opens, nobody to route to.
    result = send(rota["org"], "hi", "1", "1", "8", "Ahmad", "5")
    case = Case.objects.get(pk=result.case_id)
    assert case.place is None and case.district is None and case.priority == Priority.URGENT
    assert not Offer.objects.filter(dispatch__case=case).exists()
    assert result.handoff  # a person follows it up


def test_past_the_days_limit_a_report_goes_to_a_person_without_alerting(rota, settings):
    settings.PANAH_SELFSERVICE_URGENT_CASES_PER_DAY = 2
    # Yesterday, so that "the next day" is not in the future (arrests cannot be).
    org, now = rota["org"], timezone.now() - datetime.timedelta(days=1)
    report = ("0", "1", "1", "1", "Ahmad", "1")
    first = send(org, "hi", "1", *report[1:], now=now)
    second = send(org, *report, now=now + MINUTE)
    assert first.case_id and second.case_id
    cases, offers = Case.objects.count(), Offer.objects.count()
    third = send(org, *report, now=now + 2 * MINUTE)
    assert third.case_id is None and third.handoff
    assert third.texts == (installed_flow().text("failed", "en"),)
    assert (Case.objects.count(), Offer.objects.count()) == (cases, offers)
    # Another sender is not affected, and the next day the sender may report again.
    assert send(org, "hi", "1", *report[1:], now=now, sender="+923339999999").case_id
    assert send(org, "hi", "1", *report[1:], now=now + datetime.timedelta(days=1)).case_id


def test_a_case_that_cannot_be_opened_hands_over_to_a_person(rota, monkeypatch):
    def refuse(*args, **kwargs):
        raise DomainError("no")

    monkeypatch.setattr(services, "intake_record", refuse)
    before = Case.objects.count()
    result = send(rota["org"], "hi", "1", "1", "1", "1", "Ahmad", "1")
    assert result.texts == (installed_flow().text("failed", "en"),)
    assert result.handoff and result.case_id is None
    assert Case.objects.count() == before


@pytest.mark.parametrize("language_key", ["1", "2", "3", "4"])
def test_talk_to_a_person_sets_handoff_and_later_messages_stay_with_the_person(
    personas, language_key
):
    org = personas["a"]["org"]
    first = send(org, "hi", language_key, "4")
    assert first.handoff and first.texts == (prompt("handoff", first.language),)
    later = send(org, "my son was taken from the bazaar")
    assert later.handoff and later.texts == () and later.language == first.language


def test_a_session_expires_after_the_configured_silence(personas, brewery, settings):
    settings.PANAH_SELFSERVICE_SESSION_MINUTES = 30
    org, start = personas["a"]["org"], timezone.now()
    send(org, "hi", "3", "1", now=start)  # Pashto, then "someone was arrested"
    alive = send(org, "1", now=start + 29 * MINUTE)
    assert alive.node == "arrest_station"
    # 31 minutes of silence: back to the menu in Pashto; the "1" is not acted on.
    expired = send(org, "1", now=start + 60 * MINUTE)
    assert expired.node == "main" and expired.language == "ps"
    assert expired.texts == (prompt("main", "ps"),)
    assert FlowSession.objects.get().answers == "{}"


def test_an_expired_session_without_a_chosen_language_asks_for_it_again(personas):
    org, start = personas["a"]["org"], timezone.now()
    send(org, "hi", now=start)
    again = send(org, "1", now=start + 31 * MINUTE)
    assert again.node == "language" and again.texts == (prompt("language", "ur"),)


def test_a_session_on_an_older_flow_version_restarts_cleanly(personas, brewery):
    org = personas["a"]["org"]
    send(org, "hi", "1", "1")
    FlowSession.objects.update(flow_version=0)
    result = send(org, "1")
    assert result.node == "main" and result.language == "en" and result.case_id is None
    session = FlowSession.objects.get()
    assert session.flow_version == installed_flow().version and session.answers == "{}"


def test_sessions_are_per_sender_medium_and_organisation(personas):
    a, b = personas["a"]["org"], personas["b"]["org"]
    send(a, "hi", "1")
    send(a, "hi", medium="whatsapp")
    send(b, "hi")
    send(a, "hi", sender="+923001112223")
    assert FlowSession.objects.count() == 4
    assert send(a, "4").handoff  # the first session went on from English's menu


def test_the_session_holds_neither_the_number_nor_the_answers_in_plaintext(personas, brewery):
    org = personas["a"]["org"]
    send(org, "hi", "1", "1", "1", "1", "Canary Zarghuna")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM selfservice_flowsession")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert "Canary" not in raw and "3331234567" not in raw and str(brewery.pk) not in raw
    session = FlowSession.objects.get()
    assert session.sender_digest == services.sender_digest(SENDER)
    assert "Canary Zarghuna" in session.answers  # readable through the field


@pytest.mark.parametrize("language", ["en", "ur", "ps", "fa"])
def test_know_your_rights_sends_the_published_summary(personas, actor_of, settings, language):
    settings.PANAH_HELPLINE_NUMBER = "+92 81 1234567"
    published(actor_of(personas["a"]["advocate"]), actor_of(personas["a"]["coordinator"]))
    key = {"en": "1", "ur": "2", "ps": "3", "fa": "4"}[language]
    result = send(personas["a"]["org"], "hi", key, "3", "1")
    assert result.texts == (
        sms_summary(language, "arrest-24-hours"),
        prompt("rights_read", language),
    )
    assert "+92 81 1234567" in result.texts[0]


def test_an_unpublished_article_says_it_is_not_available(personas):
    result = send(personas["a"]["org"], "hi", "1", "3", "2")
    assert result.texts == (installed_flow().text("unavailable", "en"), prompt("rights_read", "en"))


@pytest.mark.parametrize("language", ["en", "ur"])
def test_my_documents_sends_the_rules_engines_answer(personas, language):
    key = {"en": "1", "ur": "2"}[language]
    now = timezone.now()
    result = send(personas["a"]["org"], "hi", key, "2", "2", now=now)  # an ACC
    with translation.override(language):
        expected = assessment_sms(
            facts_assess(
                {"on": timezone.localdate(now).isoformat(), "documents": [{"type": "acc"}]}
            )
        )
    assert result.texts == (expected, prompt("documents_read", language))
    assert not Case.objects.exists()  # a question about documents records nothing


def test_the_self_service_actor_is_its_own_inactive_audited_account(personas):
    org = personas["a"]["org"]
    actor = selfservice_actor(org)
    user = actor.user
    assert is_selfservice_user(user) and user.first_name == "Self-service line"
    assert not user.is_active and not user.has_usable_password()
    assert actor.organisation == org and actor.role == "operator"
    assert AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).count() == 1
    assert selfservice_actor(org).user == user  # once per organisation
    assert selfservice_actor(personas["b"]["org"]).user != user
    assert not any(is_selfservice_user(personas["a"][role]) for role in ("operator", "org_admin"))


def test_purge_clears_expired_answers_and_deletes_old_sessions(personas, brewery):
    org, start = personas["a"]["org"], timezone.now()
    send(org, "hi", "1", "1", "1", "Name Here", now=start)
    send(org, "hi", now=start - datetime.timedelta(days=100), sender="+923001112223")
    cleared, deleted = session_purge(now=start + 31 * MINUTE)
    assert (cleared, deleted) == (1, 1)
    session = FlowSession.objects.get()
    assert session.answers == "" and session.language == "en"


def test_every_reply_of_every_node_fits_two_segments_at_runtime(rota):
    """Walk every path once through the service, in every language."""
    org = rota["org"]
    for index, key in enumerate(["1", "2", "3", "4"]):
        sender = f"+92333123456{index}"
        for texts in (
            ["hi", key, "1", "1", "1", "نام", "9", "3"],
            ["menu", "2", "1", "0", "6", "0", "3", "6", "0", "0", "5", key, "xyz"],
        ):
            for text in texts:
                result = session_handle(
                    organisation=org, medium="sms", sender_e164=sender, text=text
                )
                assert all(sms_segments(t) <= 2 for t in result.texts), (key, text)
