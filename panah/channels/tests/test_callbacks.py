"""The call-back queue: missed calls, repeated calls, operators' claims and outcomes, pages."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from panah.audit.models import AuditEvent
from panah.channels import services
from panah.channels.models import CallbackRequest, Conversation, InboundMessage
from panah.channels.tests.conftest import REFUGEE, post_twilio, twilio_params
from panah.core.errors import DomainError, NotFound
from panah.testing.tasks import run_due_tasks

pytestmark = pytest.mark.django_db

OTHER_CALLER = "+923459876543"


def missed_call(client: Any, channel: Any, sid: str, caller: str = REFUGEE) -> Any:
    params = twilio_params(CallSid=sid, From=caller, CallStatus="ringing")
    del params["MessageSid"], params["Body"], params["NumMedia"]
    return post_twilio(client, channel, params)


def queued(channel: Any, caller: str = REFUGEE, **extra: Any) -> CallbackRequest:
    return services.callback_queue(
        channel,
        caller=caller,
        reason=extra.pop("reason", CallbackRequest.Reason.MISSED_CALL),
        at=extra.pop("at", timezone.now()),
        **extra,
    )


# --- Missed calls -------------------------------------------------------------------------------


def test_a_missed_call_is_rejected_as_busy_and_queues_one_call_back(client, twilio_voice):
    response = missed_call(client, twilio_voice, "CA" + "1" * 32)

    root = ET.fromstring(response.content)  # noqa: S314 - our own TwiML, in a test
    assert [(e.tag, e.get("reason")) for e in root] == [("Reject", "busy")]
    assert not CallbackRequest.objects.exists()  # queued by the processing task, durably
    run_due_tasks()
    callback = CallbackRequest.objects.get()
    assert callback.reason == CallbackRequest.Reason.MISSED_CALL
    assert (callback.caller, callback.calls, callback.state) == (REFUGEE, 1, "pending")
    assert callback.channel == twilio_voice
    conversation = Conversation.objects.get()
    assert conversation.messages.get().kind == InboundMessage.Kind.CALL


def test_repeated_missed_calls_add_to_the_pending_call_back(client, twilio_voice):
    missed_call(client, twilio_voice, "CA" + "1" * 32)
    run_due_tasks()
    first = CallbackRequest.objects.get()

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        missed_call(client, twilio_voice, "CA" + "2" * 32)
        missed_call(client, twilio_voice, "CA" + "2" * 32)  # Twilio's retry of that call
        missed_call(client, twilio_voice, "CA" + "3" * 32, caller=OTHER_CALLER)
        run_due_tasks()

    mine = CallbackRequest.objects.get(pk=first.pk)
    assert mine.calls == 2
    assert mine.last_at > mine.requested_at == first.requested_at
    assert CallbackRequest.objects.count() == 2  # the other caller has their own


def test_a_call_after_the_call_back_was_closed_queues_a_new_one(twilio_voice, personas, actor_of):
    first = queued(twilio_voice)
    services.callback_record_outcome(actor_of(personas["a"]["operator"]), first, "done")

    second = queued(twilio_voice)

    assert second.pk != first.pk and second.calls == 1


def test_the_call_back_keeps_the_weightiest_reason_and_the_latest_recording(twilio_voice):
    first = queued(twilio_voice)
    queued(
        twilio_voice,
        reason=CallbackRequest.Reason.VOICEMAIL,
        recording_url="https://api.twilio.com/r1",
    )
    queued(twilio_voice, reason=CallbackRequest.Reason.HUNG_UP)

    request = CallbackRequest.objects.get(pk=first.pk)
    assert request.reason == CallbackRequest.Reason.VOICEMAIL
    assert request.recording_url == "https://api.twilio.com/r1"
    assert request.calls == 3


def test_the_number_and_recording_are_encrypted_at_rest(twilio_voice):
    from django.db import connection

    queued(twilio_voice, recording_url="https://api.twilio.com/r1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller, recording_url FROM channels_callbackrequest")
        raw = cursor.fetchone()
    assert all(value.startswith("v1$") for value in raw)


# --- Operators' services ------------------------------------------------------------------------


def test_claiming_is_audited_and_a_second_operator_is_refused(twilio_voice, personas, actor_of):
    request = queued(twilio_voice)
    operator = actor_of(personas["a"]["operator"])

    services.callback_claim(operator, request)

    request.refresh_from_db()
    assert (request.state, request.claimed_by) == ("claimed", personas["a"]["operator"])
    assert AuditEvent.objects.filter(
        object_type="callbackrequest", action="update", actor=personas["a"]["operator"]
    ).exists()
    with pytest.raises(DomainError):
        services.callback_claim(actor_of(personas["a"]["case_manager"]), request)
    with pytest.raises(DomainError):
        services.callback_record_outcome(actor_of(personas["a"]["case_manager"]), request, "done")


def test_no_answer_puts_it_back_in_the_queue_until_the_last_attempt(
    twilio_voice, personas, actor_of, settings
):
    settings.PANAH_CALLBACK_MAX_ATTEMPTS = 2
    settings.PANAH_CALLBACK_RETRY_MINUTES = 45
    request = queued(twilio_voice)
    operator = actor_of(personas["a"]["operator"])
    services.callback_claim(operator, request)

    before = timezone.now()
    services.callback_record_outcome(operator, request, "no_answer", "rang 10 times")

    request.refresh_from_db()
    assert (request.state, request.attempts, request.claimed_by) == ("pending", 1, None)
    assert request.next_attempt_at >= before + datetime.timedelta(minutes=45)
    assert request.outcome_note == "rang 10 times"

    services.callback_record_outcome(operator, request, "no_answer")

    request.refresh_from_db()
    assert (request.state, request.attempts) == ("no_answer", 2)
    assert request.done_at is not None and request.next_attempt_at is None
    with pytest.raises(DomainError):
        services.callback_record_outcome(operator, request, "done")


def test_done_and_wrong_number_close_the_call_back(twilio_voice, personas, actor_of):
    operator = actor_of(personas["a"]["operator"])
    done = services.callback_record_outcome(operator, queued(twilio_voice), "done", "spoke")
    wrong = services.callback_record_outcome(
        operator, queued(twilio_voice, caller=OTHER_CALLER), "wrong_number"
    )

    assert (done.state, done.attempts, done.claimed_by) == ("done", 1, operator.user)
    assert wrong.state == "wrong_number" and wrong.done_at is not None


def test_an_unknown_outcome_or_a_long_note_is_refused(twilio_voice, personas, actor_of):
    operator = actor_of(personas["a"]["operator"])
    request = queued(twilio_voice)
    with pytest.raises(DomainError):
        services.callback_record_outcome(operator, request, "claimed")
    with pytest.raises(DomainError):
        services.callback_record_outcome(operator, request, "done", "x" * 1001)
    request.refresh_from_db()
    assert request.attempts == 0


def test_another_organisation_cannot_act_on_a_call_back(twilio_voice, personas, actor_of):
    request = queued(twilio_voice)
    with pytest.raises(NotFound):
        services.callback_claim(actor_of(personas["b"]["operator"]), request)
    with pytest.raises(NotFound):
        services.callback_record_outcome(actor_of(personas["b"]["operator"]), request, "done")


# --- Pages ---------------------------------------------------------------------------------------


def test_the_queue_lists_pending_first_oldest_first_with_masked_numbers(
    client, twilio_voice, personas, actor_of
):
    now = timezone.now()
    old = queued(twilio_voice, at=now - datetime.timedelta(hours=2))
    newer = queued(twilio_voice, caller=OTHER_CALLER, at=now - datetime.timedelta(hours=1))
    claimed = queued(twilio_voice, caller="+923001112223", at=now - datetime.timedelta(hours=3))
    services.callback_claim(actor_of(personas["a"]["case_manager"]), claimed)
    client.force_login(personas["a"]["operator"])

    response = client.get(reverse("channels:callback_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert REFUGEE not in html and OTHER_CALLER not in html and "+923001112223" not in html
    assert "•" * 10 + "567" in html
    positions = [html.index(f"callback-{r.pk}") for r in (old, newer, claimed)]
    assert positions == sorted(positions)


def test_the_queue_polls_its_rows_with_htmx(client, twilio_voice, personas):
    queued(twilio_voice)
    client.force_login(personas["a"]["operator"])

    response = client.get(reverse("channels:callback_list"), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert '<tr id="callback-' in html and "<h1>" not in html


def test_the_full_number_is_shown_only_after_claiming_and_the_read_is_audited(
    client, twilio_voice, personas
):
    request = queued(twilio_voice, recording_url="https://api.twilio.com/r1")
    client.force_login(personas["a"]["operator"])
    url = reverse("channels:callback_detail", args=[request.pk])

    before = client.get(url).content.decode()
    assert (
        REFUGEE not in before and "tel:" not in before and "https://api.twilio.com/r1" not in before
    )
    assert AuditEvent.objects.filter(
        object_type="callbackrequest", action="view", fields=[]
    ).exists()

    response = client.post(
        reverse("channels:callback_claim", args=[request.pk]), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert f'href="tel:{REFUGEE}"' in html and "https://api.twilio.com/r1" in html
    assert AuditEvent.objects.filter(
        object_type="callbackrequest",
        action="view",
        actor=personas["a"]["operator"],
        fields=["caller", "recording_url"],
    ).exists()
    # Another operator of the organisation still sees it masked.
    client.force_login(personas["a"]["case_manager"])
    assert REFUGEE not in client.get(url).content.decode()


def test_an_operator_records_the_outcome_from_the_page(client, twilio_voice, personas):
    request = queued(twilio_voice)
    client.force_login(personas["a"]["operator"])

    response = client.post(
        reverse("channels:callback_outcome", args=[request.pk]),
        {"outcome": "done", "note": "Family told; case follows."},
    )

    assert response.status_code == 302
    assert response.url == reverse("channels:callback_list")
    request.refresh_from_db()
    assert (request.state, request.outcome_note) == ("done", "Family told; case follows.")


def test_an_invalid_outcome_form_is_shown_again(client, twilio_voice, personas):
    request = queued(twilio_voice)
    client.force_login(personas["a"]["operator"])

    response = client.post(reverse("channels:callback_outcome", args=[request.pk]), {})

    assert response.status_code == 400
    request.refresh_from_db()
    assert request.state == "pending" and request.attempts == 0


def test_claiming_a_call_back_another_operator_took_says_so(
    client, twilio_voice, personas, actor_of
):
    request = queued(twilio_voice)
    services.callback_claim(actor_of(personas["a"]["case_manager"]), request)
    client.force_login(personas["a"]["operator"])

    response = client.post(
        reverse("channels:callback_claim", args=[request.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 409
    assert REFUGEE not in response.content.decode()
    request.refresh_from_db()
    assert request.claimed_by == personas["a"]["case_manager"]


@pytest.mark.parametrize("who", [("b", "operator"), ("a", "analyst"), ("a", "advocate"), None])
def test_other_organisations_and_other_roles_are_refused(client, twilio_voice, personas, who):
    request = queued(twilio_voice)
    if who is not None:
        client.force_login(personas[who[0]][who[1]])

    pages = [
        client.get(reverse("channels:callback_detail", args=[request.pk])),
        client.post(reverse("channels:callback_claim", args=[request.pk])),
        client.post(reverse("channels:callback_outcome", args=[request.pk]), {"outcome": "done"}),
    ]

    expected = 302 if who is None else 404  # anonymous: to the login page
    assert [p.status_code for p in pages] == [expected] * 3
    request.refresh_from_db()
    assert (request.state, request.attempts) == ("pending", 0)
    if who is not None and who[0] == "a":
        assert client.get(reverse("channels:callback_list")).status_code == 404
    if who == ("b", "operator"):
        assert (
            f"callback-{request.pk}"
            not in client.get(reverse("channels:callback_list")).content.decode()
        )


def test_a_missing_call_back_id_gets_the_same_404(client, personas):
    client.force_login(personas["a"]["operator"])
    url = reverse("channels:callback_detail", args=["7c9e6679-7425-40de-944b-e07fc1f90ae7"])
    assert client.get(url).status_code == 404


def test_the_nav_links_to_the_call_backs(client, personas):
    client.force_login(personas["a"]["operator"])
    html = client.get(reverse("channels:callback_list")).content.decode()
    assert f'href="{reverse("channels:callback_list")}"' in html


def test_the_queue_reads_in_a_fixed_number_of_queries(
    client, twilio_voice, personas, actor_of, django_assert_max_num_queries
):
    for index in range(6):
        request = queued(twilio_voice, caller=f"+92345100000{index}")
        if index % 2:
            services.callback_claim(actor_of(personas["a"]["operator"]), request)
    client.force_login(personas["a"]["operator"])
    client.get(reverse("channels:callback_list"))  # warm the session and the user

    with django_assert_max_num_queries(8):
        response = client.get(reverse("channels:callback_list"))

    assert response.content.decode().count('<tr id="callback-') == 6
