"""The know-your-rights articles as shipped: one YAML file per article, four languages each.

Pure functions: read and check the files, nothing else. The files are the writers' source of
truth; the database holds versions of them and their review state (see `services`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

from panah.core.sms import sms_segments

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGUAGES = ("en", "ur", "ps", "fa")
TOPICS = ("arrest", "documents", "family", "return", "help")
CONFIDENCES = ("firm", "likely", "uncertain")
HELPLINE_PLACEHOLDER = "{helpline}"
# The helpline number is put in when a summary is sent; count it at its longest.
HELPLINE_ALLOWANCE = 16
TITLE_MAX = 60
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ContentError(ValueError):
    """A content file breaks the format; the message names the file and the field."""


@dataclasses.dataclass(frozen=True)
class Source:
    ref: str
    cite: str
    url: str = ""


@dataclasses.dataclass(frozen=True)
class Text:
    language: str
    title: str
    summary: str
    body: str
    caution: str = ""


@dataclasses.dataclass(frozen=True)
class ArticleFile:
    slug: str
    topic: str
    order: int
    confidence: str
    sources: tuple[Source, ...]
    texts: dict[str, Text]

    def content_hash(self, language: str) -> str:
        """Return a digest of what a reviewer approves for one language.

        Sources and confidence are part of it: a lawyer reviews the text together with what
        it rests on, so a changed source needs a new review like a changed sentence.
        """
        text = self.texts[language]
        payload = {
            "text": dataclasses.asdict(text),
            "confidence": self.confidence,
            "sources": [dataclasses.asdict(s) for s in self.sources],
        }
        encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()


def summary_fits(summary: str, *, segments: int = 2) -> bool:
    """Return whether a summary, with the longest helpline number put in, fits the segments."""
    filled = summary.replace(HELPLINE_PLACEHOLDER, "+" + "9" * (HELPLINE_ALLOWANCE - 1))
    return sms_segments(filled) <= segments


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: must be non-empty text")
    return value.strip()


def parse_article(data: Any, *, slug: str) -> ArticleFile:
    """Check one article's parsed YAML and return it; raise ContentError naming the problem."""
    if not isinstance(data, dict):
        raise ContentError(f"{slug}: the file must hold a mapping")
    if data.get("slug") != slug or not SLUG.match(slug):
        raise ContentError(f"{slug}: 'slug' must equal the file name (lower-case, dashes)")
    topic = data.get("topic")
    if topic not in TOPICS:
        raise ContentError(f"{slug}: 'topic' must be one of {', '.join(TOPICS)}")
    order = data.get("order")
    if not isinstance(order, int) or isinstance(order, bool):
        raise ContentError(f"{slug}: 'order' must be a whole number")
    confidence = data.get("confidence")
    if confidence not in CONFIDENCES:
        raise ContentError(f"{slug}: 'confidence' must be one of {', '.join(CONFIDENCES)}")
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ContentError(f"{slug}: 'sources' must list at least one source")
    sources = []
    for index, raw in enumerate(raw_sources, start=1):
        where = f"{slug}: source {index}"
        if not isinstance(raw, dict):
            raise ContentError(f"{where}: must be a mapping with ref and cite")
        url = raw.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise ContentError(f"{where}: url must start with https://")
        sources.append(
            Source(ref=_text(raw.get("ref"), where), cite=_text(raw.get("cite"), where), url=url)
        )
    translations = data.get("translations")
    if not isinstance(translations, dict) or set(translations) != set(LANGUAGES):
        raise ContentError(f"{slug}: 'translations' must hold exactly {', '.join(LANGUAGES)}")
    texts = {}
    for language in LANGUAGES:
        raw = translations[language]
        where = f"{slug} [{language}]"
        if not isinstance(raw, dict):
            raise ContentError(f"{where}: must be a mapping")
        title = _text(raw.get("title"), f"{where} title")
        if len(title) > TITLE_MAX:
            raise ContentError(f"{where} title: at most {TITLE_MAX} characters")
        summary = " ".join(_text(raw.get("summary"), f"{where} summary").split())
        if not summary_fits(summary):
            raise ContentError(f"{where} summary: longer than two SMS segments")
        caution = (raw.get("caution") or "").strip()
        if (confidence != "firm") != bool(caution):
            raise ContentError(
                f"{where}: a 'caution' is needed exactly when confidence is not firm"
            )
        texts[language] = Text(
            language=language,
            title=title,
            summary=summary,
            body=_text(raw.get("body"), f"{where} body"),
            caution=caution,
        )
    return ArticleFile(
        slug=slug,
        topic=topic,
        order=order,
        confidence=confidence,
        sources=tuple(sources),
        texts=texts,
    )


def load_articles(directory: Path = CONTENT_DIR) -> list[ArticleFile]:
    """Read and check every article file; raise ContentError on the first bad one."""
    articles = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ContentError(f"{path.name}: not valid YAML ({exc})") from exc
        articles.append(parse_article(data, slug=path.stem))
    return sorted(articles, key=lambda a: (TOPICS.index(a.topic), a.order, a.slug))
