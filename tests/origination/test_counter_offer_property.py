"""Property: an accepted counter-offer passes the analysis.

The counter-offer (products.services.counter_offers, through finance.solve_dp_for_dsr) and the
analysis (origination.selectors.application_analysis) must agree on what fits: both use the one
DSR of finance.policy and the same ceiling. A counter-offer the analysis then refuses would send
the customer back to the dealer with terms the company itself does not accept.
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from angsur.origination.selectors import application_analysis
from angsur.origination.services import analysis_start, bureau_check_record, conditions_accept, decision_record
from angsur.origination.workflow import Status
from tests.origination.conftest import AS_OF

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)
@given(
    # Incomes around the 24-month installment's ceiling (1,118,000 / 0.33 ≈ 3.39 M), to the rupiah.
    income=st.integers(min_value=2_400_000, max_value=3_400_000).map(Decimal),
    kind=st.sampled_from(["dp", "tenor"]),
)
@example(income=Decimal(3_000_000), kind="dp")
@example(income=Decimal(3_387_879), kind="dp")
def test_an_accepted_counter_offer_passes_the_analysis(surveyed, staff, cmo_a, income, kind):
    # Given an application whose DSR breaks the ceiling at the verified income
    app = surveyed(data={"verified_income": income}, income=income)
    app = analysis_start(actor=staff["ca"], application=app)
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    before = application_analysis(app, as_of=AS_OF)
    if before.dsr_fits:
        return  # nothing to counter at this income

    # When the analyst approves with a counter-offer of that kind, if the quote engine finds one
    try:
        decision = decision_record(
            actor=staff["ca"],
            application=app,
            outcome="approve_conditions",
            reason_codes=["dsr_too_high"],
            rationale="DSR di atas batas.",
            as_of=AS_OF,
            counter_offer_kind=kind,
        )
    except Exception as error:
        assert getattr(error, "code", None) == "no_counter_offer", error
        return
    app.refresh_from_db()
    accepted = conditions_accept(actor=cmo_a, application=app, as_of=AS_OF)

    # Then the application on the accepted terms passes the DSR and minimum-DP rules of the analysis
    assert accepted.status == Status.APPROVED
    after = application_analysis(accepted, as_of=AS_OF)
    assert after.dsr_fits, (decision.counter_offer, after.dsr_ratio)
    rules = {r.code: r.passed for r in after.policy}
    assert rules["dsr_ceiling"] and rules["min_dp"]
    # and the DSR shown with the offer is the DSR the analysis then shows
    assert Decimal(decision.counter_offer["dsr_pct"]) == after.dsr_pct
