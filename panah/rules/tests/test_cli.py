"""`panah rules assess` and `panah rules timeline`: the documented command-line contract."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[3]
PANAH = Path(sys.executable).with_name("panah")  # the console script of this virtualenv
OUTPUT_KEYS = {"risk", "status", "flags", "reasons", "deadlines", "actions", "policy_version"}


def panah(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [str(PANAH)] if PANAH.exists() else [sys.executable, "-m", "panah.cli"]
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, DJANGO_SETTINGS_MODULE="panah.settings.test"),
        timeout=120,
        check=False,
    )


def assess(stdin: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rules", "assess", stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_real_command_prints_the_assessment_as_json_and_exits_0():
    result = panah("rules", "assess", stdin='{"on": "2025-04-02", "documents": [{"type": "acc"}]}')
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= OUTPUT_KEYS
    assert (data["risk"], data["status"]["code"]) == ("high", "acc_holder")
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ('{"on": "yesterday"}', '"on" must be a date written YYYY-MM-DD'),
        ("not json", "the input is not valid JSON"),
    ],
)
def test_the_real_command_exits_2_on_bad_input_with_the_reason_on_stderr(stdin, message):
    result = panah("rules", "assess", stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[]", "one JSON object"),
        ("{}", '"on" is required'),
        ('{"on": null}', '"on" is required'),
        ('{"on": "2025-02-30"}', "real date"),
        ('{"on": 20250101}', "YYYY-MM-DD"),
        ('{"on": "2025-01-01", "documents": {}}', '"documents" must be a list'),
        ('{"on": "2025-01-01", "documents": ["por"]}', "documents[0] must be an object"),
        ('{"on": "2025-01-01", "documents": [{"type": "green_card"}]}', "type must be one of"),
        ('{"on": "2025-01-01", "documents": [{"number": "1"}]}', "type must be one of"),
        (
            '{"on": "2025-01-01", "documents": [{"type": "acc", "colour": "green"}]}',
            "unknown field",
        ),
        (
            '{"on": "2025-01-01", "documents": [{"type": "acc", "number": 7}]}',
            "number must be text",
        ),
        (
            '{"on": "2025-01-01", "documents": [{"type": "acc", "issued": "2024-01-01", '
            '"expires": "2023-01-01"}]}',
            "expiry date is before the issue date",
        ),
        (
            '{"on": "2025-01-01", "documents": [{"type": "acc"}' + ', {"type": "acc"}' * 20 + "]}",
            "at most 20",
        ),
        ('{"on": "2025-01-01", "date_of_birth": "2030"}', '"date_of_birth" must be between 1900'),
        ('{"on": "2025-01-01", "date_of_birth": "1850-01-01"}', '"date_of_birth" must be between'),
        (
            '{"on": "2025-01-01", "date_of_birth": "25/12/2001"}',
            '"date_of_birth" (YYYY-MM-DD, or YYYY)',
        ),
        (
            '{"on": "2025-01-01", "born_in_pakistan": "yes"}',
            '"born_in_pakistan" must be true or false',
        ),
        ('{"on": "2025-01-01", "nickname": "x"}', "unknown field(s): nickname"),
        ('{"on": "2025-01-01", "x": "' + "a" * 70_000 + '"}', "larger than 64 KB"),
        ("[" * 100_000, "larger than 64 KB"),
        ("[" * 60_000, "nested too deeply"),
        ('{"on": "2025-01-01", "documents": [{"type": "acc", "issued": ""}]}', "YYYY-MM-DD"),
    ],
)
def test_bad_input_gets_a_clear_error_on_stderr_and_exit_status_2(stdin, message):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("rules", "assess", stdin=io.StringIO(stdin), stdout=out, stderr=err)
    assert exit_info.value.code == 2
    assert message in err.getvalue()
    assert out.getvalue() == ""


def test_every_field_but_on_is_optional_and_null_counts_as_absent():
    out, _ = assess(
        '{"on": "2024-06-01", "documents": null, "date_of_birth": null, '
        '"born_in_pakistan": null, "pakistani_parent": false}'
    )
    data = json.loads(out)
    assert (data["risk"], data["status"]["code"], data["flags"]) == ("high", "undocumented", [])


def test_a_draft_policy_file_can_be_used_and_a_broken_one_is_refused(tmp_path):
    from panah.rules.policy import DEFAULT_POLICY

    draft = tmp_path / "draft.yaml"
    draft.write_text(
        DEFAULT_POLICY.read_text(encoding="utf-8").replace('version: "', 'version: "draft-', 1),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command(
        "rules",
        "assess",
        "--policy",
        str(draft),
        stdin=io.StringIO('{"on": "2024-01-01"}'),
        stdout=out,
    )
    assert json.loads(out.getvalue())["policy_version"].startswith("draft-")

    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read policy file .*broken.yaml"):
        call_command("rules", "timeline", "--policy", str(broken), stdout=io.StringIO())


def test_timeline_prints_every_decision_in_the_order_it_became_known():
    out = io.StringIO()
    call_command("rules", "timeline", stdout=out)
    lines = out.getvalue().splitlines()
    events = lines[1:-1]
    decided = [line.split()[0].rstrip("~") for line in events]
    assert decided == sorted(decided)
    text = "\n".join(events)
    assert "2023-10-03  2023-10-03  phase1" in text and "from 2023-11-01" in text
    assert "2025-07-31  2025-07-31  por     PoR status declared ended on 2025-06-30" in text
    assert "replaced on 2025-08-04" in text
    assert "2023-11-09  2023-07-01  por     PoR cards valid from 2023-07-01 to 2023-12-31" in text


def test_timeline_as_json_lists_decided_and_effective_dates():
    out = io.StringIO()
    call_command("rules", "timeline", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["policy_version"]
    events = data["events"]
    assert all({"decided_on", "effective_on", "sources", "confidence"} <= set(e) for e in events)
    phase3 = [e for e in events if e["code"] == "phase3"]
    assert [(e["decided_on"], e["superseded_on"]) for e in phase3] == [
        ("2025-07-31", "2025-08-04"),
        ("2025-08-04", None),
    ]
