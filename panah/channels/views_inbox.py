"""The operators' shared inbox of the refugee line: the list, one conversation, its actions.

Live updates are htmx polling, not server-sent events: a small GET every POLL_SECONDS that
carries the version the page shows (`v`) and is answered 204 No Content — nothing to swap —
while nothing changed. Polling works through every proxy and on flaky field-office links,
holds no server worker per open page (an SSE stream would: Panah is a WSGI application), and
an unchanged answer is a few hundred bytes. (htmx 2 swaps a 304's empty body, so the cheap answer
is a 204 and the version travels in the query; it is a digest of ids and times, nothing
personal.)
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from panah.accounts.selectors import Actor, actor_for
from panah.channels import selectors, selectors_inbox, services
from panah.channels.models import Conversation
from panah.channels.quick_replies import (
    LANGUAGES,
    quick_replies_for,
    quick_reply_language,
    quick_reply_text,
)
from panah.channels.selectors_inbox import Tab
from panah.core.errors import DomainError

POLL_SECONDS = 5
PAGE_SIZE = 25
INBOX = "channels/inbox/inbox.html"
CONVERSATION = "channels/inbox/conversation.html"
LANGUAGE_NAMES = {"en": "English", "ur": "اردو", "ps": "پښتو", "fa": "دری"}


def _tab(request: HttpRequest) -> Tab:
    try:
        return Tab(request.GET.get("tab", Tab.WAITING))
    except ValueError:
        return Tab.WAITING


def _inbox_context(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    tab = _tab(request)
    paginator = Paginator(selectors_inbox.conversation_inbox_for(actor, tab=tab), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    counts = selectors_inbox.conversation_inbox_counts_for(actor)
    rows = cast(QuerySet[Conversation], page.object_list)  # a slice of the selector's QuerySet
    version = selectors_inbox.conversation_inbox_version_for(
        actor, rows, counts, page_key=f"{tab}:{page.number}:{paginator.count}"
    )
    return {
        "tab": tab,
        "tabs": [
            (Tab.WAITING, _("Waiting for an operator"), counts.waiting),
            (Tab.MINE, _("My conversations"), counts.mine),
            (Tab.ALL, _("All open"), None),
            (Tab.LINE, _("With the self-service line"), counts.with_line),
            (Tab.CLOSED, _("Closed"), None),
        ],
        "page": page,
        "counts": counts,
        "version": version,
        "poll_seconds": POLL_SECONDS,
    }


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The organisation's conversations, one tab at a time, polled for changes."""
    actor = actor_for(request.user)
    return render(request, INBOX, _inbox_context(request, actor))


@login_required
@require_GET
def inbox_rows(request: HttpRequest) -> HttpResponse:
    """The polled body of the inbox: 204 while unchanged since version `v`."""
    actor = actor_for(request.user)
    context = _inbox_context(request, actor)
    if request.GET.get("v") == context["version"]:
        return HttpResponse(status=204)
    return render(request, f"{INBOX}#body", {**context, "oob": True})


# --- one conversation --------------------------------------------------------------------------


def _quick_language(request: HttpRequest, actor: Actor, conversation: Conversation) -> str:
    """The language of the quick replies: the operator's pick, else the person's language on
    the self-service line, else the operator's own."""
    chosen = request.POST.get("quick_language") or request.GET.get("quick")
    if chosen in LANGUAGES:
        return str(chosen)
    person = selectors_inbox.conversation_language_for(conversation)
    return quick_reply_language(person or actor.user.language or get_language())


def _thread_context(
    actor: Actor, conversation_id: uuid.UUID, *, version: str | None = None
) -> dict[str, Any]:
    """Everything the thread shows (the read is audited, the conversation marked read). The
    version is read before the content (see selectors_inbox)."""
    if version is None:
        version = selectors_inbox.conversation_thread_version_for(actor, conversation_id)
    conversation = selectors.conversation_get_for(actor, conversation_id)
    if conversation.unread_count:
        services.conversation_mark_read(actor, conversation)
    return {
        "conversation": conversation,
        "thread": list(selectors.conversation_messages_for(actor, conversation)),
        "case_reference": selectors_inbox.conversation_case_reference_for(actor, conversation),
        "closed": conversation.state == Conversation.State.CLOSED,
        "version": version,
        "poll_seconds": POLL_SECONDS,
    }


def _reply_context(
    request: HttpRequest,
    actor: Actor,
    conversation: Conversation,
    *,
    text: str = "",
    errors: Any = (),
) -> dict[str, Any]:
    language = _quick_language(request, actor, conversation)
    return {
        "quick_language": language,
        "quick_replies": quick_replies_for(language),
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "text": text,
        "errors": list(errors),
    }


@login_required
@require_GET
def conversation_detail(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
    """One conversation: the thread (read audited, marked read), its actions and the reply."""
    actor = actor_for(request.user)
    context = _thread_context(actor, conversation_id)
    context.update(_reply_context(request, actor, context["conversation"]))
    return render(request, CONVERSATION, context)


@login_required
@require_GET
def conversation_thread(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
    """The polled thread: 204 while unchanged since version `v` (no read, no audit)."""
    actor = actor_for(request.user)
    version = selectors_inbox.conversation_thread_version_for(actor, conversation_id)
    if request.GET.get("v") == version:
        return HttpResponse(status=204)
    context = _thread_context(actor, conversation_id, version=version)
    return render(request, f"{CONVERSATION}#thread", context)


def _after_action(
    request: HttpRequest,
    actor: Actor,
    conversation_id: uuid.UUID,
    *,
    error: DomainError | None = None,
    text: str = "",
) -> HttpResponse:
    """Answer a claim, reply or close: htmx gets the thread and, out of band, the reply area
    (with the service's error, translated, if it refused); a plain form post is redirected."""
    if not getattr(request, "htmx", False):
        for message in error.messages if error else ():
            messages.error(request, message)
        return redirect("channels:conversation_detail", conversation_id=conversation_id)
    context = _thread_context(actor, conversation_id)
    errors = error.messages if error else ()
    context.update(
        _reply_context(request, actor, context["conversation"], text=text, errors=errors)
    )
    return render(request, f"{CONVERSATION}#after_action", {**context, "oob": True})


@login_required
@require_POST
def conversation_claim(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
    """ "I'll take this": the conversation is the operator's to answer."""
    actor = actor_for(request.user)
    conversation = selectors_inbox.conversation_for_write(actor, conversation_id)
    try:
        services.conversation_claim(actor, conversation)
    except DomainError as error:
        return _after_action(request, actor, conversation.pk, error=error)
    return _after_action(request, actor, conversation.pk)


@login_required
@require_POST
def conversation_reply(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
    """Send the typed reply, or the quick reply whose button was pressed (in the chosen
    language); the typed text stays in the box after a quick reply."""
    actor = actor_for(request.user)
    conversation = selectors_inbox.conversation_for_write(actor, conversation_id)
    typed = request.POST.get("text", "")
    quick = request.POST.get("quick", "")
    if quick:
        text = quick_reply_text(quick, _quick_language(request, actor, conversation)) or ""
        keep = typed
    else:
        text, keep = typed, ""
    try:
        if quick and not text:
            raise DomainError(_("This quick reply is not available."))
        services.conversation_reply(actor, conversation, text)
    except DomainError as error:
        return _after_action(request, actor, conversation.pk, error=error, text=typed)
    return _after_action(request, actor, conversation.pk, text=keep)


@login_required
@require_POST
def conversation_close(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
    """Close the conversation: the person's next message starts a new one."""
    actor = actor_for(request.user)
    conversation = selectors_inbox.conversation_for_write(actor, conversation_id)
    try:
        services.conversation_close(actor, conversation)
    except DomainError as error:
        return _after_action(request, actor, conversation.pk, error=error)
    if not getattr(request, "htmx", False):
        messages.success(request, _("The conversation is closed."))
    return _after_action(request, actor, conversation.pk)


@login_required
@require_POST
def conversation_number(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
    """Show the sender's number in full (audited); htmx swaps the masked number for it."""
    actor = actor_for(request.user)
    conversation = selectors_inbox.conversation_sender_reveal_for(actor, conversation_id)
    return render(
        request, f"{CONVERSATION}#number", {"conversation": conversation, "revealed": True}
    )
