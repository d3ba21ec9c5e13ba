"""The customer's other contracts with the company, as origination sees them without importing servicing.

Origination sits below servicing in the layers (tests/test_layers.py), so servicing registers a provider
here when it starts (``ServicingConfig.ready``); the analysis then counts the installments of the
applicant's open contracts in the DSR, across branches (issue 15, item 2). Without servicing installed,
there are no contracts and nothing is counted.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class OwnContract:
    """An open contract of the company held by the same NIK."""

    contract_number: str
    branch_code: str
    monthly_installment: Decimal
    outstanding: Decimal


Provider = Callable[[str, int | None], list[OwnContract]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a source of own contracts (called once per process from an AppConfig.ready)."""
    if provider not in _providers:
        _providers.append(provider)


def own_contracts(nik: str, *, exclude_application_id: int | None = None) -> list[OwnContract]:
    """The NIK's open contracts with the company, except the one booked from ``exclude_application_id``."""
    if not nik:
        return []
    return [contract for provider in _providers for contract in provider(nik, exclude_application_id)]
