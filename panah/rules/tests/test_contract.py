"""The CLI and HTTP contract: input checks, exit status 2, labels in four languages."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.utils import translation

from panah.rules import engine, labels
from panah.rules.policy import DEFAULT_POLICY, PolicyError, parse_policy

ROOT = Path(__file__).resolve().parents[3]


def _cli(stdin: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="panah.settings.test")
    return subprocess.run(
        [sys.executable, "-m", "panah.cli", "rules", "assess"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_prints_the_assessment_as_json():
    result = _cli('{"on": "2025-04-02", "documents": [{"type": "acc"}]}')
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {
        "risk",
        "status",
        "flags",
        "reasons",
        "deadlines",
        "actions",
        "policy_version",
    }
    assert data["risk"] == "high"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", "one JSON object"),
        ("{}", '"on" is required'),
        ('{"on": "2025-02-30"}', "real date"),
        ('{"on": "2025-01-01", "documents": [{"type": "green_card"}]}', "type must be one of"),
        (
            '{"on": "2025-01-01", "documents": [{"type": "acc", "issued": "2024-01-01", '
            '"expires": "2023-01-01"}]}',
            "expiry date is before the issue date",
        ),
        ('{"on": "2025-01-01", "date_of_birth": "2030"}', "date_of_birth"),
        ('{"on": "2025-01-01", "born_in_pakistan": "yes"}', "true or false"),
        ('{"on": "2025-01-01", "nickname": "x"}', "unknown field"),
    ],
)
def test_bad_input_gets_a_clear_error_and_exit_status_2(stdin, message):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("rules", "assess", stdin=io.StringIO(stdin), stdout=out, stderr=err)
    assert exit_info.value.code == 2
    assert message in err.getvalue()
    assert out.getvalue() == ""


def test_bad_input_exit_status_through_the_real_command():
    result = _cli('{"on": "yesterday"}')
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr and result.stdout == ""


def test_timeline_lists_the_policy_events_in_order():
    out = io.StringIO()
    call_command("rules", "timeline", stdout=out)
    lines = out.getvalue().splitlines()
    assert any("phase1" in line and "2023-11-01" in line for line in lines)
    decided = [line.split()[0] for line in lines[:-1]]
    assert decided == sorted(decided)


def test_every_label_is_translated_into_urdu_pashto_and_dari():
    with translation.override("en"):
        english = labels.texts()
    for language in ("ur", "ps", "fa"):
        with translation.override(language):
            texts = labels.texts()
        same = [code for code, text in texts.items() if text == english[code]]
        assert not same, (language, same)


def test_labels_cover_the_engines_codes():
    from panah.rules.policy import load_policy

    policy = load_policy()
    import datetime

    seen = set()
    for kind in engine.DOCUMENT_TYPES:
        for day in range(0, 1600, 37):
            on = datetime.date(2022, 1, 1) + datetime.timedelta(days=day)
            facts = engine.PersonFacts(
                documents=(engine.Document(type=kind, expires=datetime.date(2025, 1, 1)),),
                birth_year=2010,
                born_in_pakistan=True,
                asylum_claim_pending=True,
            )
            result = engine.as_json(engine.assess(facts, on=on, policy=policy), labels.texts())
            seen.add(f"status:{result['status']['code']}")
            seen.update(f"reason:{r['code']}" for r in result["reasons"])
            seen.update(f"action:{a['code']}" for a in result["actions"])
    assert seen <= set(labels.LABELS), seen - set(labels.LABELS)


def test_a_policy_with_an_unknown_source_or_bad_date_is_refused():
    data = yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))
    data["phases"][0]["sources"] = ["nowhere"]
    with pytest.raises(PolicyError, match="unknown source"):
        parse_policy(data)
    data = yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))
    data["phases"][0]["enforcement_from"] = "1 Nov 2023"
    with pytest.raises(PolicyError, match="phases/0/enforcement_from"):
        parse_policy(data)


def test_http_endpoint_has_the_same_contract(client, personas):
    client.force_login(personas["a"]["analyst"])
    ok = client.post(
        "/api/v1/rules/assess",
        {"on": "2025-04-02", "documents": [{"type": "acc"}]},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["risk"] == "high"
    bad = client.post("/api/v1/rules/assess", {"on": "x"}, content_type="application/json")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json()["detail"]
    client.logout()
    assert (
        client.post(
            "/api/v1/rules/assess", {"on": "2025-04-02"}, content_type="application/json"
        ).status_code
        == 401
    )


def test_picking_a_person_in_the_console_shows_their_status(client, personas, actor_of):
    import datetime

    from django.urls import reverse

    from panah.people.services import PersonData, document_add, person_create

    actor = actor_of(personas["a"]["operator"])
    person = person_create(actor, data=PersonData(given_name="Najibullah"))
    document_add(actor, person, doc_type="acc", issued_on=datetime.date(2017, 9, 1))
    client.force_login(personas["a"]["operator"])
    html = client.get(reverse("people:person_pick", args=[person.pk])).content.decode()
    assert 'class="assessment risk-' in html and "Afghan Citizen Card holder" in html
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "Afghan Citizen Card holder" in page


def test_family_facts_entered_in_the_console_reach_the_assessment(client, personas):
    from django.urls import reverse

    from panah.people.models import Person

    client.force_login(personas["a"]["operator"])
    response = client.post(
        reverse("helpline:console"),
        {
            "channel": "call",
            "direction": "in",
            "language": "en",
            "caller_relation": "self",
            "given_name": "Fazal",
            "sex": "m",
            "born_in_pakistan": "on",
            "asylum_claim_pending": "on",
            "priority": "3",
            "case_type": "documentation",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.born_in_pakistan and person.asylum_claim_pending and not person.pakistani_parent
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "May be a Pakistani citizen" in page and "UNHCR can intervene" in page
