"""Turning article text into HTML, SMS and leaflet text.

Article bodies are a small, safe Markdown: paragraphs, "- " lists, "## " headings and bold.
Raw HTML and links are off, so a mistake in a content file cannot put markup or a link to
anywhere on a refugee's screen.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from panah.rights.content import HELPLINE_PLACEHOLDER


@functools.cache
def _markdown() -> MarkdownIt:
    # "zero" enables nothing but paragraphs and text; html stays off.
    return MarkdownIt("zero", {"html": False}).enable(["heading", "list", "emphasis"])


def helpline_number() -> str:
    """Return the helpline number to print, or a plain phrase while none is configured."""
    return settings.PANAH_HELPLINE_NUMBER or _("the Panah helpline")


def body_html(body: str) -> SafeString:
    """Render an article body; the helpline number is put in as a left-to-right span."""
    html = _markdown().render(body)
    number = f'<span dir="ltr">{escape(helpline_number())}</span>'
    return mark_safe(html.replace(HELPLINE_PLACEHOLDER, number))  # noqa: S308 - escaped above


def summary_text(summary: str) -> str:
    """Return the SMS summary with the helpline number put in."""
    return summary.replace(HELPLINE_PLACEHOLDER, helpline_number())
