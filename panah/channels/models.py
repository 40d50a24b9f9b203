"""Provider channels and the refugee line's conversations.

A `Channel` is one organisation's number (or WhatsApp phone-number id) at one provider. Its
webhook is found by a random slug, never by a name or a number. Every message that arrives is
an `InboundMessage` first: committed, with its processing task, before the provider hears 2xx;
the database refuses a second row for the same provider message id. Processing threads it into
a `Conversation` per channel and sender, which operators claim, answer and close.
"""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from panah.core.fields import EncryptedTextField
from panah.core.models import PublicIdModel


class Provider(models.TextChoices):
    TWILIO = "twilio", _("Twilio")
    META_WHATSAPP = "meta_whatsapp", _("WhatsApp Cloud API (Meta)")
    GENERIC_HTTP = "generic_http", _("HTTP SMS gateway")
    CONSOLE = "console", _("Console (development)")


class Medium(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    VOICE = "voice", _("Voice call")


class VoiceMode(models.TextChoices):
    # Rejected as busy, so the caller pays nothing, and called back: what most callers without
    # credit expect from a "missed call".
    MISSED_CALL = "missed_call", _("Missed call: reject as busy and call back")
    # Answered by the voice menu (panah.channels.voice): the self-service line by keypad.
    MENU = "menu", _("Answer with the voice menu")


def new_webhook_slug() -> str:
    """Return an unguessable slug (192 random bits) for a channel's webhook URL."""
    return secrets.token_urlsafe(24)


class Channel(PublicIdModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    medium = models.CharField(_("medium"), max_length=10, choices=Medium.choices)
    # Our own number in E.164, or Meta's phone-number id: the organisation's, not personal.
    address = models.CharField(_("address"), max_length=64)
    # Provider secrets and settings as one JSON object, encrypted (docs/channels.md lists the
    # keys per provider). Read with `credentials_dict()`.
    credentials = EncryptedTextField(_("credentials"))
    webhook_slug = models.CharField(max_length=64, unique=True, default=new_webhook_slug)
    rate_per_minute = models.PositiveIntegerField(_("messages per minute"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    # Whether the self-service line (panah.selfservice) answers text messages first; off, every
    # message goes straight to the operators' inbox (a line staffed around the clock).
    self_service = models.BooleanField(_("self-service line answers first"), default=True)
    # A voice channel's calls: rejected and called back, or answered by the voice menu.
    voice_mode = models.CharField(
        _("calls"), max_length=12, choices=VoiceMode.choices, default=VoiceMode.MISSED_CALL
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["organisation", "medium", "is_active"], name="channel_for_medium")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rate_per_minute__gte=1), name="channel_rate_min")
        ]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.name} ({self.provider}/{self.medium})"

    def credentials_dict(self) -> dict[str, Any]:
        """Return the decrypted credentials (an empty dict if none are stored)."""
        if not self.credentials:
            return {}
        value = json.loads(self.credentials)
        return value if isinstance(value, dict) else {}


class InboundMessage(models.Model):
    """One message (or call) as the provider delivered it, before anything acts on it."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        MEDIA = "media", _("Picture, voice note or file")
        CALL = "call", _("Call")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Threaded into a conversation")
        DISPATCH = "dispatch", _("Advocate's reply to an alert")
        FAILED = "failed", _("Processing failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: the unique constraint below starts with the channel, and every
    # index is one more write on the webhook's path.
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="inbound", db_index=False
    )
    provider_message_id = models.CharField(max_length=128)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    sender = EncryptedTextField()  # E.164
    sender_digest = models.CharField(max_length=32)  # blind index "channels.sender"
    text = EncryptedTextField(blank=True)
    received_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The exception's class name only: never the text or the number.
    last_error = models.CharField(max_length=100, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            # Provider retries of the same message create nothing new (SECURITY.md WH-2).
            models.UniqueConstraint(
                fields=["channel", "provider_message_id"], name="inbound_once_per_provider_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.kind} {self.state}"


class Conversation(PublicIdModel):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        WAITING = "waiting_for_operator", _("Waiting for an operator")
        CLAIMED = "claimed", _("With an operator")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="conversations")
    sender = EncryptedTextField()  # E.164: where replies go
    sender_digest = models.CharField(max_length=32)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "helpline.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=24, choices=State.choices, default=State.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unread_count = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at"]
        constraints = [
            # One conversation at a time per sender and channel: new messages join it.
            models.UniqueConstraint(
                fields=["channel", "sender_digest"],
                condition=~Q(state="closed"),
                name="conversation_one_open_per_sender",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "state", "-last_message_at"], name="conversation_inbox"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.state}"


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", _("From the person")
        OUTBOUND = "out", _("From Panah")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(
        max_length=8, choices=InboundMessage.Kind.choices, default=InboundMessage.Kind.TEXT
    )
    text = EncryptedTextField(blank=True)
    created_at = models.DateTimeField()
    inbound = models.OneToOneField(
        InboundMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="message"
    )
    outbound = models.OneToOneField(
        "messaging.OutboundMessage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_thread")]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="in", outbound__isnull=True)
                | Q(direction="out", inbound__isnull=True),
                name="message_direction_matches_link",
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.direction}"


class CallbackRequest(PublicIdModel):
    """A caller to ring back: a missed call, a voicemail, a call that ended too soon.

    One open request (pending or claimed) per caller and organisation: further calls while it
    is open add to it (`calls`, `last_at`) instead of queueing the same person twice.
    """

    class Reason(models.TextChoices):
        MISSED_CALL = "missed_call", _("Missed call")
        VOICEMAIL = "voicemail", _("Voicemail")
        HUNG_UP = "hung_up", _("Hung up before the end of the menu")
        MENU_FAILED = "menu_failed", _("The voice menu could not help")
        ARREST_REPORT = "arrest_report", _("Reported an arrest by phone")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a call-back")
        CLAIMED = "claimed", _("Being called back")
        DONE = "done", _("Called back")
        NO_ANSWER = "no_answer", _("No answer after several attempts")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    OPEN_STATES = (State.PENDING, State.CLAIMED)

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    caller = EncryptedTextField()  # E.164
    caller_digest = models.CharField(max_length=32)  # blind index "channels.sender"
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    # Twilio's URL of a recording (a voicemail, or a name said on the menu): it leads to a
    # person's voice, so it is encrypted like the number.
    recording_url = EncryptedTextField(blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    calls = models.PositiveIntegerField(_("calls"), default=1)
    requested_at = models.DateTimeField(_("first call"))
    last_at = models.DateTimeField(_("last call"))
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # After an unanswered attempt: not before this time (the queue shows it later).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    outcome_note = EncryptedTextField(_("note"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "caller_digest"],
                condition=Q(state__in=["pending", "claimed"]),
                name="callback_one_open_per_caller",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "state", "requested_at"], name="callback_queue")
        ]
        verbose_name = _("call-back request")
        verbose_name_plural = _("call-back requests")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.reason} {self.state}"


class VoiceCall(models.Model):
    """One call answered by the voice menu, followed request by request.

    Twilio asks for the next instructions after each keypress or recording; every such request
    names the call (CallSid) and the step it answers. `step` counts the responses sent and
    `twiml` keeps the last one, so a retried request gets the same answer and nothing is done
    twice.
    """

    class Stage(models.TextChoices):
        MENU = "menu", _("In the menu")
        NAME = "name", _("Saying a name")
        VOICEMAIL = "voicemail", _("Leaving a voicemail")
        ENDED = "ended", _("Ended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    call_sid = models.CharField(max_length=64)
    caller = EncryptedTextField()  # E.164
    caller_digest = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    step = models.PositiveIntegerField(default=0)
    twiml = EncryptedTextField(blank=True)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.MENU)
    # The menu last offered (JSON: prompt key, language, digits), to check and repeat it.
    menu = EncryptedTextField(blank=True)
    tries = models.PositiveSmallIntegerField(default=0)  # not understood, in a row
    # Why the caller is being asked for a voicemail: the call-back's reason if they leave none.
    reason = models.CharField(max_length=16, choices=CallbackRequest.Reason.choices, blank=True)
    # The line gave the caller an answer (rights, documents): hanging up then is no problem.
    answered = models.BooleanField(default=False)
    name_recording = EncryptedTextField(blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    callback = models.ForeignKey(
        CallbackRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "call_sid"], name="voice_call_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.stage} {self.step}"
