"""`panah dispatch reply PHONE TEXT`: act as an advocate's SMS reply (development and demo).

The SMS and WhatsApp webhooks (issue 4) call the same service with the sender's number.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.core.errors import DomainError
from panah.core.normalise import normalise_phone
from panah.dispatch.services import inbound_reply_handle


class Command(BaseCommand):
    help = "Apply a reply as if the advocate with this phone had sent it by SMS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reply"])
        parser.add_argument("phone")
        parser.add_argument("text")

    def handle(self, *args: Any, action: str, phone: str, text: str, **options: Any) -> None:
        try:
            e164 = normalise_phone(phone, default_region=settings.PANAH_DEFAULT_PHONE_REGION)
        except DomainError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        reply = inbound_reply_handle(e164, text)
        if reply is None:
            raise CommandError("No active advocate has this phone number.")
        self.stdout.write(f"{reply.outcome}: {reply.text}")
