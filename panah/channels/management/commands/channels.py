"""`panah channels add|list|deactivate|receive`: configure provider channels on the server.

Secrets are read as one JSON object from standard input or from a file (`--credentials
FILE`), never from the command line (it would land in the shell history and the process list)
and never printed back.

    panah channels add --organisation "Org A" --provider twilio --medium sms \
        --address +923001234567 --name "Quetta SMS" < twilio.json
    panah channels list
    panah channels deactivate CHANNEL_ID
    panah channels receive CHANNEL_ID +923001234567 "salaam"   (development: inject a message)
    panah channels voice-prompts check [--strict]    (recordings missing or still placeholders)
    panah channels voice-prompts scripts [--language ur]   (what each recording says)
    panah channels voice-prompts placeholders        (write a tone for each missing prompt)
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from panah.accounts.models import Organisation
from panah.channels import selectors, services, voice_prompts
from panah.channels.addresses import sender_e164
from panah.channels.models import Channel, Medium, Provider, VoiceMode
from panah.channels.providers.base import InboundEvent
from panah.selfservice.flows import installed_flow


def _organisation(value: str) -> Organisation:
    try:
        return Organisation.objects.get(pk=uuid.UUID(value))
    except (ValueError, Organisation.DoesNotExist):
        pass
    try:
        return Organisation.objects.get(name=value)
    except Organisation.DoesNotExist:
        raise CommandError("No organisation has this id or name.") from None


def _channel(value: str) -> Channel:
    try:
        return Channel.objects.get(pk=uuid.UUID(value))
    except (ValueError, Channel.DoesNotExist):
        raise CommandError("No channel has this id.") from None


class Command(BaseCommand):
    help = "Configure SMS, WhatsApp and voice provider channels (secrets from stdin or a file)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser(
            "add", help="add a channel; credentials JSON on stdin or --credentials"
        )
        add.add_argument("--organisation", required=True, help="organisation id or exact name")
        add.add_argument("--provider", required=True, choices=Provider.values)
        add.add_argument("--medium", required=True, choices=Medium.values)
        add.add_argument("--address", required=True, help="our number (E.164) or Meta's id")
        add.add_argument("--name", default="")
        add.add_argument("--rate", type=int, default=60, help="messages per minute")
        add.add_argument("--credentials", default="-", help="JSON file, or - for stdin")
        add.add_argument(
            "--no-self-service",
            action="store_true",
            help="send every message to the operators instead of the self-service line first",
        )
        add.add_argument(
            "--voice-mode",
            choices=VoiceMode.values,
            default=VoiceMode.MISSED_CALL,
            help="a voice channel: reject calls and call back, or answer with the voice menu",
        )
        prompts = sub.add_parser("voice-prompts", help="the voice menu's recorded prompts")
        prompts.add_argument("prompts_action", choices=["check", "scripts", "placeholders"])
        prompts.add_argument(
            "--strict", action="store_true", help="check: placeholders are an error too"
        )
        prompts.add_argument("--language", choices=voice_prompts.LANGUAGES)
        sub.add_parser("list", help="list channels and their webhook URLs")
        deactivate = sub.add_parser("deactivate", help="stop a channel")
        deactivate.add_argument("channel")
        receive = sub.add_parser("receive", help="inject an inbound message (development)")
        receive.add_argument("channel")
        receive.add_argument("sender")
        receive.add_argument("text")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action.replace('-', '_')}")(**options)

    def _read_credentials(self, source: str) -> dict[str, Any]:
        try:
            raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
            value = json.loads(raw)
        except (OSError, ValueError):
            # Say nothing about the content: it holds secrets.
            raise CommandError("Could not read the credentials as a JSON object.") from None
        if not isinstance(value, dict):
            raise CommandError("Could not read the credentials as a JSON object.")
        return value

    def _add(self, **options: Any) -> None:
        organisation = _organisation(options["organisation"])
        credentials = self._read_credentials(options["credentials"])
        try:
            channel = services.channel_create(
                None,
                organisation=organisation,
                name=options["name"],
                provider=options["provider"],
                medium=options["medium"],
                address=options["address"],
                credentials=credentials,
                rate_per_minute=options["rate"],
                self_service=not options["no_self_service"],
                voice_mode=options["voice_mode"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        urls = services.channel_webhook_urls(channel)
        self.stdout.write(f"channel {channel.pk} added")
        self.stdout.write(f"messages webhook: {urls['messages']}")
        self.stdout.write(f"status webhook:   {urls['statuses']}")
        if "calls" in urls:
            self.stdout.write(f"call status:      {urls['calls']}")

    def _list(self, **options: Any) -> None:
        for channel in selectors.channel_list():
            urls = services.channel_webhook_urls(channel)
            state = "active" if channel.is_active else "inactive"
            self.stdout.write(
                f"{channel.pk}  {channel.organisation.name}  {channel.name}  {channel.provider}/"
                f"{channel.medium}  {channel.address}  {channel.rate_per_minute}/min  {state}  "
                f"{urls['messages']}"
            )

    def _deactivate(self, **options: Any) -> None:
        channel = _channel(options["channel"])
        services.channel_deactivate(None, channel)
        self.stdout.write(f"channel {channel.pk} deactivated")

    def _receive(self, **options: Any) -> None:
        channel = _channel(options["channel"])
        sender = sender_e164(options["sender"])
        if sender is None:
            raise CommandError("The sender is not a phone number.")
        event = InboundEvent(f"cli-{uuid.uuid4()}", sender, options["text"])
        message = services.inbound_receive(channel, event, at=timezone.now())
        self.stdout.write(f"inbound {message.pk if message else '-'} stored")

    def _voice_prompts(self, **options: Any) -> None:
        flow = installed_flow()
        languages = [options["language"]] if options["language"] else voice_prompts.LANGUAGES
        action = options["prompts_action"]
        if action == "scripts":
            for language in languages:
                for key in voice_prompts.prompt_keys(flow):
                    text = voice_prompts.script(flow, key, language).replace("\n", " / ")
                    self.stdout.write(f"{language}/{key}.wav\t{text}")
            return
        if action == "placeholders":
            written = voice_prompts.placeholders_write(flow, languages=languages)
            self.stdout.write(f"{len(written)} placeholder(s) written")
            return
        report = voice_prompts.check(flow)
        for title, names in (
            ("missing", report.missing),
            ("unusable", report.unusable),
            ("placeholder", report.placeholders),
            ("not used", report.unknown),
        ):
            for name in names:
                self.stdout.write(f"{title}: {name}")
        self.stdout.write(
            f"{len(report.recorded)} recorded, {len(report.placeholders)} placeholders, "
            f"{len(report.missing)} missing, {len(report.unusable)} unusable"
        )
        if not report.ok or (options["strict"] and report.placeholders):
            raise CommandError("The voice prompts are not complete.", returncode=2)
