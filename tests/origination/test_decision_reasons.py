"""Decision reasons as rows: what the dealer scorecard and the CMO's figures count, in SQL."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db.models import Count

from angsur.origination.models import DecisionReason
from angsur.origination.services import analysis_start, bureau_check_record, decision_record
from tests.origination.conftest import AS_OF

pytestmark = pytest.mark.django_db


def _reject(app, analyst, codes):
    app = analysis_start(actor=analyst, application=app)
    bureau_check_record(actor=analyst, application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    # The DSR of these applications passes: "DSR too high" is kept as an explicit override.
    return decision_record(
        actor=analyst, application=app, outcome="reject", reason_codes=codes, rationale="Ditolak.", as_of=AS_OF, reasons_override=True
    )


def test_each_reason_of_a_decision_is_a_row_with_its_dealer_cmo_and_branch(surveyed, staff):
    decision = _reject(surveyed(), staff["ca"], ["dsr_too_high", "character", "dsr_too_high"])

    rows = list(DecisionReason.objects.filter(decision=decision).order_by("code"))
    app = decision.application
    assert [(r.code, r.outcome) for r in rows] == [("character", "reject"), ("dsr_too_high", "reject")]
    expected = (app.dealer_id, app.cmo_id, app.branch_id, decision.created_at)
    assert {(r.dealer_id, r.cmo_id, r.branch_id, r.decided_at) for r in rows} == {expected}


def test_rejection_reasons_are_counted_per_dealer_in_one_query(surveyed, staff, dealer_a, django_assert_num_queries):
    _reject(surveyed(), staff["ca"], ["dsr_too_high"])
    _reject(surveyed(), staff["ca"], ["dsr_too_high", "character"])

    with django_assert_num_queries(1):
        counts = {
            (row["dealer"], row["code"]): row["n"]
            for row in DecisionReason.objects.filter(outcome="reject").values("dealer", "code").annotate(n=Count("id"))
        }
    assert counts == {(dealer_a.pk, "dsr_too_high"): 2, (dealer_a.pk, "character"): 1}


def test_the_migration_backfills_decisions_recorded_before_the_rows(surveyed, staff):
    decision = _reject(surveyed(), staff["ca"], ["character", "other"])
    DecisionReason.objects.all().delete()

    import_module("angsur.origination.migrations.0006_decision_reason_rows").backfill(apps, None)

    assert sorted(DecisionReason.objects.filter(decision=decision).values_list("code", flat=True)) == ["character", "other"]
