"""Every code the engine can emit has words, and the words exist in Urdu, Pashto and Dari."""

from __future__ import annotations

import datetime

from django.utils import translation

from panah.rules import engine, labels
from panah.rules.policy import load_policy

# New texts waiting for the translators (panah/locale is theirs). Remove an id once its
# translations are in: the test fails while this set is not exactly the untranslated ones.
AWAITING_TRANSLATION: set[str] = set()


def test_every_label_is_translated_into_urdu_pashto_and_dari():
    with translation.override("en"):
        english = labels.texts()
    for language in ("ur", "ps", "fa"):
        with translation.override(language):
            texts = labels.texts()
        same = {code for code, text in texts.items() if text == english[code]}
        assert same == AWAITING_TRANSLATION, (language, same ^ AWAITING_TRANSLATION)


def test_labels_cover_every_code_the_engine_emits():
    policy = load_policy()
    seen: set[str] = set()
    for kind in engine.DOCUMENT_TYPES:
        for day in range(0, 2000, 23):
            on = datetime.date(2022, 1, 1) + datetime.timedelta(days=day)
            for birth_year, expires in ((2008, datetime.date(2025, 1, 1)), (2006, None)):
                facts = engine.PersonFacts(
                    documents=(engine.Document(type=kind, expires=expires),),
                    birth_year=birth_year,
                    born_in_pakistan=True,
                    asylum_claim_pending=True,
                )
                result = engine.as_json(engine.assess(facts, on, policy), labels.texts())
                seen.add(f"risk:{result['risk']}")
                seen.add(f"status:{result['status']['code']}")
                seen.update(f"flag:{flag}" for flag in result["flags"])
                seen.update(f"reason:{r['code']}" for r in result["reasons"])
                seen.update(f"confidence:{r['confidence']}" for r in result["reasons"])
                seen.update(f"action:{a['code']}" for a in result["actions"])
                seen.update(
                    f"deadline:{engine.deadline_kind(d['code'])}" for d in result["deadlines"]
                )
    assert seen <= set(labels.LABELS), seen - set(labels.LABELS)
    statuses = {
        f"status:{rule.holder_status}" for rule in policy.documents.values() if rule.holder_status
    }
    assert statuses <= set(labels.LABELS)


def test_placeholders_are_filled():
    result = engine.as_json(
        engine.assess(engine.PersonFacts(), datetime.date(2023, 11, 2), load_policy()),
        labels.texts(),
    )
    assert all("%(" not in r["text"] for r in result["reasons"])
