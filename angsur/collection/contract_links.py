"""The contract page's link to the contract's collection case (servicing's registry, ``servicing/contract_links.py``)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from angsur.collection.selectors import case_for_contract
from angsur.org.roles import Capability
from angsur.org.scoping import user_can
from angsur.servicing.contract_links import ContractLink


def collection_case_link(viewer: Any, contract: Any) -> ContractLink | None:
    """The case of the contract when the viewer may open it (one query), else None."""
    if not user_can(viewer, Capability.COLLECTION_VIEW):
        return None
    case = case_for_contract(viewer=viewer, contract_id=contract.pk)
    if case is None:
        return None
    label = _("Collection case: %(stage)s") % {"stage": case.get_stage_display()}
    return ContractLink(label, reverse("collection_case", args=[case.pk]))
