"""The contract page's link to the contract's remedial page (servicing's registry, ``servicing/contract_links.py``)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from angsur.org.roles import Capability
from angsur.org.scoping import user_can
from angsur.servicing.contract_links import ContractLink


def remedial_link(viewer: Any, contract: Any) -> ContractLink | None:
    """The warning letters and repossession page, for those who issue them (no query: the contract is in scope)."""
    if not (user_can(viewer, Capability.WARNING_LETTER) or user_can(viewer, Capability.REPOSSESSION)):
        return None
    return ContractLink(_("Warning letters and repossession"), reverse("remedial_contract", args=[contract.pk]))
