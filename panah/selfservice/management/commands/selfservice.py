"""`panah selfservice check|purge`: validate the flow files; tidy old sessions (daily cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.selfservice.flows import FlowError, flow_names, load_flow


class Command(BaseCommand):
    help = (
        "check: validate every self-service flow file (exit status 2 on errors). "
        "purge: clear the answers of expired sessions, delete sessions idle for 90 days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "purge"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "purge":
            from panah.selfservice.services import session_purge  # noqa: PLC0415

            cleared, deleted = session_purge()
            self.stdout.write(
                f"{cleared} expired sessions cleared, {deleted} old sessions deleted."
            )
            return
        problems: list[str] = []
        names = flow_names()
        for name in names:
            try:
                flow = load_flow(name)
            except FlowError as exc:
                problems.extend(f"{name}.yaml: {problem}" for problem in exc.problems)
                continue
            self.stdout.write(
                f"{name}.yaml: flow {flow.id} version {flow.version}, {len(flow.nodes)} nodes, "
                f"{len(flow.languages)} languages: valid."
            )
        if not names:
            problems.append("no flow files found")
        if problems:
            raise CommandError(
                "The flow files have errors:\n" + "\n".join(f"  {p}" for p in problems),
                returncode=2,
            )
