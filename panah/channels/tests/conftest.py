"""Channels of organisation A (Twilio SMS, Twilio WhatsApp, Twilio voice, WhatsApp Cloud, an
HTTP gateway), signing helpers that sign the way each provider does, and a local HTTP server
that plays the providers' APIs."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from twilio.request_validator import RequestValidator

from panah.channels.services import channel_create, channel_webhook_urls
from panah.dispatch.tests.conftest import rota, urgent_case  # noqa: F401 - shared fixtures

BASE_URL = "https://panah.example.org"
TWILIO_SID = "AC" + "1" * 32
TWILIO_TOKEN = "twilio-auth-token-of-org-a"
META_SECRET = "meta-app-secret-of-org-a"
GATEWAY_SECRET = "gateway-hmac-secret-of-org-a"
OUR_NUMBER = "+923001110000"
META_PHONE_ID = "106540352242922"
REFUGEE = "+923451234567"


def run_task_worker() -> None:
    """Run django-tasks-db's real worker until no task is ready (needs committed rows)."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture(autouse=True)
def _public_url(settings: Any) -> None:
    # Panah is reached through a TLS proxy: providers sign this URL, not the test server's.
    settings.PANAH_BASE_URL = BASE_URL


def _make(org: Any, **fields: Any) -> Any:
    # Operators answer everything unless a test turns the self-service line on: most tests
    # here are about receiving and threading, not about the line's menus.
    fields.setdefault("self_service", False)
    return channel_create(None, organisation=org, **fields)


@pytest.fixture
def org(personas: dict[str, Any]) -> Any:
    return personas["a"]["org"]


@pytest.fixture
def twilio_sms(org: Any) -> Any:
    return _make(
        org,
        name="Quetta SMS",
        provider="twilio",
        medium="sms",
        address=OUR_NUMBER,
        credentials={"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN},
    )


@pytest.fixture
def twilio_voice(org: Any) -> Any:
    return _make(
        org,
        name="Quetta line",
        provider="twilio",
        medium="voice",
        address=OUR_NUMBER,
        credentials={"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN},
    )


@pytest.fixture
def meta_whatsapp(org: Any) -> Any:
    return _make(
        org,
        name="WhatsApp",
        provider="meta_whatsapp",
        medium="whatsapp",
        address=META_PHONE_ID,
        credentials={
            "app_secret": META_SECRET,
            "access_token": "meta-access-token",
            "verify_token": "meta-verify-token",
        },
    )


@pytest.fixture
def gateway(org: Any) -> Any:
    return _make(
        org,
        name="Aggregator SMS",
        provider="generic_http",
        medium="sms",
        address=OUR_NUMBER,
        credentials={
            "hmac_secret": GATEWAY_SECRET,
            "signature_header": "X-Gateway-Signature",
            "sender_field": "msisdn",
            "text_field": "message",
            "id_field": "msg_id",
        },
    )


def hook_path(channel: Any, *, status: bool = False) -> str:
    url = channel_webhook_urls(channel)["statuses" if status else "messages"]
    return url.removeprefix(BASE_URL)


def twilio_params(**overrides: str) -> dict[str, str]:
    params = {
        "AccountSid": TWILIO_SID,
        "MessageSid": "SM" + "a" * 32,
        "From": REFUGEE,
        "To": OUR_NUMBER,
        "Body": "سلام، میرا بھائی گرفتار ہو گیا ہے",
        "NumMedia": "0",
    }
    params.update(overrides)
    return params


def post_twilio(
    client: Any,
    channel: Any,
    params: dict[str, str],
    *,
    status: bool = False,
    token: str = TWILIO_TOKEN,
    sign_url: str | None = None,
    signature: str | None = None,
    body: bytes | None = None,
) -> Any:
    """POST a form exactly as Twilio does, signed with its own RequestValidator."""
    path = hook_path(channel, status=status)
    if signature is None:
        signature = RequestValidator(token).compute_signature(sign_url or BASE_URL + path, params)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.generic(
        "POST",
        path,
        body if body is not None else urlencode(params).encode(),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def meta_signature(body: bytes, secret: str = META_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def meta_payload(
    *, messages: list[dict[str, Any]] = (), statuses: list[dict[str, Any]] = ()
) -> bytes:  # type: ignore[assignment]
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "923001110000", "phone_number_id": META_PHONE_ID},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": "X"}, "wa_id": "923451234567"}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(payload, ensure_ascii=False).encode()


def meta_text(message_id: str, text: str, sender: str = "923451234567") -> dict[str, Any]:
    return {
        "from": sender,
        "id": message_id,
        "timestamp": "1764547200",
        "type": "text",
        "text": {"body": text},
    }


def post_meta(client: Any, channel: Any, body: bytes, *, signature: str | None = None) -> Any:
    headers = {"X-Hub-Signature-256": meta_signature(body) if signature is None else signature}
    if not headers["X-Hub-Signature-256"]:
        headers = {}
    return client.generic(
        "POST", hook_path(channel), body, content_type="application/json", headers=headers
    )


def gateway_signature(body: bytes, secret: str = GATEWAY_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_gateway(
    client: Any,
    channel: Any,
    body: bytes,
    *,
    status: bool = False,
    signature: str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> Any:
    sig = gateway_signature(body) if signature is None else signature
    headers = {"X-Gateway-Signature": sig} if sig else {}
    return client.generic(
        "POST", hook_path(channel, status=status), body, content_type=content_type, headers=headers
    )


# --- a local server playing the providers' APIs -----------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ProviderServer:
    url: str
    requests: list[Recorded] = field(default_factory=list)
    # Answers in order (status, JSON body); the last one repeats.
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@pytest.fixture
def provider_server() -> Iterator[ProviderServer]:
    """A real HTTP server on 127.0.0.1 that records requests and answers as configured."""
    state = ProviderServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append(
                Recorded(self.command, self.path, dict(self.headers), self.rfile.read(length))
            )
            status, payload = state.answers.pop(0) if len(state.answers) > 1 else state.answers[0]
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = _answer  # noqa: N815
        do_GET = _answer  # noqa: N815

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
