"""Shared inputs for the money-core tests: the OJK literacy example and a builder."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from angsur.finance import QuoteInput, RateSpec, Timing

AS_OF = date(2025, 1, 15)


@pytest.fixture
def ojk() -> QuoteInput:
    """Return OJK's example: OTR 15,000,000, DP 3,000,000, 17 % flat, 12 months ADDB."""
    return QuoteInput(
        otr=Decimal("15000000"),
        down_payment=Decimal("3000000"),
        tenor_months=12,
        rate=RateSpec("flat", Decimal("17")),
        timing=Timing.ADDB,
        contract_date=AS_OF,
    )


@pytest.fixture
def with_terms(ojk: QuoteInput):
    """Return a function that copies the OJK input with some terms changed."""

    def build(**changes: Any) -> QuoteInput:
        return replace(ojk, **changes)

    return build
