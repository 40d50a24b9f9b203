"""Human-readable, translatable texts for the engine's codes ("kind:code" ids).

The engine returns codes; these are the words users read, in the active language. Every code
the engine can emit has an entry here (tested).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Promise] = {
    "risk:low": _("Low risk"),
    "risk:medium": _("Medium risk"),
    "risk:elevated": _("Elevated risk"),
    "risk:high": _("High risk"),
    "confidence:firm": _("firm"),
    "confidence:likely": _("likely"),
    "confidence:uncertain": _("uncertain"),
    "flag:juvenile": _("Under 18"),
    "flag:possible_citizen": _("May be a Pakistani citizen"),
    "flag:unhcr_intervention": _("UNHCR can intervene"),
    "flag:non_refoulement_concern": _("Non-refoulement concern"),
    "status:por_valid": _("PoR card holder, card valid"),
    "status:por_lapsed": _("PoR card holder, PoR status has ended"),
    "status:umrf_holder": _("UMRF certificate holder (member of a PoR family)"),
    "status:acc_holder": _("Afghan Citizen Card holder"),
    "status:visa_valid": _("Valid Pakistani visa"),
    "status:visa_expired": _("Pakistani visa has expired"),
    "status:poc_valid": _("Pakistan Origin Card holder"),
    "status:poc_expired": _("Pakistan Origin Card has expired"),
    "status:undocumented": _("No document that allows stay"),
    "reason:phase_in_force": _("Arrest and deportation of this group started on %(since)s."),
    "reason:phase_announced": _(
        "The government has announced arrests and deportation of this group from %(from)s."
    ),
    "reason:no_phase_targets": _(
        "No announced phase of the repatriation plan targets this group yet."
    ),
    "reason:por_valid": _(
        "The PoR card is valid until %(valid_until)s under the latest extension."
    ),
    "reason:por_lapsed": _(
        "The last known PoR extension ended on %(valid_until)s; no later extension is known."
    ),
    "reason:por_ended": _(
        "The government declared PoR status ended on %(ended_on)s, with no further extension."
    ),
    "reason:por_no_validity_known": _("No PoR validity decision is known for this date."),
    "reason:visa_valid": _("A valid Pakistani visa allows stay until it expires."),
    "reason:visa_expired": _(
        "The visa expired on %(expired)s: an overstayer is treated as illegal."
    ),
    "reason:poc_valid": _(
        "A Pakistan Origin Card allows stay (court orders for spouses of Pakistanis)."
    ),
    "reason:poc_expired": _("The Pakistan Origin Card expired on %(expired)s."),
    "reason:acc_held": _("The Afghan Citizen Card proves identity; it is not refugee status."),
    "reason:umrf_held": _(
        "The UMRF certificate identifies a member of a PoR family; its standing is uncertain."
    ),
    "reason:no_stay_document": _(
        "No PoR card, Afghan Citizen Card, Pakistan Origin Card or valid visa."
    ),
    "reason:juvenile": _("Under 18: the Juvenile Justice System Act 2018 applies."),
    "reason:juvenile_year_only": _(
        "Only the year of birth (%(year)s) is known, so the person may still be under 18: "
        "treat them as a child under the Juvenile Justice System Act 2018 until the age is "
        "confirmed."
    ),
    "reason:possible_citizen": _(
        "Born in Pakistan or with a Pakistani parent: may be a Pakistani citizen (Citizenship Act 1951, ss. 4-5)."  # noqa: E501
    ),
    "reason:unhcr_papers": _(
        "UNHCR papers give no secure status in Pakistan, but UNHCR can intervene."
    ),
    "reason:non_refoulement": _("Forced return of a refugee may breach non-refoulement."),
    "deadline:deadline": _("Deadline to leave announced by the government"),
    "deadline:enforcement": _("Arrests and deportation start"),
    "deadline:ends": _("Document or status ends"),
    "action:get_legal_help_now": _("Get legal help now: call the helpline or an advocate."),
    "action:custody_24h": _(
        "If arrested: you must be brought before a magistrate within 24 hours."
    ),
    "action:lawyer_of_choice": _(
        "If arrested: you have the right to be told why and to a lawyer of your choice."
    ),
    "action:renew_visa": _(
        "Apply to extend the visa before it expires, and keep proof of the application."
    ),
    "action:keep_por_card": _("Keep the PoR card, or at least its number, with you."),
    "action:juvenile_protections": _(
        "A child must not be held in a police lock-up and must get a lawyer at State expense."
    ),
    "action:citizenship_lawyer": _("Ask an advocate about a claim to Pakistani citizenship."),
    "action:contact_unhcr": _(
        "Tell UNHCR or its legal partner: they can intervene for asylum-seekers and refugees."
    ),
    "action:raise_non_refoulement": _(
        "Raise non-refoulement with the advocate and UNHCR before any removal."
    ),
}


def texts() -> dict[str, str]:
    """Return every label evaluated in the active language."""
    return {code: str(text) for code, text in LABELS.items()}
