"""Servicing's answer to origination's question "which contracts does this NIK already hold?"."""

from angsur.finance.money import from_minor
from angsur.origination.exposure import OwnContract
from angsur.servicing.models import Contract
from angsur.servicing.selectors import OPEN_STATUSES


def open_contracts_for_nik(nik: str, exclude_application_id: int | None) -> list[OwnContract]:
    """The company's open contracts of this NIK in every branch (the DSR counts them), oldest first."""
    rows = Contract.objects.filter(customer_nik=nik, status__in=OPEN_STATUSES)
    if exclude_application_id is not None:
        rows = rows.exclude(application_id=exclude_application_id)
    return [
        OwnContract(number, branch_code, from_minor(installment), from_minor(outstanding))
        for number, branch_code, installment, outstanding in rows.order_by("signing_date", "id").values_list(
            "number", "branch__code", "installment_sen", "outstanding_sen"
        )
    ]
