"""`panah duplicates find [--organisation NAME] [--enqueue]`: find likely duplicate persons.

Run it nightly from cron or a systemd timer (django-tasks has no scheduler), or with
--enqueue to hand the work to `panah worker`. Without --organisation, one run covers every
organisation's register and also finds pairs across organisations.

`panah duplicates agreement ORG_A ORG_B REFERENCE --from YYYY-MM-DD [--to YYYY-MM-DD]` records
a signed data-sharing agreement that lets the two organisations review their common duplicates.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from panah.accounts.models import Organisation
from panah.audit.services import Source
from panah.core.errors import DomainError
from panah.duplicates import services, tasks


def organisation_named(text: str) -> Organisation:
    """Return the organisation with this id, name, or name as a slug ("legal-aid-org-1")."""
    try:
        found = Organisation.objects.filter(pk=uuid.UUID(text)).first()
    except ValueError:
        found = None
    found = found or Organisation.objects.filter(name=text).first()
    if found is None:
        by_slug = [o for o in Organisation.objects.all() if slugify(o.name) == slugify(text)]
        found = by_slug[0] if len(by_slug) == 1 else None
    if found is None:
        raise CommandError(f"No organisation {text!r}.")
    return found


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = "Find likely duplicate persons for review, or record a data-sharing agreement."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        find = commands.add_parser("find", help="Find likely duplicates and store them.")
        find.add_argument("--organisation", help="Only within this organisation's register.")
        find.add_argument(
            "--enqueue", action="store_true", help="Hand the work to the background worker."
        )
        agreement = commands.add_parser(
            "agreement", help="Record a signed data-sharing agreement for duplicate review."
        )
        agreement.add_argument("organisation_a")
        agreement.add_argument("organisation_b")
        agreement.add_argument("reference", help="Reference of the signed document.")
        agreement.add_argument("--from", dest="valid_from", required=True)
        agreement.add_argument("--to", dest="valid_to")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "agreement":
            try:
                made = services.agreement_create(
                    organisation_a=organisation_named(options["organisation_a"]),
                    organisation_b=organisation_named(options["organisation_b"]),
                    reference=options["reference"],
                    valid_from=_date(options["valid_from"]),
                    valid_to=_date(options["valid_to"]) if options["valid_to"] else None,
                )
            except DomainError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(f"agreement {made.pk} recorded")
            return
        organisation = (
            organisation_named(options["organisation"]) if options["organisation"] else None
        )
        if options["enqueue"]:
            tasks.duplicates_find.enqueue(str(organisation.pk) if organisation else None)
            self.stdout.write("queued for the worker")
            return
        summary = services.duplicates_find(organisation=organisation, source=Source.CLI)
        self.stdout.write(
            f"{summary.persons} persons, {summary.found} likely duplicate pairs: "
            f"{summary.created} new, {summary.updated} refreshed, {summary.reopened} reopened, "
            f"{summary.removed} no longer found"
        )
