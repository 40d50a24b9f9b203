"""The review pages: who may open them, other organisations' pairs are 404s, the comparison
is an audited read, merge and undo from the browser, the administrator's flag has no names."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from panah.accounts.selectors import actor_for
from panah.audit.models import AuditEvent
from panah.duplicates.models import DuplicateCandidate, PersonMerge
from panah.duplicates.services import person_merge
from panah.duplicates.tests.conftest import agreement_make, candidate_make
from panah.people.models import Person
from panah.testing.factories import MembershipFactory, OrganisationFactory
from panah.testing.records import person_make

pytestmark = pytest.mark.django_db

REVIEWERS = ["case_manager", "coordinator", "org_admin"]
OTHERS = ["operator", "advocate", "analyst"]


def _routes(candidate_id, merge_id=None):
    routes = [
        ("get", reverse("duplicates:candidate_queue")),
        ("get", reverse("duplicates:candidate_detail", args=[candidate_id])),
        ("post", reverse("duplicates:candidate_merge", args=[candidate_id])),
        ("post", reverse("duplicates:candidate_reject", args=[candidate_id])),
    ]
    if merge_id:
        routes += [
            ("get", reverse("duplicates:merge_detail", args=[merge_id])),
            ("post", reverse("duplicates:merge_undo", args=[merge_id])),
        ]
    return routes


@pytest.mark.parametrize("role", REVIEWERS)
def test_reviewers_see_the_queue_and_the_comparison(client, personas, twins, role):
    client.force_login(personas["a"][role])
    queue = client.get(reverse("duplicates:candidate_queue"))
    assert queue.status_code == 200
    assert str(twins["candidate"].pk) in queue.content.decode()
    assert "same phone" in queue.content.decode()
    assert "Gul" not in queue.content.decode()  # no names in the queue

    page = client.get(reverse("duplicates:candidate_detail", args=[twins["candidate"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Gul Agha" in html and "Gul Aga" in html
    assert "same father&#x27;s name (spelling variant)" in html
    assert "different year of birth" in html
    assert "+923001234567" not in html  # numbers are masked
    assert "Confirm and merge" in html and "Not the same person" in html


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_404_everywhere(client, personas, twins, role):
    reviewer = actor_for(personas["a"]["case_manager"])
    other = person_make(reviewer, given_name="Someone")
    third = person_make(reviewer, given_name="Someone")
    merge = person_merge(reviewer, other, third)
    client.force_login(personas["a"][role])
    for method, url in _routes(twins["candidate"].pk, merge.pk):
        response = getattr(client, method)(url, {"survivor": str(twins["first"].pk)})
        assert response.status_code == 404, (role, url)
    assert DuplicateCandidate.objects.get(pk=twins["candidate"].pk).state == "pending"
    assert PersonMerge.objects.get().undone_at is None


def test_another_organisations_pair_and_a_missing_pair_look_the_same(client, personas, twins):
    client.force_login(personas["b"]["case_manager"])
    for candidate_id in (twins["candidate"].pk, uuid.uuid4()):
        for method, url in _routes(candidate_id, uuid.uuid4())[1:]:
            response = getattr(client, method)(url, {"survivor": str(twins["first"].pk)})
            assert response.status_code == 404
            assert "Gul" not in response.content.decode()
    assert (
        str(twins["candidate"].pk)
        not in client.get(reverse("duplicates:candidate_queue")).content.decode()
    )
    assert DuplicateCandidate.objects.get(pk=twins["candidate"].pk).state == "pending"


def test_opening_a_pair_audits_the_read_of_both_records(client, personas, twins):
    client.force_login(personas["a"]["case_manager"])
    client.get(reverse("duplicates:candidate_detail", args=[twins["candidate"].pk]))
    viewed = set(
        AuditEvent.objects.filter(action="view", object_type="person").values_list(
            "object_id", flat=True
        )
    )
    assert viewed == {str(twins["first"].pk), str(twins["second"].pk)}


def test_confirm_and_merge_then_undo(client, personas, twins):
    client.force_login(personas["a"]["case_manager"])
    response = client.post(
        reverse("duplicates:candidate_merge", args=[twins["candidate"].pk]),
        {"survivor": str(twins["first"].pk)},
    )
    merge = PersonMerge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("duplicates:merge_detail", args=[merge.pk])
    assert Person.objects.get(pk=twins["second"].pk).merged_into_id == twins["first"].pk
    page = client.get(response["Location"]).content.decode()
    assert "1 case" in page and "Undo this merge" in page

    client.post(reverse("duplicates:merge_undo", args=[merge.pk]))

    assert Person.objects.get(pk=twins["second"].pk).merged_into_id is None
    merge.refresh_from_db()
    assert merge.is_undone
    queue = client.get(reverse("duplicates:candidate_queue")).content.decode()
    assert "Same person, not merged" in queue


def test_merge_without_a_choice_is_refused_with_a_message(client, personas, twins):
    client.force_login(personas["a"]["case_manager"])
    url = reverse("duplicates:candidate_merge", args=[twins["candidate"].pk])
    response = client.post(url, {"survivor": "nonsense"}, follow=True)
    assert "Choose which of the two records to keep." in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_not_the_same_person_from_the_queue_removes_the_row(client, personas, twins):
    client.force_login(personas["a"]["coordinator"])
    url = reverse("duplicates:candidate_reject", args=[twins["candidate"].pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.content == b""
    candidate = DuplicateCandidate.objects.get(pk=twins["candidate"].pk)
    assert candidate.state == "rejected" and candidate.reviewer == personas["a"]["coordinator"]
    assert (
        str(candidate.pk) not in client.get(reverse("duplicates:candidate_queue")).content.decode()
    )


def _cross_pair(personas):
    ours = person_make(actor_for(personas["a"]["operator"]), given_name="Zarghona")
    theirs = person_make(actor_for(personas["b"]["operator"]), given_name="Zarghuna")
    return candidate_make(ours, theirs)


def test_a_pair_across_organisations_is_shown_only_under_an_agreement(client, personas):
    candidate = _cross_pair(personas)
    detail = reverse("duplicates:candidate_detail", args=[candidate.pk])
    for side in ("a", "b"):
        client.force_login(personas[side]["case_manager"])
        assert client.get(detail).status_code == 404

    agreement_make(personas["b"]["org"], personas["a"]["org"])
    for side in ("a", "b"):
        client.force_login(personas[side]["case_manager"])
        page = client.get(detail).content.decode()
        assert "Zarghona" in page and "Zarghuna" in page
        assert (
            str(candidate.pk) in client.get(reverse("duplicates:candidate_queue")).content.decode()
        )


def test_without_an_agreement_only_the_administrator_sees_a_flag_without_names(client, personas):
    candidate = _cross_pair(personas)
    client.force_login(personas["a"]["org_admin"])
    page = client.get(reverse("duplicates:candidate_queue")).content.decode()
    assert 'id="unshared-flags"' in page
    assert "Org B: 1 pair" in page and str(candidate.pk) in page
    assert "Zarghona" not in page and "Zarghuna" not in page

    for role in ("case_manager", "coordinator"):
        client.force_login(personas["a"][role])
        assert (
            'id="unshared-flags"'
            not in client.get(reverse("duplicates:candidate_queue")).content.decode()
        )

    agreement_make(personas["a"]["org"], personas["b"]["org"])
    client.force_login(personas["a"]["org_admin"])
    assert (
        'id="unshared-flags"'
        not in client.get(reverse("duplicates:candidate_queue")).content.decode()
    )


def test_a_pair_of_two_other_organisations_is_never_shown(client, personas):
    org_c = OrganisationFactory(name="Org C")
    candidate = _cross_pair(personas)
    agreement_make(personas["a"]["org"], org_c)
    agreement_make(personas["b"]["org"], org_c)
    c_reviewer = MembershipFactory(organisation=org_c, role="case_manager").user
    client.force_login(c_reviewer)
    detail = reverse("duplicates:candidate_detail", args=[candidate.pk])
    assert client.get(detail).status_code == 404


def test_the_page_works_right_to_left(client, personas, twins):
    user = personas["a"]["case_manager"]
    user.language = "ur"
    user.save(update_fields=["language"])
    client.force_login(user)
    page = client.get(reverse("duplicates:candidate_detail", args=[twins["candidate"].pk]))
    assert page.status_code == 200
    assert 'dir="rtl"' in page.content.decode()


def test_the_merged_records_page_points_to_the_kept_record(client, personas, twins):
    person_merge(actor_for(personas["a"]["case_manager"]), twins["first"], twins["second"])
    client.force_login(personas["a"]["operator"])
    page = client.get(reverse("people:person_detail", args=[twins["second"].pk])).content.decode()
    assert "This record was merged into another record" in page
    assert reverse("people:person_detail", args=[twins["first"].pk]) in page
