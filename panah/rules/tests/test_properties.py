"""Properties the engine keeps for every well-formed input (hypothesis), as issue 5 asks."""

from __future__ import annotations

import dataclasses
import datetime
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from panah.rules import labels
from panah.rules.engine import (
    DOCUMENT_TYPES,
    RISK_ORDER,
    Document,
    PersonFacts,
    as_json,
    assess,
    parse_json_input,
)
from panah.rules.policy import Phase, PorEnd, PorValidity, load_policy

POLICY = load_policy()
# The years the policy speaks about, and a margin either side.
DAYS = st.dates(min_value=datetime.date(2005, 1, 1), max_value=datetime.date(2028, 12, 31))
ANY_DAY = st.dates()  # 0001-01-01 to 9999-12-31
GROUP_DOCUMENTS = {
    "undocumented": (
        "tazkira",
        "passport",
        "unhcr_asylum_seeker",
        "unhcr_refugee",
        "umrf",
        "pk_birth_certificate",
    ),
    "acc": ("acc",),
    "por": ("por",),
}


def rank(risk: str) -> int:
    return RISK_ORDER.index(risk)


@st.composite
def documents(draw, kinds=DOCUMENT_TYPES, days=DAYS):
    issued = draw(st.none() | days)
    expires = draw(st.none() | days)
    if issued and expires and expires < issued:
        issued, expires = expires, issued
    return Document(type=draw(st.sampled_from(kinds)), issued=issued, expires=expires)


@st.composite
def people(draw, papers=None, days=DAYS):
    birth = draw(st.none() | st.dates(datetime.date(1900, 1, 1), datetime.date(2028, 12, 31)))
    year_only = draw(st.booleans())
    return PersonFacts(
        documents=tuple(
            draw(papers if papers is not None else st.lists(documents(days=days), max_size=4))
        ),
        birth_date=None if year_only else birth,
        birth_year=birth.year if birth else None,
        born_in_pakistan=draw(st.booleans()),
        pakistani_parent=draw(st.booleans()),
        asylum_claim_pending=draw(st.booleans()),
    )


def iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


@st.composite
def json_inputs(draw):
    """Any input the documented contract accepts, as JSON text."""
    on = draw(ANY_DAY)
    data: dict = {"on": on.isoformat()}
    if draw(st.booleans()):
        data["documents"] = [
            {
                "type": d.type,
                "number": draw(st.text(max_size=60)),
                "issued": iso(d.issued),
                "expires": iso(d.expires),
            }
            for d in draw(st.lists(documents(days=ANY_DAY), max_size=6))
        ]
    if on.year >= 1900 and draw(st.booleans()):
        born = draw(st.dates(datetime.date(1900, 1, 1), on))
        data["date_of_birth"] = str(born.year) if draw(st.booleans()) else born.isoformat()
    for key in ("born_in_pakistan", "pakistani_parent", "asylum_claim_pending"):
        value = draw(st.none() | st.booleans())
        if value is not None or draw(st.booleans()):
            data[key] = value
    return json.dumps(data)


TEXTS = None


@settings(max_examples=400)
@given(json_inputs())
def test_engine_never_crashes_on_any_well_formed_input(raw):
    global TEXTS
    TEXTS = TEXTS or labels.texts()
    facts, on = parse_json_input(raw)
    result = assess(facts, on, POLICY)
    assert result.risk in RISK_ORDER
    assert f"status:{result.status}" in TEXTS
    assert all(d.date >= on for d in result.deadlines)
    assert all(r.sources for r in result.reasons)
    assert result.policy_version == POLICY.version
    output = as_json(result, TEXTS)
    assert json.loads(json.dumps(output)) == output


@settings(max_examples=400)
@given(people(), DAYS, st.integers(min_value=0, max_value=3000), st.booleans())
def test_adding_a_valid_visa_never_raises_risk(facts, on, days_left, issued_today):
    visa = Document(
        type="visa",
        issued=on if issued_today else None,
        expires=on + datetime.timedelta(days=days_left),
    )
    before = assess(facts, on, POLICY)
    after = assess(dataclasses.replace(facts, documents=(*facts.documents, visa)), on, POLICY)
    assert rank(after.risk) <= rank(before.risk)


def _current_phases():
    """Each phase as finally decided (a later decision replaces an earlier one)."""
    return POLICY.phases_known_on(datetime.date.max)


@settings(max_examples=300)
@given(
    st.sampled_from(_current_phases()),
    st.data(),
    st.integers(1, 500),
    st.integers(0, 500),
)
def test_moving_past_an_enforcement_date_never_lowers_risk_for_that_phases_group(
    phase, data, before, after
):
    early = phase.enforcement_from - datetime.timedelta(days=before)
    late = max(phase.enforcement_from, phase.decided_on) + datetime.timedelta(days=after)
    group = data.draw(st.sampled_from(sorted(phase.groups)))
    kinds = GROUP_DOCUMENTS[group]
    # Papers that place the person in the group (held already on the early date), nothing else.
    held_early = st.dates(datetime.date(1990, 1, 1), early)
    paper = documents(kinds=kinds, days=held_early)
    papers = st.lists(paper, max_size=3)
    if group != "undocumented":
        papers = st.tuples(paper, papers).map(lambda t: [t[0], *t[1]])
    facts = data.draw(people(papers=papers))
    early_risk = assess(facts, early, POLICY).risk
    late_risk = assess(facts, late, POLICY).risk
    assert rank(late_risk) >= rank(early_risk)
    assert late_risk == "high"


@settings(max_examples=300)
@given(people(), DAYS, st.integers(1, 2000), st.data())
def test_answers_for_a_past_date_do_not_change_when_a_later_decision_is_added(facts, on, gap, data):
    later = on + datetime.timedelta(days=gap)
    groups = frozenset(
        data.draw(st.sets(st.sampled_from(["por", "acc", "undocumented"]), min_size=1))
    )
    code = data.draw(st.sampled_from(["phase1", "phase2", "phase3", "phase_new"]))
    when = data.draw(st.dates(datetime.date(2005, 1, 1), datetime.date(2030, 12, 31)))
    until = data.draw(st.dates(datetime.date(2005, 1, 1), datetime.date(2030, 12, 31)))
    amended = dataclasses.replace(
        POLICY,
        version="amended",
        # a new phase, or a later decision about an existing one (postponed, brought forward)
        phases=(
            *POLICY.phases,
            Phase(code, groups, later, later, None, when, ("facts-2.1",), "uncertain"),
        ),
        por_validity=(
            *POLICY.por_validity,
            PorValidity(later, min(when, until), max(when, until), False, ("facts-1.1",), "firm"),
        ),
        por_end=(*POLICY.por_end, PorEnd(later, later, when, False, ("facts-1.1",), "firm")),
    )
    old = assess(facts, on, POLICY)
    new = assess(facts, on, amended)
    assert dataclasses.replace(new, policy_version=old.policy_version) == old
