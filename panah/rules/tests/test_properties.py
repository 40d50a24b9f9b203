"""Properties the engine must keep for every well-formed input (hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from panah.rules.engine import DOCUMENT_TYPES, RISK_ORDER, Document, PersonFacts, assess
from panah.rules.policy import Phase, load_policy

POLICY = load_policy()
DAYS = st.dates(min_value=datetime.date(2022, 1, 1), max_value=datetime.date(2027, 12, 31))


@st.composite
def documents(draw):
    kind = draw(st.sampled_from(DOCUMENT_TYPES))
    issued = draw(st.none() | DAYS)
    expires = draw(st.none() | DAYS)
    if issued and expires and expires < issued:
        issued, expires = expires, issued
    return Document(type=kind, issued=issued, expires=expires)


@st.composite
def people(draw):
    birth = draw(st.none() | st.dates(datetime.date(1940, 1, 1), datetime.date(2021, 12, 31)))
    year_only = draw(st.booleans())
    return PersonFacts(
        documents=tuple(draw(st.lists(documents(), max_size=4))),
        birth_date=None if year_only else birth,
        birth_year=birth.year if birth else None,
        born_in_pakistan=draw(st.booleans()),
        pakistani_parent=draw(st.booleans()),
        asylum_claim_pending=draw(st.booleans()),
    )


def rank(risk: str) -> int:
    return RISK_ORDER.index(risk)


@settings(max_examples=300)
@given(people(), DAYS)
def test_engine_never_crashes_and_answers_in_the_contract(facts, on):
    result = assess(facts, on=on, policy=POLICY)
    assert result.risk in RISK_ORDER
    assert result.status
    assert all(d.date >= on for d in result.deadlines)
    assert result.policy_version == POLICY.version


@settings(max_examples=300)
@given(people(), DAYS, st.integers(min_value=0, max_value=3000))
def test_adding_a_valid_visa_never_raises_risk(facts, on, days_left):
    visa = Document(type="visa", issued=on, expires=on + datetime.timedelta(days=days_left))
    before = assess(facts, on=on, policy=POLICY)
    after = assess(
        dataclasses.replace(facts, documents=(*facts.documents, visa)), on=on, policy=POLICY
    )
    assert rank(after.risk) <= rank(before.risk)


@settings(max_examples=200)
@given(st.sampled_from(POLICY.phases), st.integers(1, 400), st.integers(0, 400))
def test_moving_past_an_enforcement_date_never_lowers_risk_for_that_group(phase, before, after):
    group_documents = {
        "undocumented": (),
        "acc": (Document(type="acc"),),
        "por": (Document(type="umrf"),),
    }
    for group in phase.groups:
        facts = PersonFacts(documents=group_documents[group])
        early = phase.enforcement_from - datetime.timedelta(days=before)
        late = phase.enforcement_from + datetime.timedelta(days=after)
        assert rank(assess(facts, on=late, policy=POLICY).risk) >= rank(
            assess(facts, on=early, policy=POLICY).risk
        )
        assert assess(facts, on=late, policy=POLICY).risk == "high"


@settings(max_examples=300)
@given(
    people(),
    DAYS,
    st.integers(1, 2000),
    st.sampled_from(["undocumented", "acc", "por", "poc", "visa"]),
)
def test_a_later_decision_does_not_change_answers_for_earlier_dates(facts, on, gap, group):
    later = on + datetime.timedelta(days=gap)
    new_phase = Phase(
        code="phase_x",
        groups=frozenset({group}),
        decided_on=later,
        deadline=later,
        enforcement_from=later,
        sources=("facts-2.1",),
        confidence="uncertain",
    )
    amended = dataclasses.replace(POLICY, phases=(*POLICY.phases, new_phase), version="next")
    old = assess(facts, on=on, policy=POLICY)
    new = assess(facts, on=on, policy=amended)
    assert dataclasses.replace(new, policy_version=old.policy_version) == old
