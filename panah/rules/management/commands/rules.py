"""`panah rules assess` (JSON on stdin → assessment JSON), `panah rules timeline` and
`panah rules refresh` (re-assess the stored risk of every person not assessed today)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.rules.engine import MAX_INPUT_BYTES, InputError
from panah.rules.policy import Policy, PolicyError, load_policy
from panah.rules.services import current_policy, json_assess
from panah.rules.triage import risk_refresh_stale

# Bad input exits with status 2 (the documented contract), not the 1 of Django's CommandError,
# which stays for faults that are not the caller's (an unreadable policy file).
BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "assess: read one JSON object on standard input (the person's documents and a date "
        '"on") and print what they mean on that date; bad input exits with status 2. '
        "timeline: print the policy's dated decisions in the order they became known. "
        "refresh: re-assess and store the risk of every person not yet assessed today under "
        "the installed policy (run it daily from cron or a systemd timer)."
    )
    stealth_options = ("stdin",)  # tests pass a stream: call_command(..., stdin=StringIO(…))

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["assess", "timeline", "refresh"])
        parser.add_argument(
            "--policy",
            type=Path,
            help="use this policy file instead of the installed one (to check a draft)",
        )
        parser.add_argument(
            "--json", action="store_true", help="timeline: print JSON instead of text"
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "refresh" and options["policy"]:
            # The stored risk orders the case queue: it must come from the installed policy.
            raise CommandError("refresh uses the installed policy; --policy is for checking")
        try:
            policy = load_policy(options["policy"]) if options["policy"] else current_policy()
        except PolicyError as exc:
            raise CommandError(str(exc)) from exc
        if action == "refresh":
            count = risk_refresh_stale(policy=policy)
            self.stdout.write(f"{count} people re-assessed (policy {policy.version}).")
            return
        if action == "timeline":
            self._timeline(policy, as_json=options["json"])
            return
        # Read one byte more than allowed, so an oversized input is seen as such.
        raw = (options.get("stdin") or sys.stdin).read(MAX_INPUT_BYTES + 1)
        try:
            result = json_assess(raw, policy=policy)
        except InputError as exc:
            self.stderr.write(f"error: {exc}")
            sys.exit(BAD_INPUT)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _timeline(self, policy: Policy, *, as_json: bool) -> None:
        events = policy.events()
        if as_json:
            rows = [
                {
                    "decided_on": e.decided_on.isoformat(),
                    "effective_on": e.effective_on.isoformat(),
                    "kind": e.kind,
                    "code": e.code,
                    "summary": e.summary,
                    "sources": list(e.sources),
                    "confidence": e.confidence,
                    "estimated": e.estimated,
                    "superseded_on": e.superseded_on.isoformat() if e.superseded_on else None,
                }
                for e in events
            ]
            document = {"policy_version": policy.version, "events": rows}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"policy {policy.version}, facts as of {policy.facts_as_of}; "
            "decided (known from), effective, what, confidence, sources"
        )
        for e in events:
            decided = f"{e.decided_on}{'~' if e.estimated else ' '}"
            extra = f"; replaced on {e.superseded_on}" if e.superseded_on else ""
            self.stdout.write(
                f"{decided} {e.effective_on}  {e.code:<7} {e.summary}{extra}  "
                f"[{e.confidence}] {', '.join(e.sources)}"
            )
        self.stdout.write("~ decision date estimated (only the month, or less, is known)")
