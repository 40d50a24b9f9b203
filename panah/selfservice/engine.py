"""The self-service interpreter: one message in, the next state and the reply out.

Pure: no Django, no clock, no I/O. `step(flow, state, text, now, catalog=…)` reads the flow (a
checked file, see `panah.selfservice.flows`), the session's state and the lists the service
layer supplies (districts, police stations), and returns the new state and a `Reply`: texts in
the session's language and the *effects* the service performs (open an urgent case, hand over
to an operator, look up a rights summary, assess documents). The engine never fails on input:
whatever is typed, it answers with a prompt of a known node.

Navigation, the same on every node:
- `0` goes back: to the previous page of a list, out of "which one?", to the node before, and
  from a finished path (an `end` node) to the main menu.
- A menu word (`menu_words`, any of the flow's languages) goes to the main menu.
- Anything not understood repeats the node's prompt after the `not_understood` line.
A new session (or one restarted after expiry) is `fresh`: only words act on its first
message, so a greeting gets the prompt rather than an apology, and a stale "1" sent long after
an old menu does not start anything.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from panah.core.sms import sms_segments
from panah.selfservice import match
from panah.selfservice.normalise import clean_input, first_words, key_of, word_form

SEGMENTS = 2  # every reply text fits two SMS segments
MAX_HISTORY = 16
MAX_PER_PAGE = 7  # list items are numbered 1-7; 8 is "not listed", 9 "more", 0 "back"
SKIP_KEY = "8"
MORE_KEY = "9"
BACK_KEY = "0"


# --- The flow, as loaded from its file ----------------------------------------------------------


class NodeType(enum.StrEnum):
    LANGUAGE = "language"  # choose the session language
    MENU = "menu"  # numbered choices, each to a node (with answers to set, an effect)
    PICK = "pick"  # one option of a list from the catalog, paged, or typed by name
    TEXT = "text"  # a free-text answer (a name)
    INFO = "info"  # shown after an effect's content; only 0 and menu words act
    END = "end"  # a finished path: its effects run on entry; 0 goes to the menu


class EffectKind(enum.StrEnum):
    OPEN_URGENT_CASE = "open_urgent_case"
    HANDOFF_TO_OPERATOR = "handoff"
    LOOKUP_RIGHTS = "lookup_rights"
    ASSESS_DOCUMENTS = "assess_documents"


@dataclass(frozen=True)
class Effect:
    """Work for the service layer; `data` holds plain JSON values."""

    kind: EffectKind
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    key: str  # "1".."9"
    next: str | None = None
    language: str | None = None  # language nodes
    words: frozenset[str] = frozenset()  # word forms, any language
    words_by_language: Mapping[str, frozenset[str]] = field(default_factory=dict)
    set: Mapping[str, Any] = field(default_factory=dict)
    effect: Effect | None = None


@dataclass(frozen=True)
class Node:
    id: str
    type: NodeType
    prompt: Mapping[str, str]
    choices: tuple[Choice, ...] = ()
    next: str | None = None
    back: str | None = None
    save: str | None = None
    list: str | None = None
    within: str | None = None
    skip_label: Mapping[str, str] | None = None
    min_length: int = 1
    max_length: int = 120
    effects: tuple[EffectKind, ...] = ()

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Flow:
    id: str
    version: int
    languages: tuple[str, ...]
    default_language: str
    start: str
    menu: str
    texts: Mapping[str, Mapping[str, str]]
    menu_words: frozenset[str]
    nodes: Mapping[str, Node]

    def text(self, key: str, language: str) -> str:
        return self.texts[key][language]


# --- Lists supplied by the service layer ------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One item of a list: its id, its label per language and every name it may be typed as."""

    id: str
    labels: Mapping[str, str]
    names: tuple[str, ...]

    def label(self, language: str) -> str:
        return (
            self.labels.get(language) or self.labels.get("en") or next(iter(self.labels.values()))
        )


@dataclass(frozen=True)
class Catalog:
    """Lists by name; each list by the value of its `within` answer ("" for unfiltered)."""

    lists: Mapping[str, Mapping[str, tuple[Option, ...]]] = field(default_factory=dict)

    def options(self, name: str, within: str = "") -> tuple[Option, ...]:
        return self.lists.get(name, {}).get(within, ())


EMPTY_CATALOG = Catalog()


# --- State and reply --------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """Where a session is. Serialised by the service (`as_dict`/`from_dict`), answers encrypted."""

    flow_id: str
    version: int
    node: str
    language: str
    language_chosen: bool = False
    answers: Mapping[str, Any] = field(default_factory=dict)
    history: tuple[str, ...] = ()
    page: int = 0
    shown: tuple[str, ...] = ()  # option ids on screen, numbered 1…
    candidates: bool = False  # `shown` are matches of a typed name ("which one?")
    fresh: bool = False

    def navigation(self) -> dict[str, Any]:
        return {
            "history": list(self.history),
            "page": self.page,
            "shown": list(self.shown),
            "candidates": self.candidates,
            "fresh": self.fresh,
            "language_chosen": self.language_chosen,
        }

    @classmethod
    def restore(
        cls,
        *,
        flow_id: str,
        version: int,
        node: str,
        language: str,
        answers: Any,
        navigation: Any,
    ) -> State:
        """Rebuild a stored state; malformed parts fall back to empty ones (never raises)."""
        nav = navigation if isinstance(navigation, dict) else {}

        def strings(value: Any) -> tuple[str, ...]:
            if not isinstance(value, list):
                return ()
            return tuple(str(v) for v in value if isinstance(v, str | int))

        page = nav.get("page", 0)
        return cls(
            flow_id=flow_id,
            version=version,
            node=node,
            language=language,
            language_chosen=bool(nav.get("language_chosen", False)),
            answers=dict(answers) if isinstance(answers, dict) else {},
            history=strings(nav.get("history"))[-MAX_HISTORY:],
            page=page if isinstance(page, int) and page >= 0 else 0,
            shown=strings(nav.get("shown"))[:MAX_PER_PAGE],
            candidates=bool(nav.get("candidates", False)),
            fresh=bool(nav.get("fresh", False)),
        )


@dataclass(frozen=True)
class Reply:
    """What to send back (each text within two SMS segments) and what the service must do."""

    texts: tuple[str, ...]
    language: str
    node: str
    effects: tuple[Effect, ...] = ()

    @property
    def handoff(self) -> bool:
        return any(e.kind == EffectKind.HANDOFF_TO_OPERATOR for e in self.effects)


# --- Starting ---------------------------------------------------------------------------------


def start(flow: Flow, *, language: str | None = None) -> State:
    """Return a fresh state: at the main menu in a remembered language, else at `start`."""
    if language in flow.languages:
        return State(flow.id, flow.version, flow.menu, language, language_chosen=True, fresh=True)
    return State(flow.id, flow.version, flow.start, flow.default_language, fresh=True)


def is_current(flow: Flow, state: State) -> bool:
    """Return whether a stored state can run on this flow (same id and version, known node)."""
    return (
        state.flow_id == flow.id
        and state.version == flow.version
        and state.node in flow.nodes
        and state.language in flow.languages
    )


# --- Rendering --------------------------------------------------------------------------------


def fits(text: str) -> bool:
    return sms_segments(text) <= SEGMENTS


def list_options(node: Node, state: State, catalog: Catalog) -> tuple[Option, ...]:
    within = ""
    if node.within:
        value = state.answers.get(node.within)
        if value is None:
            return ()
        within = str(value)
    return catalog.options(node.list or "", within)


def _item_lines(options: tuple[Option, ...], language: str) -> list[str]:
    return [f"{i} {option.label(language)}" for i, option in enumerate(options, start=1)]


def _footer(flow: Flow, node: Node, language: str, *, more: bool, skip: bool) -> list[str]:
    lines = []
    if skip and node.skip_label:
        lines.append(f"{SKIP_KEY} {node.skip_label[language]}")
    if more:
        lines.append(f"{MORE_KEY} {flow.text('more', language)}")
    lines.append(f"{BACK_KEY} {flow.text('back', language)}")
    return lines


def _pick_text(
    flow: Flow, node: Node, language: str, header: str, items: tuple[Option, ...], **footer: bool
) -> str:
    lines = [header, *_item_lines(items, language), *_footer(flow, node, language, **footer)]
    return "\n".join(lines)


def pages(
    flow: Flow, node: Node, language: str, options: tuple[Option, ...]
) -> list[tuple[int, int]]:
    """Split a list into pages (start, end) that fit two segments under the longer of the
    node's question and the apology (which takes the question's place when it is needed).

    Deterministic for a language and a list, so the numbers a person saw stay valid.
    """
    header = max(node.prompt[language], flow.text("not_understood", language), key=len)
    result: list[tuple[int, int]] = []
    begin = 0
    while begin < len(options):
        end = begin + 1  # at least one item a page, even a label too long to fit
        while end < len(options) and end - begin < MAX_PER_PAGE:
            candidate = options[begin : end + 1]
            text = _pick_text(flow, node, language, header, candidate, more=True, skip=True)
            if not fits(text):
                break
            end += 1
        result.append((begin, end))
        begin = end
    return result


def _prompt_text(flow: Flow, state: State, catalog: Catalog) -> str:
    node = flow.nodes[state.node]
    language = state.language
    if node.type != NodeType.PICK:
        return node.prompt[language]
    options = {o.id: o for o in list_options(node, state, catalog)}
    shown = tuple(options[i] for i in state.shown if i in options)
    if state.candidates:
        return _pick_text(
            flow, node, language, flow.text("which_one", language), shown, more=False, skip=False
        )
    return _pick_text(
        flow,
        node,
        language,
        node.prompt[language],
        shown,
        more=state.page + 1 < len(pages(flow, node, language, tuple(options.values()))),
        skip=True,
    )


def render(flow: Flow, state: State, catalog: Catalog, *, apology: bool = False) -> str:
    """Return the current node's prompt in the session language (after the apology if asked).

    A list page has no room for both: there the apology stands in for the question.
    """
    text = _prompt_text(flow, state, catalog)
    if apology:
        sorry = flow.text("not_understood", state.language)
        node = flow.nodes[state.node]
        if node.type == NodeType.PICK:
            header = flow.text("which_one", state.language) if state.candidates else None
            first_line = header or node.prompt[state.language]
            text = sorry + text[len(first_line) :]
        else:
            text = sorry + "\n" + text
    return text


def _reply(
    flow: Flow,
    state: State,
    catalog: Catalog,
    *,
    apology: bool = False,
    effects: tuple[Effect, ...] = (),
) -> tuple[State, Reply]:
    text = render(flow, state, catalog, apology=apology)
    return state, Reply((text,), state.language, state.node, effects)


# --- Moving between nodes ---------------------------------------------------------------------


def _show_page(flow: Flow, state: State, catalog: Catalog, page: int) -> State:
    node = flow.nodes[state.node]
    options = list_options(node, state, catalog)
    split = pages(flow, node, state.language, options)
    if not split:
        return replace(state, page=0, shown=(), candidates=False)
    page = max(0, min(page, len(split) - 1))
    begin, end = split[page]
    return replace(
        state, page=page, shown=tuple(o.id for o in options[begin:end]), candidates=False
    )


def _effect_for_entry(kind: EffectKind, state: State, now: datetime.datetime) -> Effect:
    if kind != EffectKind.OPEN_URGENT_CASE:
        return Effect(kind)
    answers = state.answers
    hours = answers.get("hours_ago")
    arrested_at = None
    if isinstance(hours, int) and not isinstance(hours, bool):
        arrested_at = (now - datetime.timedelta(hours=hours)).isoformat()
    return Effect(
        kind,
        {
            "district": answers.get("district"),
            "place": answers.get("place"),
            "name": answers.get("name"),
            "arrested_at": arrested_at,
            "time_choice": answers.get("time_choice"),
        },
    )


def _enter(
    flow: Flow,
    state: State,
    target: str,
    catalog: Catalog,
    now: datetime.datetime,
    effects: tuple[Effect, ...] = (),
    *,
    remember: bool = True,
) -> tuple[State, Reply]:
    """Go to a node: note where we came from, run its entry effects, answer with its prompt."""
    origin = state
    history = state.history
    if target == flow.menu:
        history = ()  # the menu is home: "0" from it goes to its `back`
    elif remember and state.node != target:
        history = (*history, state.node)[-MAX_HISTORY:]
    state = replace(
        state, node=target, history=history, page=0, shown=(), candidates=False, fresh=False
    )
    node = flow.nodes[target]
    if node.type == NodeType.PICK:
        if not list_options(node, state, catalog):
            # Nothing to choose from (no stations listed in this district): the answer is
            # unknown and the person is not asked; "0" from the next node comes back before it.
            skipped = replace(origin, answers={**origin.answers, node.save or "": None})
            assert node.next is not None
            return _enter(flow, skipped, node.next, catalog, now, effects, remember=remember)
        state = _show_page(flow, state, catalog, 0)
    if node.type == NodeType.END:
        effects = (*effects, *(_effect_for_entry(kind, state, now) for kind in node.effects))
        # The answers went into the effects: nothing personal stays in the session, and the
        # path cannot be replayed by going back.
        state = replace(state, answers={}, history=())
    return _reply(flow, state, catalog, effects=effects)


def _back(
    flow: Flow, state: State, catalog: Catalog, now: datetime.datetime
) -> tuple[State, Reply]:
    node = flow.nodes[state.node]
    if node.type == NodeType.PICK and state.candidates:
        return _reply(flow, _show_page(flow, state, catalog, state.page), catalog)
    if node.type == NodeType.PICK and state.page > 0:
        return _reply(flow, _show_page(flow, state, catalog, state.page - 1), catalog)
    if node.type == NodeType.END:
        return _enter(flow, state, flow.menu, catalog, now)
    if state.history:
        previous = replace(state, history=state.history[:-1])
        return _enter(flow, previous, state.history[-1], catalog, now, remember=False)
    if node.back:
        return _enter(flow, replace(state, history=()), node.back, catalog, now, remember=False)
    return _reply(flow, state, catalog)


# --- Reading the answer at each kind of node --------------------------------------------------


def _words_choice(node: Node, text: str) -> Choice | None:
    whole, first = word_form(text), first_words(text)
    for choice in node.choices:
        if whole in choice.words or first in choice.words:
            return choice
    return None


def _choose(
    flow: Flow,
    state: State,
    choice: Choice,
    catalog: Catalog,
    now: datetime.datetime,
) -> tuple[State, Reply]:
    if choice.language is not None:
        state = replace(state, language=choice.language, language_chosen=True)
    if choice.set:
        state = replace(state, answers={**state.answers, **choice.set})
    effects = (choice.effect,) if choice.effect is not None else ()
    target = choice.next or flow.nodes[state.node].next
    assert target is not None  # the loader checks every choice leads somewhere
    return _enter(flow, state, target, catalog, now, effects)


def _language_shortcut(flow: Flow, text: str) -> tuple[str, Choice] | None:
    """A main-menu word typed at the language question: its language, and the choice."""
    whole, first = word_form(text), first_words(text)
    menu = flow.nodes[flow.menu]
    for language in flow.languages:
        for choice in menu.choices:
            words = choice.words_by_language.get(language, frozenset())
            if whole in words or first in words:
                return language, choice
    return None


def _pick(
    flow: Flow, state: State, node: Node, text: str, catalog: Catalog, now: datetime.datetime
) -> tuple[State, Reply] | None:
    options = list_options(node, state, catalog)
    by_id = {o.id: o for o in options}
    key = key_of(text)
    if key is not None:
        if key == SKIP_KEY and node.skip_label and not state.candidates:
            return _select(flow, state, node, None, catalog, now)
        if (
            key == MORE_KEY
            and not state.candidates
            and state.page + 1 < len(pages(flow, node, state.language, options))
        ):
            return _reply(flow, _show_page(flow, state, catalog, state.page + 1), catalog)
        index = int(key) - 1 if len(key) == 1 else -1
        if 0 <= index < len(state.shown) and state.shown[index] in by_id:
            return _select(flow, state, node, state.shown[index], catalog, now)
        return None
    ranked = match.rank(clean_input(text), ((o.id, o.names) for o in options))
    chosen, offered = match.decide(ranked)
    if chosen is not None:
        return _select(flow, state, node, chosen, catalog, now)
    if offered:
        return _reply(
            flow,
            replace(state, shown=_fitting(flow, node, state, by_id, offered), candidates=True),
            catalog,
        )
    return None


def _fitting(
    flow: Flow, node: Node, state: State, by_id: Mapping[str, Option], offered: tuple[str, ...]
) -> tuple[str, ...]:
    """The best matches that fit one "which one?" message (at least the best one)."""
    language = state.language
    header = max(flow.text("which_one", language), flow.text("not_understood", language), key=len)
    count = len(offered)
    while count > 1:
        items = tuple(by_id[i] for i in offered[:count])
        if fits(_pick_text(flow, node, language, header, items, more=False, skip=False)):
            break
        count -= 1
    return offered[:count]


def _select(
    flow: Flow,
    state: State,
    node: Node,
    option_id: str | None,
    catalog: Catalog,
    now: datetime.datetime,
) -> tuple[State, Reply]:
    state = replace(state, answers={**state.answers, node.save or "": option_id})
    assert node.next is not None
    return _enter(flow, state, node.next, catalog, now)


def _text_answer(node: Node, text: str) -> str | None:
    value = " ".join(clean_input(text).split())
    letters = sum(ch.isalpha() for ch in value)
    if letters < node.min_length or len(value) > node.max_length:
        return None
    return value


def step(
    flow: Flow,
    state: State,
    text: str,
    now: datetime.datetime,
    *,
    catalog: Catalog = EMPTY_CATALOG,
) -> tuple[State, Reply]:
    """Apply one message to a session and return the new state and the reply. Never raises on
    input: unknown input repeats the prompt in the session language."""
    if not is_current(flow, state):
        # A new version of the flow (or a node that no longer exists): restart cleanly at the
        # menu in the remembered language, ignoring this message, whose meaning belonged to
        # the old prompt.
        language = state.language if state.language_chosen else None
        return _reply(flow, start(flow, language=language), catalog)
    node = flow.nodes[state.node]
    if node.type == NodeType.PICK and not state.candidates:
        # Show what the list holds now (places may have been imported since the last message).
        listed = {o.id for o in list_options(node, state, catalog)}
        if not state.shown or not set(state.shown) <= listed:
            state = _show_page(flow, state, catalog, state.page)
    fresh = state.fresh
    state = replace(state, fresh=False)
    key = key_of(text)
    words = word_form(text)

    if words in flow.menu_words:
        if (
            node.type == NodeType.LANGUAGE
            and state.node == flow.start
            and not state.language_chosen
        ):
            return _reply(flow, state, catalog)  # no language yet: the question stays
        return _enter(flow, state, flow.menu, catalog, now)
    if fresh and key is not None:
        return _reply(flow, state, catalog)  # a stale number after a restart: show the prompt
    if key == BACK_KEY:
        return _back(flow, state, catalog, now)

    if node.type == NodeType.LANGUAGE:
        choice = node.choice(key) if key is not None else _words_choice(node, text)
        if choice is not None:
            return _choose(flow, state, choice, catalog, now)
        shortcut = _language_shortcut(flow, text)
        if shortcut is not None:
            language, menu_choice = shortcut
            state = replace(state, language=language, language_chosen=True)
            state = replace(state, node=flow.menu, history=())
            return _choose(flow, state, menu_choice, catalog, now)
    elif node.type == NodeType.MENU:
        choice = node.choice(key) if key is not None else _words_choice(node, text)
        if choice is not None:
            return _choose(flow, state, choice, catalog, now)
    elif node.type == NodeType.PICK:
        if not fresh:
            result = _pick(flow, state, node, text, catalog, now)
            if result is not None:
                return result
    elif node.type == NodeType.TEXT:
        value = _text_answer(node, text) if not fresh else None
        if value is not None:
            state = replace(state, answers={**state.answers, node.save or "": value})
            assert node.next is not None
            return _enter(flow, state, node.next, catalog, now)
    elif (
        node.type == NodeType.END
        and node.effects
        and EffectKind.HANDOFF_TO_OPERATOR in node.effects
    ):
        # The conversation is with a person now: the message is theirs to read, not ours to
        # answer again and again.
        return state, Reply(
            (), state.language, state.node, (Effect(EffectKind.HANDOFF_TO_OPERATOR),)
        )
    return _reply(flow, state, catalog, apology=not fresh)
