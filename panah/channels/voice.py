"""The voice menu: the self-service line by keypad, in TwiML.

A voice channel in "menu" mode answers calls (`Channel.voice_mode`). Each call asks for the
language, then runs the same flow, sessions and effects as SMS: every keypress is handed to
`selfservice.services.session_handle` (medium "voice") as the text of a message, and the
menu's digits are exactly the SMS menu's (`selfservice.voice.voice_menu`). So an arrest
reported by phone opens the urgent case and starts dispatch exactly as by SMS.

What a phone adds:

- prompts are recordings (`voice_prompts`), played with <Play>; where a prompt has only its
  placeholder, Twilio says the text with <Say> in the languages it has a voice for
  (PANAH_VOICE_SAY: English by default);
- a name cannot be keyed in: it is recorded (<Record>), not transcribed, and the recording is
  put on the case and in the operators' inbox; the flow gets a placeholder name;
- an answer the flow gives as text (a rights summary, the rules engine's answer) is sent by SMS;
- "talk to a person", an arrest report, and anything the menu cannot do (three keypresses it
  did not understand, an error) end in a voicemail (<Record>) and a call-back request; a
  caller who hangs up before the menu helped them is queued for a call-back too (Twilio's
  call status callback).

Twilio asks for the next instructions after each keypress or recording, naming the call
(CallSid) and the step in the URL: `VoiceCall` keeps the last answer, so a retried request gets
the same TwiML and nothing is done twice.

The first half of the module is pure (sounds and TwiML from plain values); the second performs
a call's steps.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from twilio.twiml.voice_response import Gather, VoiceResponse

from panah.audit.services import Source
from panah.cases.models import Case
from panah.cases.services import case_note_add
from panah.channels import voice_prompts
from panah.channels.models import CallbackRequest, Channel, Medium, VoiceCall
from panah.channels.providers.base import InboundEvent
from panah.channels.services import callback_queue, inbound_receive, sender_digest
from panah.channels.voice_prompts import Recording, press_key, spoken
from panah.messaging.services import message_queue
from panah.people.models import NAME_SAID_ON_THE_PHONE
from panah.selfservice.engine import Catalog, Flow, NodeType
from panah.selfservice.flows import installed_flow
from panah.selfservice.voice import VoiceChoice, VoiceMenu

if TYPE_CHECKING:
    from panah.selfservice.services import HandleResult

logger = logging.getLogger(__name__)

GATHER_SECONDS = 8  # silence after the prompt before Twilio reports "no key pressed"
NAME_SECONDS = 15
RECORD_SILENCE_SECONDS = 5
MAX_TRIES = 3  # keypresses not understood (or silences) in a row before the voicemail
# What the flow's name question receives when the name was said: the person's record needs a
# name, and an operator replaces it after listening to the recording.
NAME_PLACEHOLDER = NAME_SAID_ON_THE_PHONE
FINAL_CALL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
RECORDING_HOSTS = ("https://api.twilio.com/",)


# --- Sounds and TwiML (pure) -----------------------------------------------------------------


@dataclass(frozen=True)
class Sound:
    """One thing to play: a recording (<Play>) or a text Twilio says (<Say>)."""

    url: str = ""
    text: str = ""
    language: str = ""  # Twilio's language code for <Say>
    voice: str = ""


def say_languages(entries: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Read PANAH_VOICE_SAY ("en=en-GB", "ur=ur-IN:Google.ur-IN-Standard-A") into
    {panah language: (Twilio language, voice)}; malformed entries are ignored."""
    result = {}
    for entry in entries:
        ours, _sep, theirs = entry.partition("=")
        language, _colon, voice = theirs.partition(":")
        if ours.strip() and language.strip():
            result[ours.strip()] = (language.strip(), voice.strip())
    return result


@dataclass(frozen=True)
class Prompter:
    """Chooses what to play for a prompt key in a language.

    A real recording is played; without one, the text is said where Twilio has a voice for the
    language; otherwise the placeholder tone is played (so the menu keeps its shape while the
    recordings are being made). A list item (a district, a police station) without a recording
    is said by its English name where English can be said.
    """

    flow: Flow
    recordings: Mapping[tuple[str, str], Recording]
    say: Mapping[str, tuple[str, str]]
    url_for: Callable[[str], str]
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def _say(self, text: str, language: str) -> Sound:
        twilio_language, voice = self.say[language]
        return Sound(text=spoken(text), language=twilio_language, voice=voice)

    def sound(self, key: str, language: str) -> Sound | None:
        recording = self.recordings.get((language, key))
        if recording is not None and not recording.placeholder:
            return Sound(url=self.url_for(recording.static_path))
        text = voice_prompts.script(self.flow, key, language) or self.labels.get(key, {}).get(
            language, ""
        )
        if text and language in self.say:
            return self._say(text, language)
        if recording is not None:
            return Sound(url=self.url_for(recording.static_path))
        english = self.labels.get(key, {}).get("en", "")
        if english and "en" in self.say:
            return self._say(english, "en")
        return None

    def sounds(self, keys: Iterable[str], language: str) -> list[Sound]:
        return [s for s in (self.sound(k, language) for k in keys) if s is not None]

    def text(self, text: str, language: str) -> Sound | None:
        """Say a text the flow produced (a rights summary) where the language can be said."""
        return self._say(text, language) if language in self.say else None

    def menu(self, menu: VoiceMenu, *, apology: bool = False) -> list[Sound]:
        """The prompt of a menu and, on a list, each item followed by its digit."""
        keys = [f"{self.flow.id}.not_understood"] if apology else []
        keys.append(menu.prompt_key)
        node = self.flow.nodes.get(menu.prompt_key.split(".")[1])
        if node is not None and node.type == NodeType.PICK:
            for choice in menu.choices:
                keys += [choice.key, press_key(choice.digit)]
        return self.sounds(keys, menu.language)


def _add(verb: Any, sound: Sound) -> None:
    if sound.url:
        verb.play(sound.url)
    elif sound.text:
        attributes = {"voice": sound.voice} if sound.voice else {}
        verb.say(sound.text, language=sound.language, **attributes)


def gather_twiml(sounds: Sequence[Sound], *, action: str) -> str:
    """Play the sounds while waiting for one key; Twilio posts it (or nothing) to `action`."""
    response = VoiceResponse()
    gather = Gather(
        num_digits=1,
        action=action,
        method="POST",
        timeout=GATHER_SECONDS,
        action_on_empty_result=True,
    )
    for sound in sounds:
        _add(gather, sound)
    response.append(gather)
    return str(response.to_xml())


def record_twiml(
    sounds: Sequence[Sound], *, action: str, max_length: int, finish_on_key: str
) -> str:
    """Play the sounds, then record after a beep; Twilio posts the recording to `action`.

    Twilio skips the action when nothing at all was recorded and goes on to the next verb: the
    <Redirect> to the same URL (without a recording) tells us.
    """
    response = VoiceResponse()
    for sound in sounds:
        _add(response, sound)
    response.record(
        action=action,
        method="POST",
        max_length=max_length,
        finish_on_key=finish_on_key,
        timeout=RECORD_SILENCE_SECONDS,
        play_beep=True,
        trim="trim-silence",
    )
    response.redirect(action, method="POST")
    return str(response.to_xml())


def hangup_twiml(sounds: Sequence[Sound] = ()) -> str:
    response = VoiceResponse()
    for sound in sounds:
        _add(response, sound)
    response.hangup()
    return str(response.to_xml())


def menu_dumps(menu: VoiceMenu) -> str:
    return json.dumps(
        {
            "prompt_key": menu.prompt_key,
            "language": menu.language,
            "choices": [[c.digit, c.key] for c in menu.choices],
            "expects_speech": menu.expects_speech,
        }
    )


def menu_loads(text: str) -> VoiceMenu | None:
    try:
        data = json.loads(text) if text else {}
        return VoiceMenu(
            prompt_key=str(data["prompt_key"]),
            language=str(data["language"]),
            choices=tuple(VoiceChoice(str(d), str(k)) for d, k in data["choices"]),
            expects_speech=bool(data["expects_speech"]),
        )
    except (TypeError, ValueError, KeyError):
        return None


def recording_url(url: str, duration: str) -> str:
    """Return Twilio's URL of a recording that holds something, else "" (none, empty, foreign)."""
    url = (url or "").strip()
    try:
        seconds = int(duration or "0")
    except ValueError:
        seconds = 0
    if seconds <= 0 or len(url) > 500 or not url.startswith(RECORDING_HOSTS):
        return ""
    return url


# --- A call's steps --------------------------------------------------------------------------


def _url_for(static_path: str) -> str:
    url = static(static_path)
    return url if url.startswith("http") else settings.PANAH_BASE_URL.rstrip("/") + url


def _item_labels(catalog: Catalog) -> dict[str, Mapping[str, str]]:
    return {
        f"{name}.{option.id}": option.labels
        for name, lists in catalog.lists.items()
        for options in lists.values()
        for option in options
    }


def _prompter(menu: VoiceMenu | None = None) -> Prompter:
    flow = installed_flow()
    labels: dict[str, Mapping[str, str]] = {}
    if menu is not None and any(not c.key.startswith(f"{flow.id}.") for c in menu.choices):
        from panah.selfservice.selectors import catalog_for_line  # noqa: PLC0415

        labels = _item_labels(catalog_for_line())
    return Prompter(
        flow=flow,
        recordings=voice_prompts.inventory(),
        say=say_languages(settings.PANAH_VOICE_SAY),
        url_for=_url_for,
        labels=labels,
    )


def _action(kind: str, call: VoiceCall) -> str:
    path = reverse(
        f"channels:voice_{kind}", kwargs={"slug": call.channel.webhook_slug, "step": call.step}
    )
    return settings.PANAH_BASE_URL.rstrip("/") + path


def _locked(channel: Channel, call_sid: str) -> VoiceCall | None:
    return (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join (callback).
        VoiceCall.objects.select_for_update(of=("self",))
        .select_related("channel__organisation", "callback")
        .filter(channel=channel, call_sid=call_sid)
        .first()
    )


def _save(call: VoiceCall, twiml: str) -> str:
    call.twiml = twiml
    call.save()
    return twiml


def _language(call: VoiceCall) -> str:
    menu = menu_loads(call.menu)
    return menu.language if menu is not None else installed_flow().default_language


def _to_menu(
    call: VoiceCall, menu: VoiceMenu, *, apology: bool = False, before: Sequence[Sound] = ()
) -> str:
    call.stage = VoiceCall.Stage.MENU
    call.menu = menu_dumps(menu)
    call.step += 1
    sounds = [*before, *_prompter(menu).menu(menu, apology=apology)]
    return _save(call, gather_twiml(sounds, action=_action("gather", call)))


def _to_name(call: VoiceCall, menu: VoiceMenu, *, apology: bool = False) -> str:
    call.stage = VoiceCall.Stage.NAME
    call.menu = menu_dumps(menu)
    call.step += 1
    flow = installed_flow()
    keys = [f"{flow.id}.not_understood"] if apology else []
    keys += [menu.prompt_key, "voice.record_name"]
    sounds = _prompter().sounds(keys, menu.language)
    twiml = record_twiml(
        sounds, action=_action("name", call), max_length=NAME_SECONDS, finish_on_key="#0"
    )
    return _save(call, twiml)


def _to_voicemail(
    call: VoiceCall,
    *,
    reason: str,
    apology: bool = False,
    before: Sequence[Sound] = (),
    menu: VoiceMenu | None = None,
) -> str:
    """Ask for a voicemail; `reason` is the call-back's if the caller leaves none."""
    call.stage = VoiceCall.Stage.VOICEMAIL
    call.reason = reason
    call.step += 1
    flow = installed_flow()
    language = menu.language if menu is not None else _language(call)
    keys = [f"{flow.id}.not_understood"] if apology else []
    if menu is not None and call.case_id is not None:
        keys += [menu.prompt_key, "voice.voicemail_more"]  # "we have your report" first
    else:
        keys.append("voice.voicemail")
    sounds = [*before, *_prompter().sounds(keys, language)]
    twiml = record_twiml(
        sounds,
        action=_action("voicemail", call),
        max_length=settings.PANAH_VOICE_VOICEMAIL_SECONDS,
        finish_on_key="#",
    )
    return _save(call, twiml)


def _line(call: VoiceCall, text: str, now: datetime.datetime) -> HandleResult | None:
    """Hand one keypress (or the name placeholder) to the self-service line; None if it failed."""
    from panah.selfservice.services import session_handle  # noqa: PLC0415 (see services)

    try:
        with transaction.atomic():
            return session_handle(
                organisation=call.channel.organisation,
                medium=Medium.VOICE,
                sender_e164=call.caller,
                text=text,
                now=now,
            )
    except Exception as exc:
        # Rolled back to the savepoint; the class only: the call is personal.
        logger.error(
            "channels: the voice menu's line failed (%s); the caller leaves a voicemail",
            type(exc).__name__,
        )
        return None


def _inbox(call: VoiceCall, suffix: str, text: str, now: datetime.datetime) -> None:
    """Put a recording in the operators' inbox: the caller's conversation on this channel."""
    event = InboundEvent(f"{call.call_sid}.{suffix}", call.caller, text, kind="media")
    inbound_receive(call.channel, event, at=now)


def _case_opened(call: VoiceCall, case_id: Any, now: datetime.datetime) -> None:
    """Keep the case on the call; put the recorded name on the case and in the inbox."""
    from panah.selfservice.services import selfservice_actor  # noqa: PLC0415

    case = Case.objects.get(pk=case_id)
    call.case = case
    if not call.name_recording:
        return
    with translation.override(settings.LANGUAGE_CODE):
        note = _(
            "The arrested person's name was said on the phone line and recorded, not "
            "transcribed: %(url)s — listen to it and correct the name on the person's record."
        ) % {"url": call.name_recording}
        message = _(
            "Name of the arrested person, said on the phone (case %(reference)s): %(url)s"
        ) % {
            "reference": case.reference,
            "url": call.name_recording,
        }
    actor = selfservice_actor(call.channel.organisation)
    case_note_add(actor, case, text=note, source=Source.SMS)
    _inbox(call, "name", message, now)


def _send_by_sms(call: VoiceCall, texts: Iterable[str]) -> None:
    for text in texts:
        message_queue(
            call.channel.organisation,
            to=call.caller,
            body=text,
            purpose="selfservice.reply",
            channel=Medium.SMS,
        )


def _after_line(call: VoiceCall, result: HandleResult | None, now: datetime.datetime) -> str:
    """Answer what the line did with a keypress: the next menu, a name, or a voicemail."""
    if result is None or result.voice is None:
        return _to_voicemail(call, reason=CallbackRequest.Reason.MENU_FAILED, apology=True)
    call.tries = 0
    menu = result.voice
    before: list[Sound] = []
    if result.case_id is not None:
        _case_opened(call, result.case_id, now)
    if result.content:
        _send_by_sms(call, result.content)
        call.answered = True
        prompter = _prompter()
        for text in result.content:
            said = prompter.text(text, menu.language)
            if said is not None:
                before.append(said)
        before += prompter.sounds(["voice.sent_by_sms"], menu.language)
    if result.handoff:
        if call.case_id is not None:
            reason = CallbackRequest.Reason.ARREST_REPORT
        elif voice_prompts.voice_replaces(installed_flow(), result.node):
            reason = CallbackRequest.Reason.HUNG_UP  # asked for a person, left no message
        else:
            reason = CallbackRequest.Reason.MENU_FAILED  # the line could not record the report
        return _to_voicemail(call, reason=reason, before=before, menu=menu)
    if menu.expects_speech:
        return _to_name(call, menu)
    return _to_menu(call, menu, before=before)


def _not_understood(call: VoiceCall, menu: VoiceMenu | None) -> str:
    call.tries += 1
    if menu is None or call.tries >= MAX_TRIES:
        return _to_voicemail(call, reason=CallbackRequest.Reason.MENU_FAILED, apology=True)
    if call.stage == VoiceCall.Stage.NAME:
        return _to_name(call, menu, apology=True)
    return _to_menu(call, menu, apology=True)


def _queue_callback(call: VoiceCall, reason: str, recording: str, now: datetime.datetime) -> None:
    call.callback = callback_queue(
        call.channel,
        caller=call.caller,
        reason=reason,
        at=now,
        recording_url=recording,
        case=call.case,
        request=call.callback,
        source=Source.SMS,
    )


def call_answer(
    channel: Channel, *, call_sid: str, caller: str, now: datetime.datetime | None = None
) -> str:
    """Answer a call with the language question; return the TwiML. A retry gets the same."""
    from panah.selfservice.services import session_restart  # noqa: PLC0415

    now = now or timezone.now()
    with transaction.atomic():
        call = _locked(channel, call_sid)
        if call is not None:
            return call.twiml
        try:
            with transaction.atomic():
                call = VoiceCall.objects.create(
                    channel=channel,
                    call_sid=call_sid,
                    caller=caller,
                    caller_digest=sender_digest(caller),
                    started_at=now,
                )
        except IntegrityError:
            # The same call delivered twice at once: the first one answers it.
            existing = _locked(channel, call_sid)
            return existing.twiml if existing is not None else hangup_twiml()
        try:
            with transaction.atomic():
                result = session_restart(
                    organisation=channel.organisation,
                    medium=Medium.VOICE,
                    sender_e164=caller,
                    now=now,
                )
        except Exception as exc:
            # The class only: an exception's message or traceback may carry the caller's number.
            logger.error(
                "channels: the voice menu could not start (%s); the caller leaves a voicemail",
                type(exc).__name__,
            )
            return _to_voicemail(call, reason=CallbackRequest.Reason.MENU_FAILED)
        assert result.voice is not None
        return _to_menu(call, result.voice)


def call_gather(
    channel: Channel,
    *,
    call_sid: str,
    step: int,
    digits: str,
    now: datetime.datetime | None = None,
) -> str | None:
    """Apply a keypress (or its absence) to a call; None for a call this channel never had."""
    now = now or timezone.now()
    with transaction.atomic():
        call = _locked(channel, call_sid)
        if call is None:
            return None
        if step != call.step or call.stage != VoiceCall.Stage.MENU:
            return call.twiml  # a retry of a request already answered
        menu = menu_loads(call.menu)
        digit = (digits or "").strip()
        if menu is None or digit not in {c.digit for c in menu.choices}:
            return _not_understood(call, menu)
        return _after_line(call, _line(call, digit, now), now)


def call_name(
    channel: Channel,
    *,
    call_sid: str,
    step: int,
    recording: str,
    digits: str,
    now: datetime.datetime | None = None,
) -> str | None:
    """Take the recorded name (or 0, back) and go on with the flow."""
    now = now or timezone.now()
    with transaction.atomic():
        call = _locked(channel, call_sid)
        if call is None:
            return None
        if step != call.step or call.stage != VoiceCall.Stage.NAME:
            return call.twiml
        if digits == "hangup":
            # The caller hung up while saying the name: keep it for the call-back.
            if recording:
                call.name_recording = recording
                if call.callback is not None:
                    _queue_callback(call, CallbackRequest.Reason.HUNG_UP, recording, now)
            call.step += 1
            return _save(call, hangup_twiml())
        if digits == "0":
            return _after_line(call, _line(call, "0", now), now)
        if not recording:
            return _not_understood(call, menu_loads(call.menu))
        call.name_recording = recording
        return _after_line(call, _line(call, NAME_PLACEHOLDER, now), now)


def call_voicemail(
    channel: Channel,
    *,
    call_sid: str,
    step: int,
    recording: str,
    duration: str,
    now: datetime.datetime | None = None,
) -> str | None:
    """Take the voicemail (or its absence): inbox, call-back, goodbye."""
    now = now or timezone.now()
    with transaction.atomic():
        call = _locked(channel, call_sid)
        if call is None:
            return None
        if step != call.step or call.stage not in (
            VoiceCall.Stage.VOICEMAIL,
            VoiceCall.Stage.ENDED,
        ):
            return call.twiml
        if recording:
            with translation.override(settings.LANGUAGE_CODE):
                text = _("Voicemail, %(seconds)s seconds: %(url)s") % {
                    "seconds": duration,
                    "url": recording,
                }
            _inbox(call, "voicemail", text, now)
            reason: str = (
                CallbackRequest.Reason.ARREST_REPORT
                if call.case_id is not None
                else CallbackRequest.Reason.VOICEMAIL
            )
        else:
            reason = call.reason or CallbackRequest.Reason.HUNG_UP
        _queue_callback(call, reason, recording or call.name_recording, now)
        language = _language(call)
        call.stage = VoiceCall.Stage.ENDED
        call.step += 1
        return _save(call, hangup_twiml(_prompter().sounds(["voice.goodbye"], language)))


def call_status(
    channel: Channel, *, call_sid: str, status: str, now: datetime.datetime | None = None
) -> bool:
    """Note that a call ended (Twilio's status callback); queue a call-back for a caller the
    menu did not help. Return whether anything changed (a repeated report changes nothing)."""
    if status not in FINAL_CALL_STATUSES:
        return False
    now = now or timezone.now()
    with transaction.atomic():
        call = _locked(channel, call_sid)
        if call is None or call.ended_at is not None:
            return False
        call.ended_at = now
        if call.callback is None:
            reason: str | None = None
            if call.case_id is not None:
                reason = CallbackRequest.Reason.ARREST_REPORT
            elif call.stage == VoiceCall.Stage.VOICEMAIL:
                reason = call.reason or CallbackRequest.Reason.HUNG_UP
            elif not call.answered:
                reason = CallbackRequest.Reason.HUNG_UP
            if reason is not None:
                _queue_callback(call, reason, call.name_recording, now)
        if call.stage == VoiceCall.Stage.MENU:
            # A voicemail or a name being recorded still arrives after the hang-up.
            call.stage = VoiceCall.Stage.ENDED
        call.save()
        return True
