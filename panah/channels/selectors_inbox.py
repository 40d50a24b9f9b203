"""Reads for the operators' shared inbox, scoped to the acting operator's organisation.

Live updates poll (docs/channels.md, "The operators' inbox"): every few seconds a browser asks
"has anything changed since version V?". The versions here are computed from ids, states,
counts and timestamps only — no decryption, no audit — so an unchanged inbox or thread costs a
couple of index reads and answers 204. Only when the version moved are rows decrypted, and a
thread's read audited.
"""

from __future__ import annotations

import enum
import hashlib
import uuid
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from panah.accounts.selectors import Actor
from panah.audit.services import Action, Source, audit_record
from panah.cases.selectors import case_scope
from panah.channels.models import Conversation, Message
from panah.core.access import Capability
from panah.core.errors import NotFound


class Tab(enum.StrEnum):
    WAITING = "waiting"  # waiting for an operator: the default
    MINE = "mine"  # claimed by the acting operator
    ALL = "all"  # every open conversation, whoever has it
    LINE = "line"  # with the self-service line (no operator needed yet)
    CLOSED = "closed"


def _version(*parts: object) -> str:
    """A short digest of what a page shows, for "changed since?" questions (not a secret)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def _parse(conversation_id: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(conversation_id))
    except ValueError:
        raise NotFound from None


# --- the list ----------------------------------------------------------------------------------


def conversation_inbox_for(actor: Actor, *, tab: str = Tab.WAITING) -> QuerySet[Conversation]:
    """Return one tab of the organisation's inbox, latest message first (lazy, for paging).

    Loads only what a row shows: the sender (decrypted, to be masked), the channel's medium,
    who claimed it and the linked person's names.
    """
    actor.require(Capability.CONTACT_VIEW)
    qs = Conversation.objects.filter(organisation_id=actor.organisation_id)
    if tab == Tab.MINE:
        qs = qs.filter(state=Conversation.State.CLAIMED, assigned_to_id=actor.user.pk)
    elif tab == Tab.ALL:
        qs = qs.exclude(state=Conversation.State.CLOSED)
    elif tab == Tab.LINE:
        qs = qs.filter(state=Conversation.State.OPEN)
    elif tab == Tab.CLOSED:
        qs = qs.filter(state=Conversation.State.CLOSED)
    else:
        qs = qs.filter(state=Conversation.State.WAITING)
    return (
        qs.select_related("channel", "assigned_to", "person")
        .only(
            "id",
            "state",
            "sender",
            "unread_count",
            "last_message_at",
            "channel__name",
            "channel__medium",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "person__given_name",
            "person__family_name",
            "person__given_name_native",
            "person__family_name_native",
        )
        .order_by("-last_message_at", "-pk")
    )


@dataclass(frozen=True)
class InboxCounts:
    waiting: int  # conversations waiting for an operator
    mine: int  # conversations the actor has claimed
    with_line: int  # conversations the self-service line is handling
    unread: int  # unread messages in all open conversations (the navigation's badge)


def conversation_inbox_counts_for(actor: Actor) -> InboxCounts:
    """Return the tabs' counts and the unread total of the organisation's open conversations,
    in one aggregate query."""
    actor.require(Capability.CONTACT_VIEW)
    row = (
        Conversation.objects.filter(organisation_id=actor.organisation_id)
        .exclude(state=Conversation.State.CLOSED)
        .aggregate(
            waiting=Count("pk", filter=Q(state=Conversation.State.WAITING)),
            mine=Count(
                "pk", filter=Q(state=Conversation.State.CLAIMED, assigned_to_id=actor.user.pk)
            ),
            with_line=Count("pk", filter=Q(state=Conversation.State.OPEN)),
            unread=Sum("unread_count"),
        )
    )
    return InboxCounts(
        waiting=row["waiting"] or 0,
        mine=row["mine"] or 0,
        with_line=row["with_line"] or 0,
        unread=int(row["unread"] or 0),
    )


def conversation_inbox_version_for(
    actor: Actor, page_rows: QuerySet[Conversation], counts: InboxCounts, *, page_key: str
) -> str:
    """Return the version of one inbox page: it changes whenever a row it shows, a count or
    the unread total changes. One query over the page's rows; nothing decrypted.

    Read it *before* the rows are rendered: a change landing in between then makes the next
    poll render again, instead of being missed.
    """
    actor.require(Capability.CONTACT_VIEW)
    rows = list(
        page_rows.values_list(
            "pk", "state", "unread_count", "last_message_at", "assigned_to_id", "person_id"
        )
    )
    return _version(page_key, counts, rows)


# --- one conversation -------------------------------------------------------------------------


def conversation_thread_version_for(actor: Actor, conversation_id: object) -> str:
    """Return the version of a conversation's page: its state, who has it, what it is linked
    to, and each message with its delivery status. Two queries; nothing decrypted, not audited
    (nothing personal is read). A missing or another organisation's id raises NotFound.
    """
    actor.require(Capability.CONTACT_VIEW)
    head = (
        Conversation.objects.filter(
            pk=_parse(conversation_id), organisation_id=actor.organisation_id
        )
        .values_list("pk", "state", "assigned_to_id", "person_id", "contact_id", "closed_at")
        .first()
    )
    if head is None:
        raise NotFound
    messages = list(
        Message.objects.filter(conversation_id=head[0])
        .order_by("created_at", "id")
        .values_list("pk", "outbound__status")
    )
    return _version(head, messages)


def conversation_for_write(actor: Actor, conversation_id: object) -> Conversation:
    """Return a conversation the actor is about to act on (claim, reply, close), unaudited:
    the service that acts audits the write. Another organisation's id raises NotFound."""
    actor.require(Capability.CONTACT_LOG)
    conversation = (
        Conversation.objects.filter(
            pk=_parse(conversation_id), organisation_id=actor.organisation_id
        )
        .only("id", "organisation_id")
        .first()
    )
    if conversation is None:
        raise NotFound
    return conversation


def conversation_case_reference_for(actor: Actor, conversation: Conversation) -> str | None:
    """Return the reference of the case the conversation's helpline contact is about, if the
    actor may see that case (None otherwise)."""
    actor.require(Capability.CONTACT_VIEW)
    contact = conversation.contact
    if contact is None or contact.case_id is None:
        return None
    reference: str | None = (
        case_scope(actor).filter(pk=contact.case_id).values_list("reference", flat=True).first()
    )
    return reference


def conversation_language_for(conversation: Conversation) -> str | None:
    """Return the language the person chose on the self-service line, if they ever did."""
    from panah.selfservice.selectors import session_language_for  # noqa: PLC0415

    # Imported here, as channels' services import the line: see `_self_service`.
    return session_language_for(
        conversation.organisation_id,
        medium=conversation.channel.medium,
        sender_e164=conversation.sender,
    )


def conversation_sender_reveal_for(
    actor: Actor, conversation_id: object, *, source: str = Source.WEB
) -> Conversation:
    """Return a conversation whose sender's number the actor asked to see in full.

    Pages show the number masked (SECURITY.md DP-9); each reveal is its own audit entry.
    """
    actor.require(Capability.CONTACT_VIEW)
    conversation = (
        Conversation.objects.filter(
            pk=_parse(conversation_id), organisation_id=actor.organisation_id
        )
        .only("id", "sender", "organisation_id")
        .first()
    )
    if conversation is None:
        raise NotFound
    audit_record(
        actor,
        action=Action.VIEW,
        object_type="conversation",
        object_id=conversation.pk,
        fields=["sender"],
        source=source,
    )
    return conversation
