"""The self-service line: one inbound message in, the replies out, effects performed.

`session_handle` is the channel-agnostic entry point (the SMS, WhatsApp and voice webhooks of
panah.channels call it with the sender's number and the text). It locks the sender's session,
runs the flow interpreter (`engine.step`, pure) and performs what the engine asks for:

- open_urgent_case: `helpline.services.intake_record` as the organisation's self-service line
  actor, which opens an urgent arrest case and, when a police station or district is known,
  starts dispatch in the same transaction;
- handoff: reported back (`HandleResult.handoff`); panah.channels puts the conversation in the
  operators' shared inbox;
- lookup_rights: a published rights article's SMS summary (`rights.selectors.sms_summary`);
- assess_documents: the rules engine's answer as one SMS (`rules.services.assessment_sms`).

Nothing personal is logged; the sender's number is kept only as a blind index on the session
and, for an opened case, encrypted on the helpline contact.
"""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from panah.accounts.models import Membership, Organisation
from panah.accounts.selectors import Actor
from panah.accounts.services import staff_create
from panah.audit.services import Action, Source, audit_record_write
from panah.cases.models import Case, CaseType, Priority
from panah.core import crypto
from panah.core.access import Role
from panah.core.errors import DomainError
from panah.core.normalise import normalise_phone
from panah.core.sms import sms_segments
from panah.helpline.models import CallerRelation, Channel
from panah.helpline.services import CaseData, IntakeData, intake_record
from panah.matching.names import has_arabic_script
from panah.people.services import PersonData
from panah.places.models import District, Place
from panah.places.selectors import district_list, place_list
from panah.rights.selectors import sms_summary
from panah.rules.engine import InputError
from panah.rules.services import assessment_sms, facts_assess
from panah.selfservice import engine
from panah.selfservice.flows import installed_flow
from panah.selfservice.models import FlowSession, Medium
from panah.selfservice.selectors import catalog_for_line
from panah.selfservice.voice import VoiceMenu, voice_menu

logger = logging.getLogger(__name__)

SENDER_INDEX = "selfservice.sender"
# Sessions idle this long are deleted by `session_purge` (and with them the remembered language).
KEEP_IDLE_SESSIONS = datetime.timedelta(days=90)
SELF_SERVICE_USERNAME_PREFIX = "selfservice-line."

_INTAKE_CHANNEL = {
    Medium.SMS: Channel.SMS,
    Medium.WHATSAPP: Channel.WHATSAPP,
    Medium.VOICE: Channel.CALL,
}

# The answer to "when was the arrest?", for the case summary staff read.
_TIME_CHOICES = {
    "1": gettext_lazy("in the last hour"),
    "2": gettext_lazy("1 to 6 hours ago"),
    "3": gettext_lazy("6 to 24 hours ago"),
    "4": gettext_lazy("more than a day ago"),
    "5": gettext_lazy("not known"),
}


@dataclass(frozen=True)
class HandleResult:
    """What to send back and what happened."""

    texts: tuple[str, ...]  # each within two SMS segments, in `language`
    language: str
    handoff: bool  # the conversation belongs in the operators' inbox now
    case_id: uuid.UUID | None = None  # the urgent case opened by this message
    node: str = ""
    # The answers effects produced (a rights summary, the rules engine's answer), also at the
    # head of `texts`: a voice call cannot play them, so it sends them by SMS.
    content: tuple[str, ...] = ()
    # For medium "voice": the node's recorded prompt and DTMF digits (see `voice.voice_menu`).
    voice: VoiceMenu | None = None


# --- The self-service line's actor --------------------------------------------------------------


def is_selfservice_user(user: Any) -> bool:
    """Return whether a user is an organisation's self-service line (not a person)."""
    return bool(getattr(user, "username", "").startswith(SELF_SERVICE_USERNAME_PREFIX))


def selfservice_actor(organisation: Organisation) -> Actor:
    """Return the organisation's self-service line actor, creating it (audited) the first time.

    It is a user of its own, never a person's account: username `selfservice-line.<org id>`,
    named "Self-service line", with an operator's role because it records what an operator
    records at intake (a person, an urgent case, a contact) and nothing more. It cannot log in:
    no usable password, and the user is inactive (which also keeps it out of staff lists).
    Everything it does is audited under it.
    """
    username = f"{SELF_SERVICE_USERNAME_PREFIX}{organisation.pk.hex}"
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(user__username=username, organisation=organisation)
        .first()
    )
    if membership is None:
        try:
            with transaction.atomic():
                user = staff_create(
                    organisation=organisation,
                    username=username,
                    password=None,
                    role=Role.OPERATOR,
                    first_name="Self-service line",
                )
                user.is_active = False
                user.save(update_fields=["is_active"])
                actor = Actor(user=user, organisation=organisation, role=Role.OPERATOR)
                audit_record_write(
                    actor, user, action=Action.CREATE, fields=["username"], source=Source.SMS
                )
                return actor
        except IntegrityError:
            # A message from another sender created it at the same moment: use theirs.
            membership = Membership.objects.select_related("user", "organisation").get(
                user__username=username
            )
    return Actor(user=membership.user, organisation=membership.organisation, role=membership.role)


# --- Sessions -----------------------------------------------------------------------------------


def _idle() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.PANAH_SELFSERVICE_SESSION_MINUTES)


def sender_digest(sender_e164: str) -> str:
    """Return the blind index a sender's session is found by."""
    return crypto.blind_index(SENDER_INDEX, sender_e164.strip())


def _locked_session(
    organisation: Organisation, medium: str, digest: str, now: datetime.datetime
) -> tuple[FlowSession, bool]:
    """Return the sender's session row, locked until the transaction ends, and whether new.

    Race: two messages from one sender at once. The unique constraint lets one insert win;
    then both take the row lock, so the second message is applied to the first one's result.
    """
    flow = installed_flow()
    created = False
    if not FlowSession.objects.filter(
        organisation=organisation, medium=medium, sender_digest=digest
    ).exists():
        fresh = engine.start(flow)
        try:
            with transaction.atomic():
                FlowSession.objects.create(
                    organisation=organisation,
                    medium=medium,
                    sender_digest=digest,
                    flow_id=flow.id,
                    flow_version=flow.version,
                    node=fresh.node,
                    language=fresh.language,
                    answers=json.dumps({}),
                    navigation=json.dumps(fresh.navigation()),
                    created_at=now,
                    updated_at=now,
                    expires_at=now + _idle(),
                )
                created = True
        except IntegrityError:
            pass
    session = FlowSession.objects.select_for_update().get(
        organisation=organisation, medium=medium, sender_digest=digest
    )
    return session, created


def _loads(text: str) -> Any:
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def _state_of(session: FlowSession, now: datetime.datetime, *, created: bool) -> engine.State:
    flow = installed_flow()
    if created or session.expires_at <= now:
        # New, or silent too long: start again (at the menu in the remembered language).
        return engine.start(flow, language=session.language if session.language_chosen else None)
    return engine.State.restore(
        flow_id=session.flow_id,
        version=session.flow_version,
        node=session.node,
        language=session.language,
        answers=_loads(session.answers),
        navigation=_loads(session.navigation),
    )


def _store(session: FlowSession, state: engine.State, now: datetime.datetime) -> None:
    session.flow_id = state.flow_id
    session.flow_version = state.version
    session.node = state.node
    session.language = state.language
    session.language_chosen = state.language_chosen
    session.answers = json.dumps(dict(state.answers))
    session.navigation = json.dumps(state.navigation())
    session.updated_at = now
    session.expires_at = now + _idle()
    session.save(
        update_fields=[
            "flow_id",
            "flow_version",
            "node",
            "language",
            "language_chosen",
            "answers",
            "navigation",
            "updated_at",
            "expires_at",
            "urgent_day",
            "urgent_count",
        ]
    )


# --- Replies ------------------------------------------------------------------------------------


def fit_two_segments(text: str) -> str:
    """Return the text, cut at a word with "…" if it is longer than two SMS segments.

    A last resort: flow texts are checked to fit when the flow loads and in tests, and rights
    summaries and assessments are built to fit. Something cut is logged (no content).
    """
    if sms_segments(text) <= engine.SEGMENTS:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if sms_segments(text[:middle].rstrip() + "…") <= engine.SEGMENTS:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    if " " in cut[len(cut) // 2 :]:
        cut = cut[: cut.rindex(" ")]
    logger.warning("selfservice: a reply was longer than two SMS segments and was cut")
    return cut.rstrip() + "…"


# --- Effects ------------------------------------------------------------------------------------


def _district(value: Any) -> District | None:
    try:
        return district_list().filter(pk=int(value)).first() if value is not None else None
    except (TypeError, ValueError):
        return None


def _place(value: Any) -> Place | None:
    try:
        return place_list().filter(pk=uuid.UUID(str(value))).first() if value else None
    except ValueError:
        return None


def _caller_phone(sender_e164: str) -> str:
    try:
        return normalise_phone(sender_e164, default_region=settings.PANAH_DEFAULT_PHONE_REGION)
    except DomainError:
        return ""  # a number from elsewhere: the contact is recorded without it


def _open_urgent_case(
    organisation: Organisation,
    *,
    medium: str,
    sender_e164: str,
    language: str,
    data: dict[str, Any],
    now: datetime.datetime,
) -> Case:
    actor = selfservice_actor(organisation)
    place = _place(data.get("place"))
    district = place.district if place is not None else _district(data.get("district"))
    name = str(data.get("name") or "").strip()
    person = (
        PersonData(given_name_native=name)
        if has_arabic_script(name)
        else PersonData(given_name=name)
    )
    arrested_at = None
    if isinstance(data.get("arrested_at"), str):
        try:
            arrested_at = datetime.datetime.fromisoformat(data["arrested_at"])
        except ValueError:
            arrested_at = None
    with translation.override(settings.LANGUAGE_CODE):
        when = _TIME_CHOICES.get(str(data.get("time_choice")), _TIME_CHOICES["5"])
        summary = _(
            "Reported on the self-service line (%(medium)s). Time of arrest as reported: "
            "%(when)s; the time recorded is the earliest that answer allows. Confirm the "
            "details with the sender."
        ) % {"medium": Medium(medium).label, "when": when}
    result = intake_record(
        actor,
        data=IntakeData(
            channel=_INTAKE_CHANNEL[Medium(medium)],
            language=language,
            caller_phone=_caller_phone(sender_e164),
            caller_relation=CallerRelation.OTHER,
            summary=summary,
            started_at=now,
            person_data=person,
            case=CaseData(
                case_type=CaseType.ARREST,
                priority=Priority.URGENT,
                district=district,
                place=place,
                arrested_at=arrested_at,
            ),
        ),
        source=Source.SMS,
    )
    assert result.case is not None
    return result.case


def _rights_text(flow: engine.Flow, language: str, slug: str) -> str:
    return sms_summary(language, slug) or flow.text("unavailable", language)


def _assessment_text(
    flow: engine.Flow, language: str, documents: list[str], now: datetime.datetime
) -> str:
    with translation.override(language):
        try:
            result = facts_assess(
                {
                    "on": timezone.localdate(now).isoformat(),
                    "documents": [{"type": kind} for kind in documents],
                }
            )
        except InputError:
            logger.exception("selfservice: the flow asked the rules engine something it refused")
            return flow.text("unavailable", language)
        return assessment_sms(result, segments=engine.SEGMENTS)


def _urgent_case_allowed(session: FlowSession, now: datetime.datetime) -> bool:
    today = timezone.localdate(now)
    opened = session.urgent_count if session.urgent_day == today else 0
    return opened < settings.PANAH_SELFSERVICE_URGENT_CASES_PER_DAY


def _urgent_case_count(session: FlowSession, now: datetime.datetime) -> None:
    today = timezone.localdate(now)
    session.urgent_count = session.urgent_count + 1 if session.urgent_day == today else 1
    session.urgent_day = today


# --- The entry point ----------------------------------------------------------------------------


def session_handle(
    *,
    organisation: Organisation,
    medium: str,
    sender_e164: str,
    text: str,
    now: datetime.datetime | None = None,
) -> HandleResult:
    """Apply one inbound message from a refugee to their self-service session.

    Returns the texts to send back (each within two SMS segments, in the session's language),
    whether the conversation is now for an operator, and the urgent case opened, if any. The
    session row is locked for the whole transaction: two messages from one sender at once are
    applied one after the other.
    """
    now = now or timezone.now()
    medium = Medium(medium).value
    flow = installed_flow()
    with transaction.atomic():
        session, created = _locked_session(organisation, medium, sender_digest(sender_e164), now)
        state = _state_of(session, now, created=created)
        catalog = catalog_for_line()
        new_state, reply = engine.step(flow, state, text, now, catalog=catalog)
        language = new_state.language
        before: list[str] = []
        texts = list(reply.texts)
        case: Case | None = None
        handoff = False
        for effect in reply.effects:
            if effect.kind == engine.EffectKind.HANDOFF_TO_OPERATOR:
                handoff = True
            elif effect.kind == engine.EffectKind.LOOKUP_RIGHTS:
                before.append(_rights_text(flow, language, str(effect.data["slug"])))
            elif effect.kind == engine.EffectKind.ASSESS_DOCUMENTS:
                before.append(_assessment_text(flow, language, list(effect.data["documents"]), now))
            elif effect.kind == engine.EffectKind.OPEN_URGENT_CASE:
                if not _urgent_case_allowed(session, now):
                    # Past the day's limit: an operator reads the report and decides.
                    logger.warning("selfservice: a sender reached the urgent cases limit")
                    texts = [flow.text("failed", language)]
                    handoff = True
                    continue
                try:
                    with transaction.atomic():
                        case = _open_urgent_case(
                            organisation,
                            medium=medium,
                            sender_e164=sender_e164,
                            language=language,
                            data=dict(effect.data),
                            now=now,
                        )
                except ValidationError:
                    # Nothing was saved (the savepoint is rolled back): a person takes over.
                    logger.warning("selfservice: an urgent case could not be opened")
                    texts = [flow.text("failed", language)]
                    handoff = True
                else:
                    _urgent_case_count(session, now)
        _store(session, new_state, now)
    return HandleResult(
        texts=tuple(fit_two_segments(t) for t in [*before, *texts]),
        language=language,
        handoff=handoff,
        case_id=case.pk if case is not None else None,
        node=new_state.node,
        content=tuple(fit_two_segments(t) for t in before),
        voice=voice_menu(flow, new_state, catalog) if medium == Medium.VOICE else None,
    )


def session_restart(
    *,
    organisation: Organisation,
    medium: str,
    sender_e164: str,
    now: datetime.datetime | None = None,
) -> HandleResult:
    """Put the sender's session back at the flow's first question (the language), answers
    cleared, and return that question.

    A phone call starts here: each call asks for the language (in the one the caller chose
    last, if any), and its first digit answers that question — unlike a text message, after
    which a bare number is not acted on (`engine.step`, "fresh").
    """
    now = now or timezone.now()
    medium = Medium(medium).value
    flow = installed_flow()
    with transaction.atomic():
        session, _created = _locked_session(organisation, medium, sender_digest(sender_e164), now)
        chosen = session.language_chosen and session.language in flow.languages
        state = engine.State(
            flow.id,
            flow.version,
            flow.start,
            session.language if chosen else flow.default_language,
            language_chosen=chosen,
        )
        _store(session, state, now)
        catalog = catalog_for_line()
        text = engine.render(flow, state, catalog)
    return HandleResult(
        texts=(text,),
        language=state.language,
        handoff=False,
        node=state.node,
        voice=voice_menu(flow, state, catalog) if medium == Medium.VOICE else None,
    )


@transaction.atomic
def session_purge(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Clear the answers of expired sessions and delete sessions idle for 90 days.

    Returns (cleared, deleted). A cleared session keeps only its language (remembered for the
    sender's next message) and its step; a deleted one keeps nothing.
    """
    now = now or timezone.now()
    deleted, _detail = FlowSession.objects.filter(updated_at__lt=now - KEEP_IDLE_SESSIONS).delete()
    cleared = FlowSession.objects.filter(expires_at__lte=now).update(answers="", navigation="")
    return cleared, deleted
