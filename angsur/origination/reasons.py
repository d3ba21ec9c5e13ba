"""Decision reason codes: what the analyst records, and what the dealer may be told.

The dealer explanation names the policy the deal failed and what would make it workable, and
never the applicant's income, bureau data or survey notes (UU 27/2022 Pelindungan Data Pribadi).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ReasonCode(models.TextChoices):
    DSR_TOO_HIGH = "dsr_too_high", gettext_lazy("Installment above the repayment capacity (DSR)")
    DP_BELOW_MINIMUM = "dp_below_minimum", gettext_lazy("Down payment below the minimum")
    BUREAU_COLLECTIBILITY = "bureau_collectibility", gettext_lazy("Credit history (SLIK) does not meet policy")
    NEGATIVE_LIST = "negative_list", gettext_lazy("On the company's negative list")
    RESIDENCE_UNVERIFIED = "residence_unverified", gettext_lazy("Residence could not be verified")
    EMPLOYMENT_UNVERIFIED = "employment_unverified", gettext_lazy("Employment or income could not be verified")
    CHARACTER = "character", gettext_lazy("Negative neighbour or character check")
    DOCUMENTS_INCOMPLETE = "documents_incomplete", gettext_lazy("Documents incomplete")
    AGE = "age", gettext_lazy("Age outside policy")
    VEHICLE = "vehicle", gettext_lazy("Vehicle outside policy (age or condition)")
    DATA_INCONSISTENT = "data_inconsistent", gettext_lazy("Data inconsistent or suspected fraud")
    GUARANTOR_NEEDED = "guarantor_needed", gettext_lazy("A guarantor is needed")
    GOOD_PROFILE = "good_profile", gettext_lazy("Profile within policy")
    OTHER = "other", gettext_lazy("Other (see rationale)")


# Reasons the dealer is told only in neutral words: naming them would tell the dealer about the customer's
# bureau record (SLIK), the company's negative list or the neighbours' statements (UU 27/2022 PDP; POJK
# 6/2022 on consumer protection keeps SLIK data between the customer and the lender).
# Setting ANGSUR_DEALER_NEUTRAL_REASON_CODES replaces the set; ANGSUR_DEALER_NEUTRAL_REASON and
# ANGSUR_DEALER_NEUTRAL_REMEDY replace the neutral wording (used as written: give it in Bahasa Indonesia).
NEUTRAL_REASON_CODES = frozenset({"bureau_collectibility", "negative_list", "character", "data_inconsistent"})


def _neutral_explanation() -> tuple[str, str]:
    reason = getattr(settings, "ANGSUR_DEALER_NEUTRAL_REASON", "") or _("The application does not meet our credit policy.")
    remedy = getattr(settings, "ANGSUR_DEALER_NEUTRAL_REMEDY", "") or _(
        "The CMO can tell the customer what to do next; the customer may ask us for the reason directly."
    )
    return str(reason), str(remedy)


# Reasons that state a finding of the analysis, with the policy rules that make the finding. Choosing
# one while all its rules passed contradicts the analysis: the decider must say so explicitly
# (``reasons_override``) and explain it in the rationale.
REASON_FINDINGS: dict[str, frozenset[str]] = {
    "dsr_too_high": frozenset({"dsr_ceiling"}),
    "dp_below_minimum": frozenset({"min_dp"}),
    "bureau_collectibility": frozenset({"bureau_kol"}),
    "negative_list": frozenset({"negative_list"}),
    "age": frozenset({"age_at_application", "age_at_maturity"}),
}


def contradicted_reasons(codes: list[str], policy: list[dict[str, Any]]) -> list[str]:
    """The chosen reasons whose findings the analysis contradicts: every rule behind them was evaluated and passed."""
    results = {rule["code"]: rule for rule in policy}
    contradicted = []
    for code in dict.fromkeys(codes):
        rules = REASON_FINDINGS.get(code)
        if not rules or not rules <= results.keys():
            continue
        if all(results[rule]["passed"] and not (results[rule].get("params") or {}).get("missing") for rule in rules):
            contradicted.append(code)
    return contradicted


def dealer_explanations(codes: list[str], *, counter_offer: bool = False) -> list[dict[str, str]]:
    """The dealer's explanations for a decision's reason codes: neutral ones told once, under a neutral code.

    ``counter_offer`` says whether the decision carries a counter-offer: only then does a remedy point at it.
    The company's own wording per reason (``DealerReasonWording``) replaces the built-in sentences.
    """
    from angsur.origination.models import DealerReasonWording

    wordings = {w.code: w for w in DealerReasonWording.objects.filter(code__in=list(codes))} if codes else {}
    explanations: list[dict[str, str]] = []
    for code in codes:
        explanation = dealer_explanation(code, counter_offer=counter_offer, wording=wordings.get(code))
        if explanation not in explanations:
            explanations.append(explanation)
    return explanations


def dealer_explanation(code: str, *, counter_offer: bool = False, wording: Any = None) -> dict[str, str]:
    """A privacy-safe sentence for the dealer: the policy failed and what would make the deal workable."""
    neutral = getattr(settings, "ANGSUR_DEALER_NEUTRAL_REASON_CODES", NEUTRAL_REASON_CODES)
    if code in neutral:
        reason, remedy = _neutral_explanation()
        # The code itself would name the reason: the dealer gets the neutral one.
        return {"code": "policy", "reason": reason, "remedy": remedy}
    if wording is not None:
        remedy = (wording.remedy_with_counter_offer if counter_offer else "") or wording.remedy
        return {"code": code, "reason": wording.reason, "remedy": remedy}
    texts = {
        ReasonCode.DSR_TOO_HIGH: (
            _("The installment is above the repayment capacity our policy allows for this customer."),
            _("A larger down payment or a longer tenor can make it workable; see the counter-offer.")
            if counter_offer
            else _("A larger down payment or a longer tenor can make it workable."),
        ),
        ReasonCode.DP_BELOW_MINIMUM: (
            _("The down payment is below the minimum for this product."),
            _("Raise the down payment to at least the product minimum."),
        ),
        ReasonCode.BUREAU_COLLECTIBILITY: (
            _("The customer's credit history does not meet our policy."),
            _("The customer may resubmit once their credit history has been settled."),
        ),
        ReasonCode.NEGATIVE_LIST: (
            _("The application cannot be financed under company policy."),
            _("No change of terms can make this application workable."),
        ),
        ReasonCode.RESIDENCE_UNVERIFIED: (
            _("The customer's residence could not be verified during the survey."),
            _("Resubmit with proof of residence (PBB or electricity bill) and a reachable address."),
        ),
        ReasonCode.EMPLOYMENT_UNVERIFIED: (
            _("The customer's employment or income could not be verified."),
            _("Resubmit with a payslip, an employer letter or bank statements."),
        ),
        ReasonCode.CHARACTER: (
            _("The field check did not support the application."),
            _("No change of terms can make this application workable."),
        ),
        ReasonCode.DOCUMENTS_INCOMPLETE: (
            _("Required documents are missing."),
            _("Complete the document checklist and resubmit."),
        ),
        ReasonCode.AGE: (
            _("The customer's age is outside our policy for this tenor."),
            _("A shorter tenor or an eligible co-applicant may make it workable."),
        ),
        ReasonCode.VEHICLE: (
            _("The vehicle is outside our policy for this product or tenor."),
            _("A shorter tenor or a newer vehicle may make it workable."),
        ),
        ReasonCode.DATA_INCONSISTENT: (
            _("The application data could not be confirmed."),
            _("No change of terms can make this application workable."),
        ),
        ReasonCode.GUARANTOR_NEEDED: (
            _("The application needs a guarantor under our policy."),
            _("Add a guarantor who meets our criteria."),
        ),
        ReasonCode.GOOD_PROFILE: (_("The application meets our policy."), ""),
        ReasonCode.OTHER: (_("The application does not meet our policy."), _("Ask the CMO for the options available.")),
    }
    reason, remedy = texts.get(code, texts[ReasonCode.OTHER])
    return {"code": code, "reason": reason, "remedy": remedy}
