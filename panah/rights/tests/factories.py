"""Article data for tests: valid by default, any field overridable."""

from __future__ import annotations

import copy
from typing import Any

from panah.accounts.selectors import Actor
from panah.rights.content import ArticleFile, parse_article
from panah.rights.models import ArticleVersion
from panah.rights.services import article_publish, article_review, library_load

URDU_TITLE = "گرفتاری پر آپ کے حقوق"
URDU_BODY = (
    "پولیس آپ کو چوبیس گھنٹے میں مجسٹریٹ کے سامنے پیش کرے۔\n\n- اپنا نام بتائیں\n- وکیل مانگیں"
)

_BASE: dict[str, Any] = {
    "topic": "arrest",
    "order": 10,
    "confidence": "firm",
    "sources": [
        {"ref": "facts.md §3.4", "cite": "Code of Criminal Procedure 1898, s. 61"},
        {"ref": "facts.md §3.5", "cite": "Constitution of Pakistan, Art. 10(2)"},
    ],
    "translations": {
        "en": {
            "title": "Arrested? The 24-hour rule",
            "summary": "Police must bring an arrested person before a magistrate within 24 "
            "hours. Call {helpline}.",
            "body": "Police must bring you before a magistrate **within 24 hours**.\n\n"
            "## What to do\n\n- Ask for the grounds of arrest\n- Ask for a lawyer\n\n"
            "Call {helpline}.",
        },
        "ur": {
            "title": URDU_TITLE,
            "summary": "پولیس 24 گھنٹے میں مجسٹریٹ کے سامنے پیش کرے۔ {helpline}",
            "body": URDU_BODY,
        },
        "ps": {
            "title": "د نیول کېدو پر مهال ستاسو حقونه",
            "summary": "پولیس باید په 24 ساعتونو کې مجسټریټ ته وړاندې کړي. {helpline}",
            "body": "پولیس باید تاسو په ۲۴ ساعتونو کې مجسټریټ ته وړاندې کړي.",
        },
        "fa": {
            "title": "حقوق شما هنگام گرفتاری",
            "summary": "پولیس باید در 24 ساعت شما را نزد قاضی ببرد. {helpline}",
            "body": "پولیس باید شما را در ۲۴ ساعت نزد مجستریت ببرد.",
        },
    },
}


def article_data(slug: str = "arrest-24-hours", **overrides: Any) -> dict[str, Any]:
    data = copy.deepcopy(_BASE)
    data["slug"] = slug
    data.update(overrides)
    return data


def article_file(slug: str = "arrest-24-hours", **overrides: Any) -> ArticleFile:
    return parse_article(article_data(slug, **overrides), slug=slug)


def published(
    reviewer: Actor, publisher: Actor, *files: ArticleFile, languages: tuple[str, ...] = ()
) -> list[ArticleVersion]:
    """Load the files, then review and publish their versions (all languages by default)."""
    library_load(list(files) or [article_file()])
    versions = []
    for version in ArticleVersion.objects.filter(state="draft").order_by("pk"):
        if languages and version.language not in languages:
            continue
        article_review(reviewer, version)
        versions.append(article_publish(publisher, version))
    return versions
