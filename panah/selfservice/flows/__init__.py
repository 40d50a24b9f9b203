"""Flow files: `<name>.yaml` here, checked against `schema.json` and for sense, then loaded
into the engine's frozen dataclasses. No Django: `panah selfservice check` and the tests use it,
and so can a script.

The schema checks the shape; `parse_flow` checks what a schema cannot: every text in every
language of the flow, every `next`/`back` naming a node, every node reachable from `start`,
each choice's number written in its prompt, a menu word meaning one thing, and every prompt
(with the "not understood" line in front) fitting two SMS segments in every language.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from panah.selfservice.engine import (
    Choice,
    Effect,
    EffectKind,
    Flow,
    Node,
    NodeType,
    fits,
)
from panah.selfservice.normalise import word_form

FLOWS_DIR = Path(__file__).resolve().parent
SCHEMA = FLOWS_DIR / "schema.json"
MAIN_FLOW = "line"

# Answers the urgent case is opened from: some node of the flow must collect each.
URGENT_CASE_ANSWERS = ("district", "place", "name", "hours_ago")
# A pick node's page must hold at least one item of this length with header and footer.
LONGEST_LIST_LABEL = 40


class FlowError(ValueError):
    """A flow file is unreadable or wrong; `problems` lists every problem found, with where."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.name = name
        self.problems = problems
        super().__init__(f"{name}: " + "; ".join(problems))


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def flow_names() -> list[str]:
    """Return the names of the shipped flow files (without .yaml)."""
    return sorted(p.stem for p in FLOWS_DIR.glob("*.yaml"))


def schema_problems(data: Any) -> list[str]:
    """Return every way the document breaks the schema (empty when it fits)."""
    validator = jsonschema.Draft202012Validator(_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"{where}: {error.message}")
    return problems


def _words(raw: Mapping[str, Iterable[str]] | None) -> dict[str, frozenset[str]]:
    return {lang: frozenset(word_form(w) for w in words) for lang, words in (raw or {}).items()}


def _effect(raw: Mapping[str, Any] | None) -> Effect | None:
    if raw is None:
        return None
    data = {k: v for k, v in raw.items() if k != "kind"}
    return Effect(EffectKind(raw["kind"]), data)


def _build(data: dict[str, Any]) -> Flow:
    nodes = {}
    for node_id, raw in data["nodes"].items():
        choices = []
        for c in raw.get("choices", []):
            by_language = _words(c.get("words"))
            choices.append(
                Choice(
                    key=c["key"],
                    next=c.get("next"),
                    language=c.get("language"),
                    words=frozenset().union(*by_language.values()) if by_language else frozenset(),
                    words_by_language=by_language,
                    set=dict(c.get("set", {})),
                    effect=_effect(c.get("effect")),
                )
            )
        nodes[node_id] = Node(
            id=node_id,
            type=NodeType(raw["type"]),
            prompt=dict(raw["prompt"]),
            choices=tuple(choices),
            next=raw.get("next"),
            back=raw.get("back"),
            save=raw.get("save"),
            list=raw.get("list"),
            within=raw.get("within"),
            skip_label=dict(raw["skip"]["label"]) if "skip" in raw else None,
            min_length=raw.get("min_length", 1),
            max_length=raw.get("max_length", 120),
            effects=tuple(EffectKind(e) for e in raw.get("effects", [])),
        )
    menu_words = frozenset().union(*_words(data["menu_words"]).values())
    return Flow(
        id=data["id"],
        version=data["version"],
        languages=tuple(data["languages"]),
        default_language=data["default_language"],
        start=data["start"],
        menu=data["menu"],
        texts={key: dict(value) for key, value in data["texts"].items()},
        menu_words=frozenset(w for w in menu_words if w),
        nodes=nodes,
    )


def _targets(node: Node) -> list[str]:
    return [c.next for c in node.choices if c.next] + [t for t in (node.next, node.back) if t]


def sense_problems(flow: Flow) -> list[str]:
    """Return what is wrong with a flow that fits the schema (empty when nothing is)."""
    problems: list[str] = []
    languages = set(flow.languages)
    if flow.default_language not in languages:
        problems.append(f"default_language {flow.default_language} is not in languages")
    problems.extend(
        f"start/menu names {name}, which is not a node"
        for name in (flow.start, flow.menu)
        if name not in flow.nodes
    )

    def check_text(where: str, text: Mapping[str, str]) -> None:
        missing = sorted(languages - set(text))
        extra = sorted(set(text) - languages)
        if missing:
            problems.append(f"{where}: no text in {', '.join(missing)}")
        if extra:
            problems.append(f"{where}: text in {', '.join(extra)}, not a language of the flow")

    for key, text in flow.texts.items():
        check_text(f"texts/{key}", text)
    menu_choices = flow.nodes[flow.menu].choices if flow.menu in flow.nodes else ()
    menu_choice_words = {w for c in menu_choices for w in c.words}
    clash = sorted(flow.menu_words & menu_choice_words)
    if clash:
        problems.append(f"menu_words also choose a menu option: {', '.join(clash)}")
    if "" in flow.menu_words or any(key.isdigit() for key in flow.menu_words):
        problems.append("menu_words: a menu word must have letters (digits are choices)")

    saved: set[str] = set()
    for node in flow.nodes.values():
        where = f"nodes/{node.id}"
        check_text(f"{where}/prompt", node.prompt)
        if node.skip_label is not None:
            check_text(f"{where}/skip/label", node.skip_label)
        problems.extend(
            f"{where}: leads to {target}, which is not a node"
            for target in _targets(node)
            if target not in flow.nodes
        )
        keys = [c.key for c in node.choices]
        if len(keys) != len(set(keys)):
            problems.append(f"{where}: a choice number is used twice")
        seen_words: dict[str, str] = {}
        for choice in node.choices:
            for word in choice.words:
                if not word:
                    problems.append(f"{where}/{choice.key}: a word is empty once normalised")
                elif seen_words.setdefault(word, choice.key) != choice.key:
                    problems.append(f"{where}: the word {word!r} chooses two options")
            if node.type == NodeType.MENU and choice.next is None:
                problems.append(f"{where}/{choice.key}: a menu choice needs next")
            if node.type in {NodeType.MENU, NodeType.LANGUAGE}:
                for language, prompt in node.prompt.items():
                    if f"{choice.key} " not in prompt and not prompt.startswith(choice.key):
                        problems.append(
                            f"{where}/{choice.key}: the {language} prompt does not show it"
                        )
            if choice.language is not None and choice.language not in languages:
                problems.append(f"{where}/{choice.key}: {choice.language} is not a language")
            saved.update(choice.set)
        if node.type == NodeType.LANGUAGE:
            offered = {c.language for c in node.choices}
            if offered != languages:
                problems.append(f"{where}: must offer exactly the flow's languages")
        if node.save:
            saved.add(node.save)
        if node.type == NodeType.TEXT and node.min_length > node.max_length:
            problems.append(f"{where}: min_length is above max_length")
        if node.type == NodeType.END and node.id == flow.menu:
            problems.append(f"{where}: the menu cannot be an end node")
        problems.extend(_length_problems(flow, node))

    opens_case = any(EffectKind.OPEN_URGENT_CASE in n.effects for n in flow.nodes.values())
    missing_answers = [a for a in URGENT_CASE_ANSWERS if a not in saved]
    if opens_case and missing_answers:
        problems.append("open_urgent_case: no node collects " + ", ".join(sorted(missing_answers)))

    reachable = {flow.start}
    todo = [flow.start]
    while todo:
        current = flow.nodes.get(todo.pop())
        if current is None:
            continue
        for target in [*_targets(current), flow.menu]:
            if target not in reachable:
                reachable.add(target)
                todo.append(target)
    problems.extend(
        f"nodes/{node_id}: cannot be reached from {flow.start}"
        for node_id in sorted(set(flow.nodes) - reachable)
    )
    return problems


def _length_problems(flow: Flow, node: Node) -> list[str]:
    problems = []
    for language in flow.languages:
        prompt = node.prompt.get(language)
        if prompt is None or language not in flow.texts.get("not_understood", {}):
            continue
        sorry = flow.texts["not_understood"][language]
        text = sorry + "\n" + prompt
        if node.type == NodeType.PICK:
            # A list page: the apology replaces the question, and there must be room for at
            # least one item with the footer ("8 …", "9 More", "0 Back").
            skip = f"\n8 {node.skip_label[language]}" if node.skip_label else ""
            more = flow.texts.get("more", {}).get(language, "")
            back = flow.texts.get("back", {}).get(language, "")
            which = flow.texts.get("which_one", {}).get(language, "")
            header = max(prompt, sorry, which, key=len)
            text = f"{header}\n1 {'x' * LONGEST_LIST_LABEL}{skip}\n9 {more}\n0 {back}"
        if not fits(text):
            problems.append(
                f"nodes/{node.id}/prompt/{language}: longer than two SMS segments "
                "with the 'not understood' line in front"
            )
    return problems


def parse_flow(data: Any, *, name: str = "flow") -> Flow:
    """Check a flow document (parsed YAML) and build the Flow, or raise FlowError."""
    problems = schema_problems(data)
    if problems:
        raise FlowError(name, problems)
    flow = _build(data)
    problems = sense_problems(flow)
    for key in ("failed", "unavailable"):
        for language, text in flow.texts[key].items():
            if not fits(text):
                problems.append(f"texts/{key}/{language}: longer than two SMS segments")
    if problems:
        raise FlowError(name, problems)
    return flow


def load_flow(name: str = MAIN_FLOW, *, directory: Path | None = None) -> Flow:
    """Read, check and return one flow file, or raise FlowError."""
    path = (directory or FLOWS_DIR) / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FlowError(name, [f"cannot read {path.name}: {exc}"]) from exc
    return parse_flow(data, name=name)


@functools.cache
def installed_flow(name: str = MAIN_FLOW) -> Flow:
    """Return a shipped flow, loaded and checked once per process."""
    return load_flow(name)
