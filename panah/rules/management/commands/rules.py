"""`panah rules assess` (JSON on stdin → assessment JSON) and `panah rules timeline`."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from panah.rules.engine import InputError
from panah.rules.policy import PolicyError
from panah.rules.services import current_policy, facts_assess

# Bad input exits with status 2 (the documented contract), not Django's 1.
BAD_INPUT = 2
MAX_INPUT = 64 * 1024


class Command(BaseCommand):
    help = "Assess a person's documents on a date (JSON on stdin), or print the policy timeline."
    stealth_options = ("stdin",)  # tests pass a stream as call_command(..., stdin=…)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["assess", "timeline"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            policy = current_policy()
        except PolicyError as exc:
            self.stderr.write(f"error: {exc}")
            sys.exit(BAD_INPUT)
        if action == "timeline":
            for decided, effective, kind, code in policy.events():
                self.stdout.write(f"{decided}  {kind:<18} {code:<7} effective {effective}")
            self.stdout.write(f"policy version {policy.version}, facts as of {policy.facts_as_of}")
            return
        raw = (options.get("stdin") or sys.stdin).read(MAX_INPUT + 1)
        try:
            if len(raw) > MAX_INPUT:
                raise InputError("the input is larger than 64 KB")
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"the input is not valid JSON ({exc.msg}, line {exc.lineno})"
                ) from exc
            result = facts_assess(data)
        except InputError as exc:
            self.stderr.write(f"error: {exc}")
            sys.exit(BAD_INPUT)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
