"""`panah demo` (the README's first command) loads every part of the demo, and twice is safe."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from panah.advocates.models import Shift
from panah.cases.models import Case
from panah.channels.models import CallbackRequest, Conversation
from panah.dispatch.models import Offer
from panah.duplicates.models import DuplicateCandidate
from panah.rights.models import ArticleVersion, ReviewState

pytestmark = pytest.mark.django_db


def test_the_demo_loads_every_part_and_a_second_run_adds_nothing(settings) -> None:
    settings.PANAH_HELPLINE_NUMBER = ""
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "Demo data loaded" in out.getvalue()
    assert Case.objects.count() > 100
    assert Shift.objects.exists() and Offer.objects.exists()  # the rota and a live alert
    assert ArticleVersion.objects.filter(state=ReviewState.PUBLISHED).exists()
    states = set(Conversation.objects.values_list("state", flat=True))
    assert {"open", "waiting_for_operator"} <= states
    assert CallbackRequest.objects.filter(reason="missed_call").exists()
    assert DuplicateCandidate.objects.exists()
    counts = (Case.objects.count(), Conversation.objects.count())

    again = io.StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert "already loaded" in again.getvalue()
    assert (Case.objects.count(), Conversation.objects.count()) == counts
