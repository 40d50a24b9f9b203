"""The voice menu: TwiML parsed as XML, requests signed by the `twilio` library's validator."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django_tasks_db.models import DBTaskResult
from twilio.request_validator import RequestValidator

from panah.cases.models import Case, CaseEvent, Priority
from panah.channels import services, voice, voice_prompts
from panah.channels.models import (
    CallbackRequest,
    Conversation,
    InboundMessage,
    Message,
    VoiceCall,
)
from panah.channels.tests.conftest import (
    BASE_URL,
    OUR_NUMBER,
    REFUGEE,
    TWILIO_SID,
    TWILIO_TOKEN,
    hook_path,
)
from panah.dispatch.models import Offer
from panah.messaging.models import OutboundMessage
from panah.selfservice.flows import installed_flow
from panah.selfservice.models import FlowSession
from panah.testing.records import row_counts
from panah.testing.tasks import run_due_tasks

pytestmark = pytest.mark.django_db

RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE" + "5" * 32
NAME_RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE" + "6" * 32


@pytest.fixture
def line(org: Any) -> Any:
    """Organisation A's Twilio voice number, answering with the voice menu."""
    return services.channel_create(
        None,
        organisation=org,
        name="Quetta voice menu",
        provider="twilio",
        medium="voice",
        address=OUR_NUMBER,
        credentials={"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN},
        voice_mode="menu",
    )


def twiml(response: Any) -> ET.Element:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own TwiML, in a test


def signed_post(client: Any, url: str, params: dict[str, str], *, token: str = TWILIO_TOKEN) -> Any:
    """POST to an absolute URL of ours exactly as Twilio does, signed with its validator."""
    signature = RequestValidator(token).compute_signature(url, params)
    return client.generic(
        "POST",
        urlsplit(url).path,
        urlencode(params).encode(),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )


class Call:
    """One caller on the line: answers the prompts the way Twilio reports keys and recordings."""

    def __init__(
        self, client: Any, channel: Any, sid: str = "CA" + "1" * 32, caller: str = REFUGEE
    ):
        self.client, self.channel, self.sid, self.caller = client, channel, sid, caller
        self.last: ET.Element | None = None
        self.action = ""

    def params(self, **extra: str) -> dict[str, str]:
        return {
            "AccountSid": TWILIO_SID,
            "CallSid": self.sid,
            "From": self.caller,
            "To": OUR_NUMBER,
            "Direction": "inbound",
            "CallStatus": "in-progress",
            **extra,
        }

    def _take(self, response: Any) -> ET.Element:
        self.last = twiml(response)
        verb = self.last.find("Gather")
        if verb is None:
            verb = self.last.find("Record")
        self.action = verb.get("action", "") if verb is not None else ""
        return self.last

    def start(self) -> ET.Element:
        url = BASE_URL + hook_path(self.channel)
        return self._take(signed_post(self.client, url, self.params(CallStatus="ringing")))

    def post(self, **extra: str) -> Any:
        return signed_post(self.client, self.action, self.params(**extra))

    def press(self, digit: str) -> ET.Element:
        return self._take(self.post(Digits=digit))

    def record(self, url: str = RECORDING, seconds: str = "4", digits: str = "#") -> ET.Element:
        return self._take(self.post(RecordingUrl=url, RecordingDuration=seconds, Digits=digits))

    def hang_up(self, status: str = "completed") -> Any:
        url = BASE_URL + f"/channels/voice/{self.channel.webhook_slug}/status/"
        return signed_post(self.client, url, self.params(CallStatus=status, CallDuration="30"))

    @property
    def row(self) -> VoiceCall:
        return VoiceCall.objects.get(channel=self.channel, call_sid=self.sid)


def played(root: ET.Element) -> list[str]:
    """What a response plays, in order: recordings as "ur/line.main", said texts as "say:…"."""
    result = []
    for element in root.iter():
        if element.tag == "Play":
            path = urlsplit(element.text or "").path
            result.append(path.removeprefix("/static/voice/").removesuffix(".wav"))
        elif element.tag == "Say":
            result.append(f"say:{element.text}")
    return result


def offered_digits(call: Call) -> list[str]:
    menu = voice.menu_loads(call.row.menu)
    assert menu is not None
    return [c.digit for c in menu.choices]


def sms_prompt_said(node: str) -> str:
    return "say:" + voice_prompts.spoken(installed_flow().nodes[node].prompt["en"])


# --- Answering --------------------------------------------------------------------------------


def test_a_call_is_answered_with_the_language_question(client, line):
    root = Call(client, line).start()

    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("numDigits") == "1" and gather.get("method") == "POST"
    assert gather.get("action", "").startswith(f"{BASE_URL}/channels/voice/{line.webhook_slug}/")
    # Urdu first (the flow's default language); Twilio has no Urdu voice: the recording plays.
    assert played(root) == ["ur/line.language"]
    # The call is not a message for the operators: nothing in the inbox, no call-back.
    assert row_counts(InboundMessage, CallbackRequest) == {
        "channels.InboundMessage": 0,
        "channels.CallbackRequest": 0,
    }
    session = FlowSession.objects.get(medium="voice")
    assert session.node == "language"


@pytest.mark.parametrize(
    ("digit", "language"), [("1", "en"), ("2", "ur"), ("3", "ps"), ("4", "fa")]
)
def test_the_main_menu_offers_the_sms_menus_digits_in_each_language(client, line, digit, language):
    call = Call(client, line)
    call.start()
    root = call.press(digit)

    main = installed_flow().nodes["main"]
    assert offered_digits(call) == [c.key for c in main.choices] + ["0"]
    if language == "en":
        # No real English recording yet: Twilio says the SMS menu's text, every digit in it.
        [said] = played(root)
        assert said == sms_prompt_said("main")
        assert root.find("Gather/Say").get("language") == "en-GB"
        for choice in main.choices:
            assert f"press {choice.key}." in said
    else:
        assert played(root) == [f"{language}/line.main"]
    assert FlowSession.objects.get(medium="voice").language == language


def test_a_real_recording_is_played_instead_of_the_english_voice(client, line, monkeypatch):
    recordings = dict(voice_prompts.inventory())
    recordings[("en", "line.main")] = voice_prompts.Recording("voice/en/line.main.wav", False)
    monkeypatch.setattr(voice_prompts, "inventory", lambda: recordings)
    call = Call(client, line)
    call.start()

    assert played(call.press("1")) == ["en/line.main"]


def test_a_digit_not_on_the_menu_repeats_the_prompt_after_an_apology(client, line):
    call = Call(client, line)
    call.start()
    call.press("2")

    root = call.press("7")

    assert played(root) == ["ur/line.not_understood", "ur/line.main"]
    assert FlowSession.objects.get(medium="voice").node == "main"
    # Silence (no key before the wait ends) is handled the same way.
    assert played(call.press("")) == ["ur/line.not_understood", "ur/line.main"]


def test_0_goes_back_from_the_main_menu_to_the_language_question(client, line):
    call = Call(client, line)
    call.start()
    call.press("3")

    root = call.press("0")

    assert played(root) == ["ps/line.language"]
    assert FlowSession.objects.get(medium="voice").node == "language"


def test_a_list_reads_each_item_with_its_digit(client, line, rota):
    call = Call(client, line)
    call.start()
    call.press("2")

    root = call.press("1")  # someone was arrested: which district?

    sounds = played(root)
    assert sounds[0] == "ur/line.arrest_district"
    digits = offered_digits(call)
    assert digits[-1] == "0" and "1" in digits
    # Each item: its name (no recording of a place: said in English), then "press N".
    district = rota["place"].district
    assert sounds[1:3] == [f"say:{district.name}", "ur/voice.press.1"]
    assert sounds[-2:] == ["ur/line.back", "ur/voice.press.0"]


# --- An arrest reported by keypad ---------------------------------------------------------------


def test_an_arrest_reported_by_keypad_opens_the_urgent_case_and_dispatch(client, line, rota):
    call = Call(client, line)
    call.start()
    for digit in ("2", "1", "1", "1"):  # Urdu, arrested, the district, the police station
        call.press(digit)
    root = call.last
    assert root is not None and root.find("Record") is not None
    assert played(root) == ["ur/line.arrest_name", "ur/voice.record_name"]
    assert root.find("Record").get("finishOnKey") == "#0"

    call.record(NAME_RECORDING)  # the name, said
    assert played(call.last) == ["ur/line.arrest_time"]
    root = call.press("2")  # 1 to 6 hours ago

    case = Case.objects.get(pk=call.row.case_id)  # (the rota's advocates have cases of their own)
    assert (case.case_type, case.priority) == ("arrest", Priority.URGENT)
    assert case.place == rota["place"]
    assert Offer.objects.get(dispatch__case=case).advocate == rota["advocates"]["ayesha"]
    # The name was not transcribed: the recording is on the case for an operator.
    note = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.NOTE)
    assert NAME_RECORDING in note.note
    assert call.row.case == case
    # "We have your report", then anything to add as a voicemail.
    assert played(root) == ["ur/line.arrest_done", "ur/voice.voicemail_more"]
    assert root.find("Record").get("finishOnKey") == "#"

    root = call.record(RECORDING, seconds="20")
    assert root.find("Hangup") is not None
    callback = CallbackRequest.objects.get()
    assert callback.reason == CallbackRequest.Reason.ARREST_REPORT
    assert callback.case == case and callback.recording_url == RECORDING
    # The name and the voicemail are in the operators' inbox, in the caller's conversation.
    run_due_tasks()
    conversation = Conversation.objects.get(channel=line)
    assert conversation.state == Conversation.State.WAITING
    texts = [m.text for m in conversation.messages.filter(kind="media")]
    assert len(texts) == 2
    assert NAME_RECORDING in texts[0] and case.reference in texts[0]
    assert RECORDING in texts[1]


def test_0_while_recording_the_name_goes_back(client, line, rota):
    call = Call(client, line)
    call.start()
    for digit in ("1", "1", "1", "1"):
        call.press(digit)

    call.record(NAME_RECORDING, digits="0")

    assert FlowSession.objects.get(medium="voice").node == "arrest_station"
    assert call.row.name_recording == ""


def test_a_name_that_was_not_recorded_is_asked_again(client, line, rota):
    call = Call(client, line)
    call.start()
    for digit in ("1", "1", "1", "1"):
        call.press(digit)

    # Twilio skips the action on an empty recording and follows our <Redirect>: no recording.
    root = call._take(call.post())

    assert played(root)[0] == "say:" + installed_flow().texts["not_understood"]["en"]
    assert root.find("Record") is not None
    assert FlowSession.objects.get(medium="voice").node == "arrest_name"


# --- Answers, people and failures ---------------------------------------------------------------


def test_an_answer_the_flow_gives_as_text_is_sent_by_sms_and_needs_no_call_back(client, line):
    call = Call(client, line)
    call.start()
    call.press("1")
    call.press("3")  # know your rights

    root = call.press("1")

    unavailable = installed_flow().texts["unavailable"]["en"]
    sms = OutboundMessage.objects.get(purpose="selfservice.reply")
    assert (sms.to, sms.channel, sms.body) == (REFUGEE, "sms", unavailable)
    sounds = played(root)
    assert sounds[0] == f"say:{unavailable}"
    assert sounds[1] == "say:" + str(voice_prompts.VOICE_TEXTS["voice.sent_by_sms"])
    assert call.row.answered

    assert call.hang_up().status_code == 204
    assert not CallbackRequest.objects.exists()


def test_talk_to_a_person_records_a_voicemail_into_the_inbox_and_the_call_back_queue(client, line):
    call = Call(client, line)
    call.start()
    call.press("3")

    root = call.press("4")  # talk to a person

    assert played(root) == ["ps/voice.voicemail"]
    record = root.find("Record")
    assert record is not None
    assert record.get("maxLength") == "120" and record.get("finishOnKey") == "#"
    assert root.find("Redirect").text == record.get("action")

    root = call.record(RECORDING, seconds="42")
    assert played(root) == ["ps/voice.goodbye"] and root.find("Hangup") is not None
    callback = CallbackRequest.objects.get()
    assert callback.reason == CallbackRequest.Reason.VOICEMAIL
    assert (callback.caller, callback.recording_url, callback.calls) == (REFUGEE, RECORDING, 1)
    run_due_tasks()
    message = Message.objects.get(conversation__channel=line)
    assert message.kind == InboundMessage.Kind.MEDIA and RECORDING in message.text
    assert message.conversation.state == Conversation.State.WAITING

    # The hang-up that follows changes nothing more.
    assert call.hang_up().status_code == 204
    assert CallbackRequest.objects.get().calls == 1


def test_three_keys_not_understood_lead_to_a_voicemail_and_a_call_back(client, line):
    call = Call(client, line)
    call.start()
    call.press("9")
    call.press("9")

    root = call.press("9")

    assert played(root) == ["ur/line.not_understood", "ur/voice.voicemail"]
    call._take(call.post())  # no message left (Twilio follows the <Redirect>)
    callback = CallbackRequest.objects.get()
    assert callback.reason == CallbackRequest.Reason.MENU_FAILED
    assert callback.recording_url == ""
    assert not InboundMessage.objects.exists()


def test_when_the_line_fails_the_caller_leaves_a_voicemail(client, line, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a flow bug")

    call = Call(client, line)
    call.start()
    monkeypatch.setattr("panah.selfservice.services.session_handle", broken)

    root = call.press("1")

    assert played(root)[-1] == "ur/voice.voicemail"
    assert call.row.reason == CallbackRequest.Reason.MENU_FAILED


def test_a_caller_who_hangs_up_before_finishing_is_called_back(client, line, rota):
    cases_before = Case.objects.count()
    call = Call(client, line)
    call.start()
    for digit in ("1", "1", "1", "1"):
        call.press(digit)
    call.record(NAME_RECORDING)

    assert call.hang_up().status_code == 204

    callback = CallbackRequest.objects.get()
    assert callback.reason == CallbackRequest.Reason.HUNG_UP
    # The name said so far is kept for the operator who calls back.
    assert callback.recording_url == NAME_RECORDING
    assert Case.objects.count() == cases_before  # the report was not finished: no case


def test_a_hang_up_at_the_language_question_is_called_back_once(client, line):
    call = Call(client, line)
    call.start()

    call.hang_up()
    call.hang_up()  # Twilio retried the status callback

    callback = CallbackRequest.objects.get()
    assert (callback.reason, callback.calls) == (CallbackRequest.Reason.HUNG_UP, 1)


# --- Signatures and retries ---------------------------------------------------------------------


def test_a_forged_call_is_refused_and_nothing_is_stored(client, line):
    url = BASE_URL + hook_path(line)
    call = Call(client, line)

    response = signed_post(client, url, call.params(), token="someone-elses-token")

    assert response.status_code == 403
    assert not VoiceCall.objects.exists() and not FlowSession.objects.exists()


@pytest.mark.parametrize("endpoint", ["gather", "name", "voicemail", "status"])
def test_every_voice_endpoint_refuses_a_forged_request(client, line, endpoint):
    call = Call(client, line)
    call.start()
    before = (call.row.step, call.row.twiml)
    url = BASE_URL + (
        f"/channels/voice/{line.webhook_slug}/status/"
        if endpoint == "status"
        else f"/channels/voice/{line.webhook_slug}/{endpoint}/1/"
    )
    params = call.params(
        Digits="4", RecordingUrl=RECORDING, RecordingDuration="9", CallStatus="completed"
    )

    forged = signed_post(client, url, params, token="someone-elses-token")
    unsigned = client.post(urlsplit(url).path, params)

    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert (call.row.step, call.row.twiml) == before
    assert call.row.ended_at is None
    assert row_counts(InboundMessage, CallbackRequest) == {
        "channels.InboundMessage": 0,
        "channels.CallbackRequest": 0,
    }


def test_a_request_signed_for_another_step_url_is_refused(client, line):
    call = Call(client, line)
    call.start()
    params = call.params(Digits="1")
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(call.action, params)
    other = urlsplit(call.action).path.replace("/gather/1/", "/gather/2/")

    response = client.generic(
        "POST",
        other,
        urlencode(params).encode(),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )

    assert response.status_code == 403


def test_a_voice_endpoint_of_a_channel_without_the_menu_is_not_found(client, twilio_sms):
    url = BASE_URL + f"/channels/voice/{twilio_sms.webhook_slug}/gather/1/"
    response = signed_post(client, url, {"AccountSid": TWILIO_SID, "CallSid": "CA1"})
    assert response.status_code == 404


def test_twilio_retries_of_a_call_and_of_a_keypress_are_answered_the_same_and_done_once(
    client, line
):
    call = Call(client, line)
    first = call.start()
    again = call.start()
    assert ET.tostring(first) == ET.tostring(again)
    assert VoiceCall.objects.count() == 1

    action = call.action
    pressed = call.press("1")  # English
    call.action = action
    retried = call.press("1")  # the same request again: not "1" at the main menu (arrest)

    assert ET.tostring(pressed) == ET.tostring(retried)
    session = FlowSession.objects.get(medium="voice")
    assert (session.node, session.language) == ("main", "en")
    assert call.row.step == 2


def test_a_retried_voicemail_is_stored_and_queued_once(client, line):
    call = Call(client, line)
    call.start()
    call.press("2")
    call.press("4")
    action = call.action

    first = call.record(RECORDING)
    call.action = action
    second = call.record(RECORDING)

    assert ET.tostring(first) == ET.tostring(second)
    assert InboundMessage.objects.count() == 1
    assert CallbackRequest.objects.get().calls == 1
    assert (
        DBTaskResult.objects.filter(task_path="panah.channels.tasks.inbound_process_batch").count()
        == 1
    )


def test_a_request_for_a_call_the_channel_never_had_is_not_found(client, line):
    call = Call(client, line)
    call.start()
    stranger = Call(client, line, sid="CA" + "9" * 32)
    stranger.action = call.action

    assert stranger.post(Digits="1").status_code == 404
