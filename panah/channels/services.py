"""Channels: configuring providers, receiving messages durably, threading them, replying.

The webhook hot path is `inbound_receive`: the message and its processing task are written
together (on PostgreSQL in one statement), nothing else, so the provider hears 2xx only once
both are committed and a retry of the same provider id creates nothing (the unique constraint
decides, even when the retry runs at the same moment). Everything slower happens in
`inbound_process`, a task.
"""

from __future__ import annotations

import datetime
import functools
import json
import logging
from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import Organisation
from panah.accounts.selectors import Actor
from panah.audit.services import Action, Source, audit_record_write
from panah.channels import selectors
from panah.channels.addresses import sender_e164
from panah.channels.models import (
    CallbackRequest,
    Channel,
    Conversation,
    InboundMessage,
    Medium,
    Message,
    Provider,
    VoiceMode,
)
from panah.channels.providers import provider_for
from panah.channels.providers.base import InboundEvent, StatusEvent
from panah.core import crypto
from panah.core.access import Capability
from panah.core.errors import DomainError, NotFound
from panah.core.group_commit import GroupCommit
from panah.core.normalise import normalise_phone
from panah.core.task_rows import database_task_row
from panah.dispatch import services as dispatch_services
from panah.dispatch.replies import parse_reply
from panah.helpline.services import contact_log
from panah.messaging.backends import RateLimited, SendError
from panah.messaging.models import OutboundMessage
from panah.messaging.services import message_queue, message_status_update
from panah.people.models import SearchKey
from panah.people.selectors import people_by_key
from panah.people.services import phone_digest

logger = logging.getLogger(__name__)

INDEX_SENDER = "channels.sender"
MAX_PROCESS_ATTEMPTS = 5
MAX_REPLY = 1600  # ten UCS-2 segments, or one long WhatsApp message
RATE_WINDOW = datetime.timedelta(minutes=1)
# The unique constraint "inbound_once_per_provider_id": what makes a provider's retry a no-op.
INBOUND_UNIQUE_FIELDS = ("channel", "provider_message_id")

# Which media each provider carries (a Meta channel is WhatsApp only, a gateway SMS only).
PROVIDER_MEDIA = {
    Provider.TWILIO: {Medium.SMS, Medium.WHATSAPP, Medium.VOICE},
    Provider.META_WHATSAPP: {Medium.WHATSAPP},
    Provider.GENERIC_HTTP: {Medium.SMS},
    Provider.CONSOLE: {Medium.SMS, Medium.WHATSAPP, Medium.VOICE},
}


def sender_digest(e164: str) -> str:
    """Return the blind index of a sender's number (conversations are found by it)."""
    return crypto.blind_index(INDEX_SENDER, e164)


# --- configuration ---------------------------------------------------------------------------


@transaction.atomic
def channel_create(
    actor: Actor | None,
    *,
    organisation: Organisation,
    name: str,
    provider: str,
    medium: str,
    address: str,
    credentials: dict[str, Any],
    rate_per_minute: int = 60,
    self_service: bool = True,
    voice_mode: str = VoiceMode.MISSED_CALL,
    source: str = Source.CLI,
) -> Channel:
    """Configure a provider channel for an organisation; the credentials are stored encrypted.

    `actor` is None when an administrator runs `panah channels add` on the server.
    """
    if provider not in PROVIDER_MEDIA or medium not in PROVIDER_MEDIA[Provider(provider)]:
        raise DomainError(_("This provider does not carry this medium."))
    module = provider_for(provider)
    missing = [key for key in module.required_credentials if not credentials.get(key)]
    if missing:
        raise DomainError(
            _("These credentials are missing: %(keys)s.") % {"keys": ", ".join(missing)}
        )
    address = address.strip()
    if provider == Provider.META_WHATSAPP:
        if not address.isdigit():
            raise DomainError(_("A WhatsApp Cloud channel's address is Meta's phone-number id."))
    else:
        e164 = sender_e164(address)
        if e164 is None:
            raise DomainError(_("Enter the channel's number in international form (+92…)."))
        address = e164
    if rate_per_minute < 1:
        raise DomainError(_("The rate limit must be at least one message a minute."))
    if voice_mode == VoiceMode.MENU and (provider, medium) != (Provider.TWILIO, Medium.VOICE):
        raise DomainError(_("Only a Twilio voice channel can answer calls with the voice menu."))
    channel = Channel(
        organisation=organisation,
        name=name.strip() or f"{provider} {medium}",
        provider=provider,
        medium=medium,
        address=address,
        credentials=json.dumps(credentials),
        rate_per_minute=rate_per_minute,
        self_service=self_service,
        voice_mode=voice_mode,
    )
    channel.full_clean()
    channel.save(force_insert=True)
    audit_record_write(
        actor, channel, action=Action.CREATE, fields=["credentials", "address"], source=source
    )
    return channel


@transaction.atomic
def channel_deactivate(actor: Actor | None, channel: Channel, *, source: str = Source.CLI) -> None:
    """Stop a channel: its webhook answers 404 and nothing more is sent through it."""
    Channel.objects.filter(pk=channel.pk).update(is_active=False)
    channel.is_active = False
    # This process stops answering at once; other server processes within
    # PANAH_CHANNELS_WEBHOOK_CACHE_SECONDS (selectors.channel_for_webhook).
    selectors.forget_webhook_channels()
    transaction.on_commit(selectors.forget_webhook_channels)
    audit_record_write(actor, channel, action=Action.UPDATE, fields=["is_active"], source=source)


def channel_webhook_urls(channel: Channel) -> dict[str, str]:
    """Return the public URLs to give the provider: messages, and delivery statuses."""
    base = settings.PANAH_BASE_URL.rstrip("/")
    urls = {
        "messages": base + reverse("channels:webhook", kwargs={"slug": channel.webhook_slug}),
        "statuses": base + reverse("channels:status", kwargs={"slug": channel.webhook_slug}),
    }
    if channel.voice_mode == VoiceMode.MENU:
        # Twilio's "call status changes" URL: how a caller hanging up mid-menu is called back.
        slug = channel.webhook_slug
        urls["calls"] = base + reverse("channels:voice_status", kwargs={"slug": slug})
    return urls


# --- inbound: the webhook hot path -----------------------------------------------------------


def inbound_receive(
    channel: Channel, event: InboundEvent, *, at: datetime.datetime | None = None
) -> InboundMessage | None:
    """Store one message from a provider and enqueue its processing, in one transaction.

    Return None when the provider already delivered this message id (a retry): nothing new is
    stored and nothing is enqueued. Two deliveries at the same moment meet at the unique
    constraint (channel, provider message id): the second waits for the first's commit, fails,
    and finds the first's row.
    """
    from panah.channels.tasks import inbound_process_batch  # noqa: PLC0415 - tasks import us

    message = InboundMessage(
        channel=channel,
        provider_message_id=event.provider_message_id,
        kind=event.kind,
        sender=event.sender,
        sender_digest=sender_digest(event.sender),
        text=event.text,
        received_at=at or timezone.now(),
    )
    stored = _inbound_store_postgresql(message)
    if stored is not None:
        return message if stored else None
    try:
        with transaction.atomic():
            message.save(force_insert=True)
            # The task row commits with the message: no message without its processing.
            inbound_process_batch.enqueue([str(message.pk)])
    except IntegrityError:
        duplicate = InboundMessage.objects.filter(
            channel=channel, provider_message_id=event.provider_message_id
        ).exists()
        if duplicate:
            return None
        raise
    return message


# A batch whose statement failed: each of its messages is written again alone, by its own
# thread on its own connection, so that one bad message or a broken connection fails no other.
_ALONE = object()
_inbound_groups: dict[str, GroupCommit[list[Any], Any]] = {}


def _inbound_store_postgresql(message: InboundMessage) -> bool | None:
    """Store the message and its processing task; True if stored, False if the provider
    already delivered this id, None on another database or if the task goes elsewhere (then
    the caller takes the ORM path).

    The ORM path costs two INSERTs, a transaction and `enqueue()`: most of a webhook's CPU.
    Here one statement writes the message and its task (see _inbound_write). Outside a
    transaction, messages that this process's webhook threads store at the same moment share
    that statement and its commit (panah.core.group_commit): under load, the cost of a round
    trip, a plan and a WAL flush is paid once for several messages, and their task is one row.
    Inside a transaction (a test, a caller's atomic block) the message is written alone, on
    this thread's connection, in that transaction.
    """
    # The wrapper itself, not the `connection` proxy: every attribute read through the proxy
    # is a context-local look-up, and this path reads a dozen.
    db = connections[router.db_for_write(InboundMessage)]
    if db.vendor != "postgresql":
        return None
    fields = InboundMessage._meta.local_concrete_fields
    row = [field.get_db_prep_save(field.pre_save(message, add=True), db) for field in fields]
    if db.in_atomic_block or settings.PANAH_CHANNELS_GROUP_COMMIT_MAX <= 1:
        return _inbound_write(db, [row])[0]
    group = _inbound_groups.get(db.alias)
    if group is None:
        group = _inbound_groups.setdefault(
            db.alias,
            GroupCommit(
                functools.partial(_inbound_write_batch, db.alias),
                max_batch=settings.PANAH_CHANNELS_GROUP_COMMIT_MAX,
            ),
        )
    outcome = group.submit(row)
    if outcome is _ALONE:
        return _inbound_write(db, [row])[0]
    return cast("bool | None", outcome)


def _inbound_write_batch(alias: str, rows: Sequence[list[Any]]) -> list[Any]:
    """GroupCommit's writer, run in the leading thread with its own connection."""
    db = connections[alias]
    if len(rows) == 1:
        return _inbound_write(db, rows)  # alone already: its error is its caller's
    try:
        return _inbound_write(db, rows)
    except DatabaseError as exc:
        # The class only: a database error's message may quote a value.
        logger.warning(
            "channels: a batch of %d messages failed (%s); each is written alone",
            len(rows),
            type(exc).__name__,
        )
        return [_ALONE] * len(rows)


def _inbound_write(db: Any, rows: Sequence[list[Any]]) -> list[bool | None]:
    """Write messages (prepared field values) and one processing task for those stored, in one
    statement; for each, whether it was stored (False: the provider's id was already there),
    or None for each if the task goes to another backend or database.

    A single `INSERT … ON CONFLICT DO NOTHING` of the messages feeds the task's INSERT, so the
    messages and their task commit together or nothing is written, in one round trip; a
    retry (even one running at the same moment: it waits for the first's commit, and a retry
    in the same batch meets the first row in the same statement) inserts nothing and raises
    nothing. The task row is what `inbound_process_batch.enqueue(ids)` would write
    (panah.core.task_rows), its ids those of the messages actually stored.
    """
    from panah.channels.tasks import inbound_process_batch  # noqa: PLC0415 - tasks import us

    task_row = database_task_row(inbound_process_batch, None, db)
    if task_row is None:
        return [None] * len(rows)
    task_values = [
        value
        for column, value in zip(task_row.columns, task_row.values, strict=True)
        if column != task_row.args_column
    ]
    sql = _inbound_sql(
        db.alias, task_row.table, tuple(task_row.columns), task_row.args_column, len(rows)
    )
    with _server_binding_cursor(db) as cursor:
        cursor.execute(sql, [value for row in rows for value in row] + task_values)
        stored = {pk for (pk,) in cursor.fetchall()}
    at = _inbound_pk_index()
    return [row[at] in stored for row in rows]


@functools.cache
def _inbound_pk_index() -> int:
    return next(
        i for i, f in enumerate(InboundMessage._meta.local_concrete_fields) if f.primary_key
    )


@functools.cache
def _inbound_sql(
    alias: str, task_table: str, task_columns: tuple[str, ...], args_column: str, count: int
) -> str:
    """The statement of `_inbound_write` for count messages, built once per database, task
    table and count."""
    quote = connections[alias].ops.quote_name
    fields = InboundMessage._meta.local_concrete_fields
    columns = ", ".join(quote(str(field.column)) for field in fields)
    unique = ", ".join(
        quote(str(field.column)) for field in fields if field.name in INBOUND_UNIQUE_FIELDS
    )
    pk = quote(str(InboundMessage._meta.pk.column))  # type: ignore[union-attr]
    one = f"({', '.join(['%s'] * len(fields))})"
    # What normalize_json({"args": [ids], "kwargs": {}}) stores: the ids of the rows stored.
    arguments = (
        f"jsonb_build_object('args', jsonb_build_array(jsonb_agg(stored.{pk}::text)), "
        "'kwargs', '{}'::jsonb)"
    )
    task_select = ", ".join(arguments if c == args_column else "%s" for c in task_columns)
    # Identifiers come from the models' metadata, quoted; every value is a parameter.
    return (
        f"WITH stored AS (INSERT INTO {quote(InboundMessage._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES {', '.join([one] * count)} "
        f"ON CONFLICT ({unique}) DO NOTHING RETURNING {pk}), "
        f"task AS (INSERT INTO {quote(task_table)} ({', '.join(quote(c) for c in task_columns)}) "
        f"SELECT {task_select} FROM stored HAVING count(*) > 0 RETURNING 1) "
        f"SELECT {pk} FROM stored"
    )


def _server_binding_cursor(db: Any) -> Any:
    """A cursor of `db` that sends parameters apart from the SQL (Django's `server_side_binding`
    option, for this statement only).

    Django's default psycopg cursor quotes every parameter into the SQL text in Python: for
    this statement's thirty parameters, 0.32 ms of CPU against 0.23 ms with the parameters sent
    apart (benchmarks/results.md). Through Django's own cursor wrapper,
    so query logging, execute wrappers and thread checks still apply; nothing is prepared (the
    connection's prepare_threshold stays Django's: none, for connection poolers).
    """
    from django.db.backends.postgresql.base import ServerBindingCursor  # noqa: PLC0415

    db.ensure_connection()
    db.validate_thread_sharing()
    raw = ServerBindingCursor(db.connection)  # type: ignore[call-arg]  # psycopg: (connection)
    return db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)


def status_receive(channel: Channel, event: StatusEvent) -> bool:
    """Apply a delivery report to the channel's organisation's message; never backwards."""
    return message_status_update(
        channel.organisation_id,
        provider_id=event.provider_message_id,
        status=event.status,
        error=event.error,
    )


# --- inbound: processing (a background task) -------------------------------------------------


def _is_dispatch_reply(inbound: InboundMessage) -> bool:
    """An advocate's YES/NO/HERE/ON/OFF: the dispatch service answers it, not an operator."""
    if inbound.kind != InboundMessage.Kind.TEXT or parse_reply(inbound.text).verb == "unknown":
        return False
    return dispatch_services.advocate_by_phone(inbound.sender) is not None


def _open_conversation(inbound: InboundMessage) -> Conversation:
    """Return the sender's open conversation on this channel, locked, or start one."""
    channel = inbound.channel
    open_ones = Conversation.objects.select_for_update().filter(
        channel=channel, sender_digest=inbound.sender_digest
    )
    conversation = open_ones.exclude(state=Conversation.State.CLOSED).first()
    if conversation is not None:
        return conversation
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                organisation_id=channel.organisation_id,
                channel=channel,
                sender=inbound.sender,
                sender_digest=inbound.sender_digest,
                last_message_at=inbound.received_at,
            )
    except IntegrityError:
        # Another worker started it a moment ago (one open conversation per sender).
        return open_ones.exclude(state=Conversation.State.CLOSED).get()
    audit_record_write(None, conversation, action=Action.CREATE, source=Source.TASK)
    return conversation


def conversation_route(conversation: Conversation, message: Message) -> None:
    """Decide who answers a person's new message in a conversation.

    The one place the refugee line's routing lives:
    - a conversation an operator has claimed stays with them (the line keeps quiet);
    - a text message otherwise goes to the self-service line (panah.selfservice) if the
      channel has it on; its replies are sent on the same channel and recorded in the
      conversation. When the line
      hands over ("talk to a person", an arrest reported, anything it cannot do) the
      conversation waits for an operator; an urgent case it opened is linked (its person and
      its helpline contact);
    - calls, pictures and voice notes, and any failure of the line, go to the operators:
      a person's message is never left unanswered because a flow broke.

    Called inside `inbound_process`'s transaction, with the conversation row locked.
    """
    if conversation.state == Conversation.State.CLAIMED:
        return
    channel = conversation.channel
    if (
        channel.self_service
        and message.kind == InboundMessage.Kind.TEXT
        and channel.medium != Medium.VOICE
    ):
        try:
            with transaction.atomic():
                handed_over = _self_service(conversation, message)
        except Exception as exc:
            # Rolled back to the savepoint. The class only, as inbound_process logs: an
            # exception's message or traceback may carry the person's text or number.
            logger.error(
                "channels: the self-service line failed (%s); an operator answers",
                type(exc).__name__,
            )
            handed_over = True
        if not handed_over:
            return
    if conversation.state != Conversation.State.WAITING:
        conversation.state = Conversation.State.WAITING
        conversation.save(update_fields=["state", "updated_at"])


def _self_service(conversation: Conversation, message: Message) -> bool:
    """Let the self-service line answer; return whether the conversation is for an operator."""
    from panah.selfservice.services import session_handle  # noqa: PLC0415 (see below)

    # Imported here: selfservice imports the helpline and cases, which import channels'
    # neighbours; a module-level import would tie channels' start-up to the whole line.
    channel = conversation.channel
    result = session_handle(
        organisation=channel.organisation,
        medium=channel.medium,
        sender_e164=conversation.sender,
        text=message.text,
        now=message.created_at,
    )
    fields: list[str] = []
    for text in result.texts:
        _queue_line_reply(conversation, text)
    if result.texts:
        fields.append("last_message_at")
    if result.case_id is not None:
        from panah.helpline.models import Contact  # noqa: PLC0415

        contact = Contact.objects.filter(case_id=result.case_id).order_by("started_at").first()
        if contact is not None and conversation.contact_id is None:
            conversation.contact = contact
            conversation.person_id = contact.person_id
            fields += ["contact", "person"]
    if not result.handoff:
        # Answered by the line: nothing for the operators to read.
        conversation.unread_count = 0
        fields.append("unread_count")
    if fields:
        conversation.save(update_fields=[*fields, "updated_at"])
    return result.handoff


def _queue_line_reply(conversation: Conversation, text: str) -> Message:
    """Queue one reply of the self-service line on the conversation's channel and record it."""
    channel = conversation.channel
    outbound = message_queue(
        channel.organisation,
        to=conversation.sender,
        body=text,
        purpose="selfservice.reply",
        channel=channel.medium,
        via=channel,
    )
    now = timezone.now()
    conversation.last_message_at = max(conversation.last_message_at, now)  # saved by the caller
    return Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        text=text,
        created_at=now,
        outbound=outbound,
    )


def _inbound_process(inbound_id: str) -> InboundMessage | None:
    with transaction.atomic():
        inbound = (
            InboundMessage.objects.select_for_update()
            .select_related("channel")
            .filter(pk=inbound_id, state=InboundMessage.State.RECEIVED)
            .first()
        )
        if inbound is None:
            return None
        inbound.attempts += 1
        inbound.processed_at = timezone.now()
        if _is_dispatch_reply(inbound):
            inbound.state = InboundMessage.State.DISPATCH
            inbound.save(update_fields=["state", "attempts", "processed_at"])
            dispatch_services.inbound_reply_handle(
                inbound.sender, inbound.text, channel=inbound.channel.medium, at=inbound.received_at
            )
            return inbound
        conversation = _open_conversation(inbound)
        message = Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.INBOUND,
            kind=inbound.kind,
            text=inbound.text,
            created_at=inbound.received_at,
            inbound=inbound,
        )
        conversation.unread_count += 1
        conversation.last_message_at = max(conversation.last_message_at, inbound.received_at)
        conversation.save(update_fields=["unread_count", "last_message_at", "updated_at"])
        inbound.state = InboundMessage.State.PROCESSED
        inbound.save(update_fields=["state", "attempts", "processed_at"])
        conversation_route(conversation, message)
        if inbound.kind == InboundMessage.Kind.CALL:
            # A missed call (rejected as busy): someone rings the caller back.
            callback_queue(
                inbound.channel,
                caller=inbound.sender,
                reason=CallbackRequest.Reason.MISSED_CALL,
                at=inbound.received_at,
            )
        return inbound


def _retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(30 * 2 ** (attempts - 1), 900))


def inbound_process(inbound_id: str) -> InboundMessage | None:
    """Thread a received message into its conversation (or hand an advocate's reply to
    dispatch), then route it. Safe to run twice: only a message still "received" is processed.

    A failure rolls the work back, counts the attempt and tries again later with back-off; after
    MAX_PROCESS_ATTEMPTS the message is marked failed (still stored, for a person to look at).
    The log gets the message id and the exception's class, never its text.
    """
    from panah.channels.tasks import inbound_process as task  # noqa: PLC0415

    try:
        return _inbound_process(inbound_id)
    except Exception as exc:  # noqa: BLE001 - any failure is counted and retried, not lost
        with transaction.atomic():
            inbound = (
                InboundMessage.objects.select_for_update()
                .filter(pk=inbound_id, state=InboundMessage.State.RECEIVED)
                .first()
            )
            if inbound is None:
                return None
            inbound.attempts += 1
            inbound.last_error = type(exc).__name__[:100]
            if inbound.attempts >= MAX_PROCESS_ATTEMPTS:
                inbound.state = InboundMessage.State.FAILED
            else:
                task.using(run_after=timezone.now() + _retry_delay(inbound.attempts)).enqueue(
                    str(inbound.pk)
                )
            inbound.save(update_fields=["attempts", "last_error", "state"])
        logger.warning(
            "inbound %s processing failed (%s), attempt %d",
            inbound_id,
            type(exc).__name__,
            inbound.attempts,
        )
        return inbound


# --- outbound --------------------------------------------------------------------------------


def _channel_for_outbound(message: OutboundMessage) -> Channel | None:
    """The channel named on the message if still active, else the organisation's active
    channel for the medium (the oldest). Locked: sends through one channel go one at a time,
    which is what makes its rate limit exact."""
    channels = Channel.objects.select_for_update().filter(is_active=True)
    if message.via_id is not None:
        chosen = channels.filter(pk=message.via_id).first()
        if chosen is not None:
            return chosen
    return (
        channels.filter(organisation_id=message.organisation_id, medium=message.channel)
        .order_by("created_at")
        .first()
    )


def _rate_check(channel: Channel, now: datetime.datetime) -> None:
    recent = OutboundMessage.objects.filter(via=channel, sent_at__gte=now - RATE_WINDOW).aggregate(
        sent=Count("pk"), oldest=Min("sent_at")
    )
    if recent["sent"] >= channel.rate_per_minute:
        raise RateLimited("channels: rate limit", retry_at=recent["oldest"] + RATE_WINDOW)


def outbound_send(message: OutboundMessage) -> str:
    """Send one queued message through its provider channel; return the provider's id.

    Called by `messaging.services.message_send` (through `backends.ChannelBackend`) inside its
    transaction, with the message locked. Records the channel on the message (`via`, `backend`);
    raises `RateLimited` when the channel has used its minute, `SendError` when no channel is
    configured or the provider failed, `PermanentSendError` when the provider refused for good.
    """
    channel = _channel_for_outbound(message)
    if channel is None:
        raise SendError("channels: no active channel for this medium")
    _rate_check(channel, timezone.now())
    message.via = channel
    message.backend = channel.provider
    status_url = channel_webhook_urls(channel)["statuses"]
    return provider_for(channel.provider).send(channel, message, status_url=status_url)


# --- conversations: what operators do --------------------------------------------------------


def _locked(actor: Actor, conversation: Conversation) -> Conversation:
    """Re-read the conversation under a row lock, within the actor's organisation."""
    actor.require(Capability.CONTACT_LOG)
    locked = (
        Conversation.objects.select_for_update()
        .select_related("channel")
        .filter(pk=conversation.pk, organisation_id=actor.organisation_id)
        .first()
    )
    if locked is None:
        raise NotFound
    return locked


def _link_person_and_contact(actor: Actor, conversation: Conversation) -> list[str]:
    """On first claim: link the one person with this phone, and log the helpline contact."""
    changed = []
    try:
        e164 = normalise_phone(conversation.sender)
    except DomainError:
        e164 = ""  # a number outside Pakistan and Afghanistan: no person has it on file
    if conversation.person_id is None and e164:
        matches = list(
            people_by_key(actor, kind=SearchKey.Kind.PHONE, digest=phone_digest(e164))
            .distinct()
            .values_list("pk", flat=True)[:2]
        )
        if len(matches) == 1:
            conversation.person_id = matches[0]
            changed.append("person")
    if conversation.contact_id is None:
        medium = conversation.channel.medium
        contact = contact_log(
            actor,
            channel="call" if medium == Medium.VOICE else medium,
            language=actor.user.language or settings.LANGUAGE_CODE,
            caller_phone=e164,
            caller=conversation.person,
            started_at=conversation.created_at,
        )
        conversation.contact = contact
        changed.append("contact")
    return changed


@transaction.atomic
def conversation_claim(actor: Actor, conversation: Conversation) -> Conversation:
    """Take a conversation: it is the actor's to answer, and its helpline contact is logged.

    Two operators claiming at once meet at the row lock: the second is told it is taken.
    """
    conversation = _locked(actor, conversation)
    if conversation.state == Conversation.State.CLOSED:
        raise DomainError(_("This conversation is closed."))
    if (
        conversation.state == Conversation.State.CLAIMED
        and conversation.assigned_to_id != actor.user.pk
    ):
        raise DomainError(_("Another operator is already answering this conversation."))
    conversation.state = Conversation.State.CLAIMED
    conversation.assigned_to = actor.user
    conversation.unread_count = 0
    linked = _link_person_and_contact(actor, conversation)
    fields = ["state", "assigned_to", "unread_count", *linked]
    conversation.save(update_fields=[*fields, "updated_at"])
    audit_record_write(actor, conversation, action=Action.UPDATE, fields=fields)
    return conversation


@transaction.atomic
def conversation_reply(actor: Actor, conversation: Conversation, text: str) -> Message:
    """Answer the person on the channel they wrote on (claiming the conversation if free).

    The reply is queued (messaging sends it with retries); a call is answered by SMS.
    """
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write a reply first."))
    if len(text) > MAX_REPLY:
        raise DomainError(
            _("A reply can be at most %(count)d characters long.") % {"count": MAX_REPLY}
        )
    conversation = _locked(actor, conversation)
    if conversation.state == Conversation.State.CLOSED:
        raise DomainError(_("This conversation is closed."))
    if conversation.assigned_to_id not in (None, actor.user.pk):
        raise DomainError(_("Another operator is already answering this conversation."))
    channel = conversation.channel
    if channel.medium == Medium.VOICE:
        outbound = message_queue(
            channel.organisation, to=conversation.sender, body=text, purpose="channels.reply"
        )
    else:
        outbound = message_queue(
            channel.organisation,
            to=conversation.sender,
            body=text,
            purpose="channels.reply",
            channel=channel.medium,
            via=channel,
        )
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        text=text,
        created_at=now,
        outbound=outbound,
        author=actor.user,
    )
    fields = ["last_message_at", "unread_count"]
    conversation.last_message_at = max(conversation.last_message_at, now)
    conversation.unread_count = 0
    if conversation.state != Conversation.State.CLAIMED:
        conversation.state = Conversation.State.CLAIMED
        conversation.assigned_to = actor.user
        fields += ["state", "assigned_to", *_link_person_and_contact(actor, conversation)]
    conversation.save(update_fields=[*fields, "updated_at"])
    audit_record_write(actor, message, action=Action.CREATE, fields=["text"])
    return message


@transaction.atomic
def conversation_close(actor: Actor, conversation: Conversation) -> Conversation:
    """Close a conversation; the person's next message starts a new one."""
    conversation = _locked(actor, conversation)
    if conversation.state != Conversation.State.CLOSED:
        conversation.state = Conversation.State.CLOSED
        conversation.closed_at = timezone.now()
        conversation.unread_count = 0
        conversation.save(update_fields=["state", "closed_at", "unread_count", "updated_at"])
        audit_record_write(actor, conversation, action=Action.UPDATE, fields=["state"])
    return conversation


@transaction.atomic
def conversation_mark_read(actor: Actor, conversation: Conversation) -> None:
    """Mark a conversation's messages as read by the operators (unread count back to 0)."""
    actor.require(Capability.CONTACT_VIEW)
    Conversation.objects.filter(pk=conversation.pk, organisation_id=actor.organisation_id).update(
        unread_count=0
    )


# --- call-backs ------------------------------------------------------------------------------

# When a caller's open request gets another reason, the weightier one stays.
_REASON_WEIGHT = {
    CallbackRequest.Reason.MISSED_CALL: 0,
    CallbackRequest.Reason.HUNG_UP: 1,
    CallbackRequest.Reason.MENU_FAILED: 2,
    CallbackRequest.Reason.VOICEMAIL: 3,
    CallbackRequest.Reason.ARREST_REPORT: 4,
}
CALLBACK_OUTCOMES = (
    CallbackRequest.State.DONE,
    CallbackRequest.State.NO_ANSWER,
    CallbackRequest.State.WRONG_NUMBER,
)
MAX_CALLBACK_NOTE = 1000


def callback_queue(
    channel: Channel,
    *,
    caller: str,
    reason: str,
    at: datetime.datetime,
    recording_url: str = "",
    case: Any = None,
    request: CallbackRequest | None = None,
    source: str = Source.TASK,
) -> CallbackRequest:
    """Queue a call-back for a caller, or add this call to their open request.

    One open (pending or claimed) request per caller and organisation: another call while it
    is open counts on it (`calls`, `last_at`, due again at once) and a weightier reason, a
    recording or a case replaces what it had. `request` is the one this same call queued
    before (a voicemail that arrives after the hang-up was reported): it is updated, not
    counted again. Two calls at once meet at the partial unique index; the second adds to the
    first's row.
    """
    digest = sender_digest(caller)
    open_ones = CallbackRequest.objects.select_for_update().filter(
        organisation_id=channel.organisation_id,
        caller_digest=digest,
        state__in=CallbackRequest.OPEN_STATES,
    )
    existing = open_ones.first()
    if existing is None:
        try:
            with transaction.atomic():
                created = CallbackRequest.objects.create(
                    organisation_id=channel.organisation_id,
                    channel=channel,
                    caller=caller,
                    caller_digest=digest,
                    reason=reason,
                    recording_url=recording_url,
                    case=case,
                    requested_at=at,
                    last_at=at,
                )
        except IntegrityError:
            existing = open_ones.get()
        else:
            fields = ["caller", "reason"] + (["recording_url"] if recording_url else [])
            audit_record_write(None, created, action=Action.CREATE, fields=fields, source=source)
            return created
    fields = []
    if request is None or request.pk != existing.pk:
        existing.calls += 1
        existing.last_at = max(existing.last_at, at)
        existing.next_attempt_at = None  # calling again: reachable now
        fields += ["calls", "last_at", "next_attempt_at"]
    if (
        _REASON_WEIGHT[CallbackRequest.Reason(reason)]
        > _REASON_WEIGHT[CallbackRequest.Reason(existing.reason)]
    ):
        existing.reason = reason
        fields.append("reason")
    if recording_url and recording_url != existing.recording_url:
        existing.recording_url = recording_url
        fields.append("recording_url")
    if case is not None and existing.case_id is None:
        existing.case = case
        fields.append("case")
    if fields:
        existing.save(update_fields=[*fields, "updated_at"])
        audit_record_write(None, existing, action=Action.UPDATE, fields=fields, source=source)
    return existing


def _callback_locked(actor: Actor, request: CallbackRequest) -> CallbackRequest:
    """Re-read a call-back under a row lock, within the actor's organisation."""
    actor.require(Capability.CONTACT_LOG)
    locked = (
        CallbackRequest.objects.select_for_update()
        .filter(pk=request.pk, organisation_id=actor.organisation_id)
        .first()
    )
    if locked is None:
        raise NotFound
    return locked


def _callback_open_for(actor: Actor, request: CallbackRequest) -> None:
    if request.state not in CallbackRequest.OPEN_STATES:
        raise DomainError(_("This call-back is already closed."))
    if request.state == CallbackRequest.State.CLAIMED and request.claimed_by_id != actor.user.pk:
        raise DomainError(_("Another operator is already calling this person back."))


@transaction.atomic
def callback_claim(actor: Actor, request: CallbackRequest) -> CallbackRequest:
    """Take a call-back: the actor calls the person and sees their number in full.

    Two operators claiming at once meet at the row lock: the second is told it is taken.
    """
    request = _callback_locked(actor, request)
    _callback_open_for(actor, request)
    if request.state != CallbackRequest.State.CLAIMED:
        request.state = CallbackRequest.State.CLAIMED
        request.claimed_by = actor.user
        request.claimed_at = timezone.now()
        request.save(update_fields=["state", "claimed_by", "claimed_at", "updated_at"])
        audit_record_write(actor, request, action=Action.UPDATE, fields=["state", "claimed_by"])
    return request


@transaction.atomic
def callback_record_outcome(
    actor: Actor, request: CallbackRequest, outcome: str, note: str = ""
) -> CallbackRequest:
    """Record how a call-back went: done, no answer, or a wrong number.

    Each outcome counts an attempt. "No answer" puts the request back in the queue, due again
    after PANAH_CALLBACK_RETRY_MINUTES, until PANAH_CALLBACK_MAX_ATTEMPTS attempts have gone
    unanswered; then it is closed as such. A pending request may be answered without a claim.
    """
    if outcome not in CALLBACK_OUTCOMES:
        raise DomainError(_("Choose how the call went."))
    note = (note or "").strip()
    if len(note) > MAX_CALLBACK_NOTE:
        raise DomainError(
            _("A note can be at most %(count)d characters long.") % {"count": MAX_CALLBACK_NOTE}
        )
    request = _callback_locked(actor, request)
    _callback_open_for(actor, request)
    now = timezone.now()
    request.attempts += 1
    fields = ["attempts", "state", "claimed_by", "claimed_at", "next_attempt_at", "done_at"]
    if note:
        request.outcome_note = note
        fields.append("outcome_note")
    if (
        outcome == CallbackRequest.State.NO_ANSWER
        and request.attempts < settings.PANAH_CALLBACK_MAX_ATTEMPTS
    ):
        request.state = CallbackRequest.State.PENDING
        request.claimed_by = None
        request.claimed_at = None
        request.next_attempt_at = now + datetime.timedelta(
            minutes=settings.PANAH_CALLBACK_RETRY_MINUTES
        )
    else:
        request.state = outcome
        request.claimed_by = actor.user
        request.claimed_at = request.claimed_at or now
        request.next_attempt_at = None
        request.done_at = now
    request.save(update_fields=[*fields, "updated_at"])
    audit_record_write(actor, request, action=Action.UPDATE, fields=fields)
    return request
