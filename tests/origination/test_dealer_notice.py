"""The dealer's notice tells the new terms and the policy, never the customer's income or bureau record (issue 17 item 5).

A "dp" counter-offer is the smallest DP whose installment fits the DSR ceiling, so its installment sat
at the ceiling: 1,386,000 / 33 % gave the verified income 4,200,000 exactly. A rejection for the
bureau record told the dealer that the customer's credit history was bad.
"""

from decimal import Decimal

import pytest

from angsur.origination.selectors import dealer_notice
from angsur.origination.services import analysis_start, bureau_check_record, decision_record
from tests.origination.conftest import AS_OF

INCOME = Decimal("3000000")  # the 24-month installment of the order (1,118,000) breaks 33 % of it


def _analysed(surveyed, staff, *, income=INCOME, kol=1):
    app = surveyed(data={"verified_income": income}, income=income)
    app = analysis_start(actor=staff["ca"], application=app)
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=kol, as_of=AS_OF)
    return app


def _income_follows(installment: str | None, ceiling: Decimal = Decimal("0.33")) -> bool:
    """Whether the verified income is within Rp 100,000 of installment / ceiling (round incomes are the common case)."""
    return installment is not None and abs(Decimal(installment) / ceiling - INCOME) < 100_000


@pytest.mark.parametrize("kind", ["dp", None])
def test_counter_offer_shows_the_terms_but_no_figure_the_income_follows_from(surveyed, staff, api, dealer_user_a, kind):
    app = _analysed(surveyed, staff)
    decision = decision_record(
        actor=staff["ca"],
        application=app,
        outcome="approve_conditions",
        reason_codes=["dsr_too_high"],
        rationale="DSR di atas batas.",
        as_of=AS_OF,
        counter_offer_kind=kind,
    )
    offer = decision.counter_offer
    # the analyst's offer sits at the ceiling: its installment gives the income away
    assert _income_follows(offer["installment"]), offer

    app.refresh_from_db()
    notice = dealer_notice(app)
    shown = notice["counter_offer"]
    assert (shown["down_payment"], shown["tenor_months"], shown["tdp"]) == (offer["down_payment"], offer["tenor_months"], offer["tdp"])
    assert not _income_follows(shown["installment"])

    body = api(dealer_user_a).get(f"/api/applications/{app.pk}").json()
    assert body["notice"]["counter_offer"]["installment"] is None
    assert offer["installment"] not in str(body["notice"])


def test_counter_offer_far_below_the_ceiling_shows_its_installment(surveyed, staff, settings):
    settings.ANGSUR_DEALER_INSTALLMENT_MARGIN_PCT = Decimal("0")
    app = _analysed(surveyed, staff)
    decision_record(
        actor=staff["ca"],
        application=app,
        outcome="approve_conditions",
        reason_codes=["dsr_too_high"],
        rationale="DSR di atas batas.",
        as_of=AS_OF,
        counter_offer_kind="dp",
    )
    app.refresh_from_db()
    assert dealer_notice(app)["counter_offer"]["installment"] is not None


def test_rejection_for_the_bureau_record_is_told_in_neutral_words(surveyed, staff, api, web, dealer_user_a):
    app = _analysed(surveyed, staff, kol=4)
    decision_record(
        actor=staff["ca"],
        application=app,
        outcome="reject",
        reason_codes=["bureau_collectibility", "negative_list"],
        rationale="Kol 4 di SLIK.",
        as_of=AS_OF,
        reasons_override=True,  # no negative-list entry: that reason is kept against the analysis
    )
    app.refresh_from_db()

    notice = dealer_notice(app)
    api_notice = api(dealer_user_a).get(f"/api/applications/{app.pk}").json()["notice"]
    page = web(dealer_user_a).get(f"/applications/{app.pk}/").content.decode()

    assert [e["code"] for e in notice["explanations"]] == ["policy"]  # both neutral reasons: one neutral line
    for told in (str(notice), str(api_notice), page):
        assert "bureau" not in told.lower() and "slik" not in told.lower()
        assert "riwayat kredit" not in told.lower() and "credit history" not in told.lower()
        assert "daftar hitam" not in told.lower() and "negative" not in told.lower()


def test_neutral_wording_and_reasons_are_configurable(surveyed, staff, settings):
    settings.ANGSUR_DEALER_NEUTRAL_REASON = "Pengajuan belum dapat kami setujui."
    settings.ANGSUR_DEALER_NEUTRAL_REMEDY = "Silakan hubungi CMO kami."
    app = _analysed(surveyed, staff, kol=4)
    decision_record(
        actor=staff["ca"], application=app, outcome="reject", reason_codes=["bureau_collectibility"], rationale="Kol 4.", as_of=AS_OF
    )
    app.refresh_from_db()
    assert dealer_notice(app)["explanations"] == [
        {"code": "policy", "reason": "Pengajuan belum dapat kami setujui.", "remedy": "Silakan hubungi CMO kami."}
    ]
    settings.ANGSUR_DEALER_NEUTRAL_REASON_CODES = frozenset()
    assert dealer_notice(app)["explanations"][0]["code"] == "bureau_collectibility"
