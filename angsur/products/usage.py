"""Who uses a rate card, asked without importing the apps above products.

A rate card that priced something kept (a saved quote, today) is frozen: a change would make that
quote irreproducible, so a new version is published instead (products/admin.py). The apps that keep
priced things sit above products in the layers (tests/test_layers.py), so they register a check here
when they start (``OriginationConfig.ready``), as servicing fills origination's exposure registry.
"""

from collections.abc import Callable

RateCardCheck = Callable[[int], bool]
_checks: list[RateCardCheck] = []


def register(check: RateCardCheck) -> None:
    """Add a check "does anything of yours use the rate card with this id?" (once per process)."""
    if check not in _checks:
        _checks.append(check)


def rate_card_used(rate_card_id: int) -> bool:
    """True when any registered app keeps something priced on the rate card."""
    return any(check(rate_card_id) for check in _checks)
