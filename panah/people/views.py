"""Person pages: detail (audited) and search as you type (htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from panah.cases.selectors import case_list_for_person
from panah.people.selectors import (
    person_get_for,
    person_numbers_reveal_for,
    person_search_for,
)
from panah.rules.services import person_assess

MIN_QUERY = 2


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    person = person_get_for(request.user, person_id)
    cases = case_list_for_person(request.user, person_id=person.pk)
    assessment = person_assess(person)
    return render(
        request,
        "people/person_detail.html",
        {"person": person, "cases": cases, "assessment": assessment},
    )


@login_required
@require_POST
def person_search(request: HttpRequest) -> HttpResponse:
    """Return matching people as a list fragment (the console's search box).

    POST, not GET: what is typed (names, phone and document numbers) must never appear in a
    URL, where access logs, proxies and browser history would keep it (SECURITY.md DP-6).
    """
    query = request.POST.get("q", "")
    searched = len(query.strip()) >= MIN_QUERY
    matches = person_search_for(request.user, query=query) if searched else []
    return render(
        request,
        "people/person_search.html#results",
        {"matches": matches, "query": query, "searched": searched},
    )


@login_required
@require_GET
def person_pick(request: HttpRequest, person_id: str) -> HttpResponse:
    """Return the console's "selected person" fragment for one person (audited read)."""
    person = person_get_for(request.user, person_id)
    return render(
        request,
        "people/person_search.html#picked",
        {"selected": person, "assessment": person_assess(person)},
    )


@login_required
@require_GET
def person_unpick(request: HttpRequest) -> HttpResponse:
    """Return the console's empty "selected person" fragment."""
    return render(request, "people/person_search.html#picked", {"selected": None})


@login_required
@require_POST
def person_reveal(request: HttpRequest, person_id: str) -> HttpResponse:
    """Show a person's phone and document numbers in full (audited)."""
    person = person_numbers_reveal_for(request.user, person_id)
    return render(
        request, "people/person_detail.html#numbers", {"person": person, "revealed": True}
    )
