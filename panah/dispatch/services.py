"""Dispatch: alert the best advocate on duty, wait for YES, escalate down the list.

Every step commits with its timeline line and its outbound message; the timeouts are
background tasks scheduled in the same transaction. All decisions about one dispatch take a
row lock on it first, so a YES, a NO and a timeout arriving together are applied one after
another, and the database's "one accepted offer per dispatch" constraint backs that up.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from panah.accounts.selectors import Actor, actor_for
from panah.advocates import routing
from panah.advocates.models import Advocate, DutyPhone
from panah.audit.services import Action, Source, audit_record_write
from panah.cases.models import Case, CaseEvent
from panah.cases.services import case_accept_as_advocate, case_timeline_record
from panah.core import crypto
from panah.core.access import Capability, Role
from panah.core.errors import DomainError, NotFound, PermissionDenied
from panah.dispatch.models import Dispatch, Offer
from panah.dispatch.replies import parse_reply
from panah.messaging.services import message_queue

CODE_DIGITS = 4
# The blind index of advocates' phones (advocates.services writes it with the same name).
ADVOCATE_PHONE_INDEX = "advocate.phone"


def _answer_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.PANAH_DISPATCH_ANSWER_MINUTES)


def _new_code(advocate: Advocate) -> str:
    """A short code no other waiting offer of this advocate uses (they reply with it)."""
    taken = set(
        Offer.objects.filter(advocate=advocate, status=Offer.Status.PENDING).values_list(
            "code", flat=True
        )
    )
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if code not in taken:
            return code


def _place_label(case: Case) -> str:
    if case.place is not None:
        return case.place.name
    return case.district.name if case.district else "-"


def _timeline(case: Case, step: str, *, actor: Actor | None = None, **data: object) -> None:
    case_timeline_record(case, kind=CaseEvent.Kind.DISPATCH, actor=actor, step=step, **data)


def _send(advocate_or_user: Advocate | DutyPhone, case: Case, body: str, purpose: str) -> None:
    message_queue(case.organisation, to=advocate_or_user.phone, body=body, purpose=purpose)


def _offer_text(offer: Offer, case: Case) -> str:
    # In the advocate's language; a case reference and a place, never the person's name.
    with translation.override(offer.advocate.user.language):
        return _(
            "Panah: urgent arrest case %(reference)s at %(place)s. Reply YES %(code)s to take "
            "it or NO %(code)s. You have %(minutes)s minutes. %(link)s"
        ) % {
            "reference": case.reference,
            "place": _place_label(case),
            "code": offer.code,
            "minutes": settings.PANAH_DISPATCH_ANSWER_MINUTES,
            "link": settings.PANAH_BASE_URL.rstrip("/")
            + reverse("dispatch:offer_link", kwargs={"token": offer_link_token(offer)}),
        }


@dataclass(frozen=True)
class Reply:
    """What an advocate's reply did, and the text sent back to them."""

    outcome: str  # accepted | too_late | declined | unknown | availability
    text: str


@transaction.atomic
def dispatch_start(
    actor: Actor | None, case: Case, *, at: datetime.datetime | None = None
) -> Dispatch:
    """Start finding an advocate for an urgent case (or return the dispatch already running).

    `actor` is who asked (None when the system starts it, as intake does for arrests).
    """
    if actor is not None:
        if not (actor.can(Capability.CASE_ASSIGN) or actor.can(Capability.CASE_OPEN)):
            raise PermissionDenied
        if case.organisation_id != actor.organisation_id:
            raise NotFound
    if case.place_id is None and case.district_id is None:
        raise DomainError(_("Record the police station or district first: alerts go by place."))
    live = Dispatch.objects.filter(case=case, status=Dispatch.Status.OFFERING).first()
    if live is not None:
        return live
    now = at or timezone.now()
    dispatch = Dispatch.objects.create(
        organisation_id=case.organisation_id, case=case, started_at=now
    )
    _timeline(case, "started", actor=actor)
    _offer_next(dispatch, at=now)
    return dispatch


def _offer_next(dispatch: Dispatch, *, at: datetime.datetime) -> Offer | None:
    """Alert the next best advocate not yet asked, or hand over to the coordinator."""
    case = Case.objects.select_related("place", "district", "organisation", "person").get(
        pk=dispatch.case_id
    )
    if case.assigned_advocate_id is not None or not case.is_open:
        # Someone assigned an advocate by hand (or closed the case) meanwhile: stop here.
        dispatch.status = Dispatch.Status.CANCELLED
        dispatch.save(update_fields=["status"])
        _timeline(case, "cancelled")
        return None
    if dispatch.unanswered >= settings.PANAH_DISPATCH_MAX_UNANSWERED:
        _exhaust(dispatch, case, at=at, reason="unanswered")
        return None
    asked = list(dispatch.offers.values_list("advocate_id", flat=True))
    ranked = routing.route(case, at=at, exclude_advocate_ids=asked)
    if not ranked:
        _exhaust(dispatch, case, at=at, reason="no_candidate")
        return None
    best = ranked[0]
    advocate = Advocate.objects.select_related("user").get(pk=best.candidate.advocate_id)
    offer = Offer.objects.create(
        dispatch=dispatch,
        advocate=advocate,
        rank=len(asked) + 1,
        score=best.score,
        explanation=[{"code": r.code, "value": r.value, "points": r.points} for r in best.reasons],
        code=_new_code(advocate),
        sent_at=at,
        expires_at=at + _answer_window(),
    )
    Advocate.objects.filter(pk=advocate.pk).update(offers_made=F("offers_made") + 1)
    _send(advocate, case, _offer_text(offer, case), "dispatch.offer")
    _timeline(case, "offered", advocate=advocate.user_id, rank=offer.rank, offer=str(offer.pk))

    from panah.dispatch.tasks import offer_expire  # noqa: PLC0415 - tasks import services

    offer_expire.using(run_after=offer.expires_at).enqueue(str(offer.pk))
    return offer


def _coordinators_on_duty(case: Case, at: datetime.datetime) -> list[DutyPhone]:
    phones = list(
        DutyPhone.objects.filter(
            user__membership__organisation_id=case.organisation_id,
            user__membership__role=Role.COORDINATOR,
            user__membership__is_active=True,
            user__is_active=True,
        ).select_related("user")
    )
    on_duty = routing.on_duty_now(
        organisation_id=case.organisation_id, at=at, role_user_ids={p.user_id for p in phones}
    )
    # Nobody on the rota: every coordinator with a duty phone is told, rather than nobody.
    return [p for p in phones if p.user_id in on_duty] or phones


def _exhaust(dispatch: Dispatch, case: Case, *, at: datetime.datetime, reason: str) -> None:
    dispatch.status = Dispatch.Status.EXHAUSTED
    dispatch.coordinator_alerted_at = at
    dispatch.save(update_fields=["status", "coordinator_alerted_at"])
    coordinators = _coordinators_on_duty(case, at)
    for phone in coordinators:
        with translation.override(phone.user.language):
            body = _(
                "Panah: no advocate has taken urgent case %(reference)s at %(place)s. "
                "Please find one now."
            ) % {"reference": case.reference, "place": _place_label(case)}
        _send(phone, case, body, "dispatch.coordinator")
    _timeline(
        case,
        "coordinator_alerted",
        reason=reason,
        coordinators=[p.user_id for p in coordinators],
    )


def offer_expire(offer_id: str, *, at: datetime.datetime | None = None) -> None:
    """The answer window closed: count the silence and alert the next advocate.

    Safe to run twice and early: it acts only on an offer still waiting past its deadline.
    """
    now = at or timezone.now()
    with transaction.atomic():
        offer = Offer.objects.filter(pk=offer_id).select_related("dispatch").first()
        if offer is None:
            return
        dispatch = Dispatch.objects.select_for_update().get(pk=offer.dispatch_id)
        offer.refresh_from_db()
        if offer.status != Offer.Status.PENDING or now < offer.expires_at:
            return
        offer.status = Offer.Status.EXPIRED
        offer.save(update_fields=["status"])
        dispatch.unanswered += 1
        dispatch.save(update_fields=["unanswered"])
        case = Case.objects.get(pk=dispatch.case_id)
        _timeline(case, "expired", advocate=offer.advocate.user_id, offer=str(offer.pk))
        if dispatch.status == Dispatch.Status.OFFERING:
            _offer_next(dispatch, at=now)


def _accept(offer: Offer, dispatch: Dispatch, *, at: datetime.datetime, channel: str) -> Reply:
    case = Case.objects.select_related("place", "district").get(pk=dispatch.case_id)
    advocate = offer.advocate
    if dispatch.status == Dispatch.Status.ACCEPTED or case.assigned_advocate_id is not None:
        offer.status = (
            Offer.Status.WITHDRAWN if offer.status == Offer.Status.PENDING else offer.status
        )
        offer.responded_at = offer.responded_at or at
        offer.save(update_fields=["status", "responded_at"])
        _timeline(case, "late_yes", advocate=advocate.user_id, offer=str(offer.pk))
        with translation.override(advocate.user.language):
            return Reply(
                "too_late",
                _(
                    "Thank you. Case %(reference)s has already been taken by another advocate: "
                    "nothing more to do."
                )
                % {"reference": case.reference},
            )
    offer.status = Offer.Status.ACCEPTED
    offer.responded_at = at
    offer.response_channel = channel
    offer.save(update_fields=["status", "responded_at", "response_channel"])
    dispatch.status = Dispatch.Status.ACCEPTED
    dispatch.accepted_at = at
    dispatch.accepted_by = advocate
    dispatch.save(update_fields=["status", "accepted_at", "accepted_by"])
    # Any other waiting alert for this case is withdrawn: its advocate need not answer.
    dispatch.offers.filter(status=Offer.Status.PENDING).update(
        status=Offer.Status.WITHDRAWN, responded_at=at
    )
    Advocate.objects.filter(pk=advocate.pk).update(offers_accepted=F("offers_accepted") + 1)
    case_accept_as_advocate(actor_for(advocate.user), case, source=channel)
    _timeline(case, "accepted", advocate=advocate.user_id, offer=str(offer.pk), channel=channel)
    with translation.override(advocate.user.language):
        return Reply(
            "accepted",
            _(
                "Case %(reference)s at %(place)s is yours. Open it in Panah for the details. "
                "Reply HERE %(code)s when you reach the station."
            )
            % {"reference": case.reference, "place": _place_label(case), "code": offer.code},
        )


def offer_answer(
    offer: Offer, *, accept: bool, channel: str, at: datetime.datetime | None = None
) -> Reply:
    """Apply an advocate's YES or NO to one of their offers."""
    now = at or timezone.now()
    try:
        with transaction.atomic():
            # The lock on the dispatch orders concurrent answers: the first YES wins.
            dispatch = Dispatch.objects.select_for_update().get(pk=offer.dispatch_id)
            offer = Offer.objects.select_related("advocate__user").get(pk=offer.pk)
            if accept:
                return _accept(offer, dispatch, at=now, channel=channel)
            return _decline(offer, dispatch, at=now, channel=channel)
    except IntegrityError:
        # Only reachable if the lock were bypassed: the constraint still keeps one winner.
        with translation.override(offer.advocate.user.language):
            return Reply("too_late", _("Thank you. This case has already been taken."))


def _decline(offer: Offer, dispatch: Dispatch, *, at: datetime.datetime, channel: str) -> Reply:
    case = Case.objects.get(pk=dispatch.case_id)
    if offer.status == Offer.Status.PENDING:
        offer.status = Offer.Status.DECLINED
        offer.responded_at = at
        offer.response_channel = channel
        offer.save(update_fields=["status", "responded_at", "response_channel"])
        dispatch.unanswered += 1
        dispatch.save(update_fields=["unanswered"])
        _timeline(case, "declined", advocate=offer.advocate.user_id, offer=str(offer.pk))
        if dispatch.status == Dispatch.Status.OFFERING:
            _offer_next(dispatch, at=at)
    with translation.override(offer.advocate.user.language):
        return Reply("declined", _("Thank you. We will ask another advocate."))


@transaction.atomic
def dispatch_arrived(offer: Offer, *, at: datetime.datetime | None = None) -> Reply:
    """The advocate who took the case reports reaching the station (response-time metric)."""
    now = at or timezone.now()
    dispatch = Dispatch.objects.select_for_update().get(pk=offer.dispatch_id)
    offer = Offer.objects.select_related("advocate__user").get(pk=offer.pk)
    case = Case.objects.get(pk=dispatch.case_id)
    with translation.override(offer.advocate.user.language):
        if offer.status != Offer.Status.ACCEPTED:
            return Reply("unknown", _("Panah: that code is not for a case you took."))
        if dispatch.arrived_at is None:
            dispatch.arrived_at = now
            dispatch.save(update_fields=["arrived_at"])
            _timeline(case, "arrived", advocate=offer.advocate.user_id)
        return Reply(
            "arrived",
            _("Thank you. Your arrival at %(reference)s is recorded.")
            % {"reference": case.reference},
        )


@transaction.atomic
def availability_set(
    advocate: Advocate,
    *,
    available: bool,
    at: datetime.datetime | None = None,
    source: str = Source.WEB,
) -> Reply:
    """ON / OFF by SMS or on "My duty": whether the advocate may be alerted, whatever the rota
    says. The advocate acts on their own profile."""
    advocate = Advocate.objects.select_for_update().select_related("user").get(pk=advocate.pk)
    advocate.available = available
    advocate.available_changed_at = at or timezone.now()
    advocate.save(update_fields=["available", "available_changed_at"])
    audit_record_write(
        actor_for(advocate.user),
        advocate,
        action=Action.UPDATE,
        fields=["available"],
        source=source,
    )
    with translation.override(advocate.user.language):
        text = (
            _("Panah: you are ON. You will get alerts when you are on duty.")
            if available
            else _("Panah: you are OFF. You will get no alerts until you send ON.")
        )
    return Reply("availability", text)


# --- replies by SMS / WhatsApp and signed links ----------------------------------------------

REPLY_WINDOW = datetime.timedelta(hours=24)


def advocate_by_phone(e164: str) -> Advocate | None:
    """Return the active advocate whose phone this is (found by its blind index)."""
    digest = crypto.blind_index(ADVOCATE_PHONE_INDEX, e164)
    return (
        Advocate.objects.select_related("user")
        .filter(phone_digest=digest, is_active=True, user__is_active=True)
        .first()
    )


def _offer_for_reply(advocate: Advocate, code: str | None, at: datetime.datetime) -> Offer | None:
    recent = Offer.objects.filter(advocate=advocate, sent_at__gte=at - REPLY_WINDOW)
    if code is not None:
        return recent.filter(code=code).order_by("-sent_at").first()
    # No code: fine when exactly one alert is waiting for this advocate.
    waiting = list(recent.filter(status=Offer.Status.PENDING)[:2])
    return waiting[0] if len(waiting) == 1 else None


def inbound_reply_handle(
    e164: str, text: str, *, channel: str = "sms", at: datetime.datetime | None = None
) -> Reply | None:
    """Apply an advocate's reply; None when the sender is not an advocate (the caller then
    treats it as a refugee's message). The returned text is what to send back."""
    advocate = advocate_by_phone(e164)
    if advocate is None:
        return None
    now = at or timezone.now()
    parsed = parse_reply(text)
    if parsed.verb in {"on", "off"}:
        reply = availability_set(advocate, available=parsed.verb == "on", at=now, source=Source.SMS)
    else:
        offer = _offer_for_reply(advocate, parsed.code, now) if parsed.verb != "unknown" else None
        if offer is None:
            with translation.override(advocate.user.language):
                reply = Reply(
                    "unknown",
                    _(
                        "Panah: reply YES and the code to take a case, NO and the code to "
                        "pass it, HERE and the code when you arrive, ON or OFF for alerts."
                    ),
                )
        elif parsed.verb == "here":
            reply = dispatch_arrived(offer, at=now)
        else:
            reply = offer_answer(offer, accept=parsed.verb == "yes", channel=channel, at=now)
    message_queue(
        advocate.organisation, to=advocate.phone, body=reply.text, purpose="dispatch.reply"
    )
    return reply


OFFER_LINK_SALT = "panah.dispatch.offer-link"


def offer_link_token(offer: Offer) -> str:
    """A signed, expiring token naming one offer: the alert's link carries it."""
    return signing.dumps(str(offer.pk), salt=OFFER_LINK_SALT, compress=True)


def offer_from_token(token: str) -> Offer | None:
    try:
        offer_id = signing.loads(token, salt=OFFER_LINK_SALT, max_age=REPLY_WINDOW)
    except signing.BadSignature:
        return None
    return (
        Offer.objects.select_related("advocate__user", "dispatch__case__place")
        .filter(pk=offer_id)
        .first()
    )
