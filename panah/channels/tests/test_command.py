"""`panah channels`: secrets come from stdin or a file and are never printed."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from panah.audit.models import AuditEvent
from panah.channels.models import Channel, InboundMessage
from panah.channels.services import channel_create

pytestmark = pytest.mark.django_db

SECRETS = {"account_sid": "AC" + "2" * 32, "auth_token": "very-secret-token-value"}


def run(*args, stdin=""):
    out = io.StringIO()
    import sys

    real = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command("channels", *args, stdout=out)
    finally:
        sys.stdin = real
    return out.getvalue()


def test_add_reads_the_secrets_from_stdin_and_prints_only_the_webhook_urls(org):
    output = run(
        "add",
        "--organisation",
        org.name,
        "--provider",
        "twilio",
        "--medium",
        "sms",
        "--address",
        "0300 1110000",
        "--name",
        "Quetta SMS",
        stdin=json.dumps(SECRETS),
    )

    channel = Channel.objects.get()
    assert channel.address == "+923001110000"
    assert channel.credentials_dict() == SECRETS
    assert f"/channels/hook/{channel.webhook_slug}/" in output
    assert SECRETS["auth_token"] not in output
    assert AuditEvent.objects.filter(object_type="channel", action="create", source="cli").exists()
    listing = run("list")
    assert str(channel.pk) in listing and SECRETS["auth_token"] not in listing
    assert org.name not in channel.webhook_slug and "3001110000" not in channel.webhook_slug


def test_add_reads_the_secrets_from_a_file(org, tmp_path):
    path = tmp_path / "meta.json"
    path.write_text(json.dumps({"app_secret": "a", "access_token": "b", "verify_token": "c"}))

    run(
        "add",
        "--organisation",
        str(org.pk),
        "--provider",
        "meta_whatsapp",
        "--medium",
        "whatsapp",
        "--address",
        "106540352242922",
        "--credentials",
        str(path),
    )

    assert Channel.objects.get().provider == "meta_whatsapp"


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["--provider", "twilio", "--medium", "sms", "--address", "+923001110000"], "{}"),
        (["--provider", "twilio", "--medium", "sms", "--address", "+923001110000"], "not json"),
        (["--provider", "meta_whatsapp", "--medium", "sms", "--address", "1"], "{}"),
        (["--provider", "twilio", "--medium", "sms", "--address", "nope"], json.dumps(SECRETS)),
    ],
)
def test_bad_configurations_are_refused_without_echoing_secrets(org, args, stdin):
    with pytest.raises(CommandError) as error:
        run("add", "--organisation", org.name, *args, stdin=stdin)

    assert "very-secret" not in str(error.value)
    assert not Channel.objects.exists()


def test_slugs_are_random_and_distinct(org):
    slugs = {
        channel_create(
            None,
            organisation=org,
            name=str(n),
            provider="console",
            medium="sms",
            address="+923001110000",
            credentials={},
        ).webhook_slug
        for n in range(5)
    }
    assert len(slugs) == 5 and all(len(s) >= 32 for s in slugs)


def test_receive_injects_a_message_on_a_console_channel_and_deactivate_stops_it(org, client):
    channel = channel_create(
        None,
        organisation=org,
        name="dev",
        provider="console",
        medium="sms",
        address="+923001110000",
        credentials={},
    )

    run("receive", str(channel.pk), "03451234567", "salaam")
    assert InboundMessage.objects.get().sender == "+923451234567"
    # The console channel has no webhook: a request to it is refused as unsigned.
    response = client.post(f"/channels/hook/{channel.webhook_slug}/", {"From": "x"})
    assert response.status_code == 403

    run("deactivate", str(channel.pk))
    assert not Channel.objects.get().is_active
