"""Flow files: the schema, the sense checks, and `panah selfservice check`."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from panah.rights.content import load_articles
from panah.rules.engine import DOCUMENT_TYPES
from panah.selfservice import flows
from panah.selfservice.engine import EffectKind
from panah.selfservice.flows import FlowError, flow_names, load_flow, parse_flow


def shipped(name: str = "line") -> dict:
    return yaml.safe_load((flows.FLOWS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def problems_of(data: dict) -> list[str]:
    with pytest.raises(FlowError) as caught:
        parse_flow(data, name="broken")
    return caught.value.problems


def test_the_schema_is_itself_a_valid_json_schema():
    schema = json.loads(flows.SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", flow_names())
def test_every_shipped_flow_fits_the_schema_and_makes_sense(name):
    data = shipped(name)
    assert flows.schema_problems(data) == []
    flow = load_flow(name)
    assert set(flow.languages) == {"en", "ur", "ps", "fa"}


def test_the_line_offers_the_four_paths_of_the_issue(flow):
    menu = flow.nodes[flow.menu]
    targets = {c.key: c.next for c in menu.choices}
    assert targets["1"] == "arrest_district" and targets["4"] == "handoff"
    assert targets["2"] == "documents" and targets["3"] == "rights"


def test_every_rights_slug_is_an_article_of_the_library(flow):
    slugs = {a.slug for a in load_articles()}
    wanted = {
        c.effect.data["slug"]
        for node in flow.nodes.values()
        for c in node.choices
        if c.effect is not None and c.effect.kind == EffectKind.LOOKUP_RIGHTS
    }
    assert wanted and wanted <= slugs


def test_every_document_asked_about_is_one_the_rules_engine_knows(flow):
    asked = {
        doc
        for node in flow.nodes.values()
        for c in node.choices
        if c.effect is not None and c.effect.kind == EffectKind.ASSESS_DOCUMENTS
        for doc in c.effect.data["documents"]
    }
    assert asked and asked <= set(DOCUMENT_TYPES)


def test_a_missing_translation_is_reported_with_where():
    data = shipped()
    del data["nodes"]["rights"]["prompt"]["ps"]
    assert "nodes/rights/prompt: no text in ps" in problems_of(data)


def test_a_dangling_next_and_an_unreachable_node_are_reported():
    data = shipped()
    data["nodes"]["documents"]["choices"][0]["next"] = "nowhere"
    data["nodes"]["orphan"] = copy.deepcopy(data["nodes"]["rights_read"])
    problems = problems_of(data)
    assert "nodes/documents: leads to nowhere, which is not a node" in problems
    assert "nodes/orphan: cannot be reached from language" in problems


def test_a_prompt_longer_than_two_segments_is_refused():
    data = shipped()
    data["nodes"]["main"]["prompt"]["ur"] += "\n6 " + "بہت لمبا متن " * 6
    problems = problems_of(data)
    assert any(p.startswith("nodes/main/prompt/ur: longer than two SMS segments") for p in problems)


def test_a_choice_not_shown_in_its_prompt_is_refused():
    data = shipped()
    data["nodes"]["main"]["choices"].append({"key": "7", "next": "rights"})
    assert "nodes/main/7: the en prompt does not show it" in problems_of(data)


def test_a_word_that_chooses_two_options_is_refused():
    data = shipped()
    data["nodes"]["main"]["choices"][1]["words"]["en"].append("arrest")
    assert "nodes/main: the word 'arrest' chooses two options" in problems_of(data)


def test_schema_errors_say_where():
    data = shipped()
    data["nodes"]["main"]["type"] = "carousel"
    data["version"] = "one"
    problems = problems_of(data)
    assert any(p.startswith("version:") for p in problems)
    assert any(p.startswith("nodes/main") for p in problems)


def test_an_urgent_case_needs_every_answer_collected():
    data = shipped()
    data["nodes"]["arrest_name"]["save"] = "nickname"
    assert "open_urgent_case: no node collects name" in problems_of(data)


def test_the_check_command_passes_on_the_shipped_flows(capsys):
    call_command("selfservice", "check")
    assert "line.yaml: flow line version 1" in capsys.readouterr().out


def test_the_check_command_exits_2_with_every_problem(tmp_path, monkeypatch):
    data = shipped()
    del data["texts"]["more"]["fa"]
    data["nodes"]["handoff"]["prompt"]["xx"] = "?"
    (tmp_path / "line.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (tmp_path / "other.yaml").write_text("id: [", "utf-8")
    monkeypatch.setattr(flows, "FLOWS_DIR", tmp_path)
    with pytest.raises(CommandError) as caught:
        call_command("selfservice", "check")
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "line.yaml: nodes/handoff/prompt" in message
    assert "other.yaml: cannot read other.yaml" in message


def test_the_interpreter_and_the_loader_import_nothing_from_django():
    import subprocess
    import sys

    code = (
        "import sys, panah.selfservice.engine, panah.selfservice.flows, panah.selfservice.voice;"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
