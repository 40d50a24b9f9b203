"""Know-your-rights pages: public reading (no login, tiny pages) and the reviewers' desk."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from panah.accounts.selectors import actor_for
from panah.core.access import Capability
from panah.rights import selectors, services
from panah.rights.content import LANGUAGES
from panah.rights.models import ArticleVersion, ReviewState, Topic
from panah.rights.pdf import LeafletUnavailable, leaflet_pdf
from panah.rights.render import body_html

# Public pages hold no personal data and change rarely: let phones and proxies keep them.
PUBLIC_CACHE = "public, max-age=600"


def _public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public page in the language its URL names, cacheable, with no session use."""

    @wraps(view)
    def wrapper(request: HttpRequest, language: str, **kwargs: Any) -> HttpResponse:
        with translation.override(language):
            response = view(request, language, **kwargs)
            response["Content-Language"] = language
        if response.status_code == 200:
            response["Cache-Control"] = PUBLIC_CACHE
        return response

    return require_GET(wrapper)


@require_GET
def library_home(request: HttpRequest) -> HttpResponse:
    """Send the reader to the library in their browser's language (or English)."""
    language = translation.get_language_from_request(request)
    return redirect("rights:library", language=language if language in LANGUAGES else "en")


def _language_links(available: list[str], name: str, **kwargs: Any) -> list[dict[str, str]]:
    """Return a link per language the page exists in, each named in its own language."""
    return [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"],
            "url": reverse(name, kwargs={"language": code, **kwargs}),
        }
        for code in LANGUAGES
        if code in available
    ]


@_public
def library(request: HttpRequest, language: str) -> HttpResponse:
    versions = list(selectors.published_for(language))
    topics = dict(Topic.choices)
    sections = [
        {"topic": topics[topic], "versions": list(group)}
        for topic, group in groupby(versions, key=lambda v: v.article.topic)
    ]
    return render(
        request,
        "rights/library.html",
        {
            "sections": sections,
            "language_links": _language_links(list(LANGUAGES), "rights:library"),
        },
    )


@_public
def article(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    version = selectors.published_get(language, slug)
    return render(
        request,
        "rights/article.html",
        {
            "version": version,
            "body": body_html(version.body),
            "language_links": _language_links(
                selectors.published_languages(slug), "rights:article", slug=slug
            ),
        },
    )


@_public
def leaflet(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    version = selectors.published_get(language, slug)
    article_url = request.build_absolute_uri(
        reverse("rights:article", kwargs={"language": language, "slug": slug})
    )
    try:
        pdf = leaflet_pdf(version, article_url=article_url)
    except LeafletUnavailable:
        return render(request, "rights/leaflet_unavailable.html", {"version": version}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="panah-{slug}-{language}.pdf"'
    return response


# --- the reviewers' desk (staff) ------------------------------------------------------------


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    versions = selectors.review_list_for(request.user)
    return render(request, "rights/review_list.html", {"versions": versions})


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.review_get_for(request.user, pk=pk)
    actor = actor_for(request.user)
    return render(
        request,
        "rights/review_detail.html",
        {
            "version": version,
            "body": body_html(version.body),
            "can_review": actor.can(Capability.RIGHTS_REVIEW)
            and version.state == ReviewState.DRAFT,
            "can_publish": actor.can(Capability.RIGHTS_PUBLISH)
            and version.state == ReviewState.REVIEWED,
            "can_withdraw": actor.can(Capability.RIGHTS_PUBLISH)
            and version.state == ReviewState.PUBLISHED,
        },
    )


@login_required
@require_POST
def review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Review, publish or withdraw one version; the note says why (required to withdraw)."""
    version = selectors.review_get_for(request.user, pk=pk)
    actor = actor_for(request.user)
    actions: dict[str, tuple[Callable[..., ArticleVersion], str]] = {
        "review": (services.article_review, _("Marked as reviewed by a lawyer.")),
        "publish": (services.article_publish, _("Published: refugees can read it now.")),
        "withdraw": (services.article_withdraw, _("Withdrawn from the public library.")),
    }
    service, done = actions[action]
    note = request.POST.get("note", "")[:2000]
    try:
        service(actor, version, note=note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("rights:review_detail", pk=pk)
