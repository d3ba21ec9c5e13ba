"""Who sees which part of an application, declared once for pages, API and PDFs.

Three projections of an application exist: the **dealer**'s (its own orders, a privacy-safe notice:
never income, bureau data, survey notes or the analysts' words), **staff** (marketing, admin: the
order, the parties, the survey, the outcome and its reason codes) and the **decider**'s (credit
analysts up to the branch manager: everything, including the SLIK result, the analysis and the
rationale, which analysts fill with bureau details). The HTML detail page, the API and the PDFs ask
``sees(user, Part.X)``; none decides it on its own.
"""

from enum import StrEnum
from typing import Any

from angsur.org.roles import Capability, Role
from angsur.org.scoping import user_can


class Part(StrEnum):
    """A part of an application whose readers are restricted."""

    # The SLIK result: collectibility, outstanding, the analyst's note (POJK 18/2017: credit information).
    BUREAU = "bureau"
    # DSR, verified income, scorecard lines, policy results (their parameters carry the bureau's Kol).
    ANALYSIS = "analysis"
    # The decider's free-text rationale (analysts write bureau findings there).
    RATIONALE = "rationale"
    # What a flag points at: a negative-list reason, another branch's application number.
    FLAG_DETAIL = "flag_detail"
    # The order as captured: parties unmasked, household, documents, the survey and its notes.
    ORDER = "order"
    # The CMO's pre-check: DSR on the order's income and the policy rules without the bureau's findings.
    PRECHECK = "precheck"


class Viewer(StrEnum):
    DEALER = "dealer"
    STAFF = "staff"
    DECIDER = "decider"


SEES: dict[Viewer, frozenset[Part]] = {
    Viewer.DEALER: frozenset(),
    Viewer.STAFF: frozenset({Part.ORDER, Part.PRECHECK}),
    Viewer.DECIDER: frozenset(Part),
}


def viewer_of(user: Any) -> Viewer:
    """Which projection a person gets."""
    if user.role == Role.DEALER:
        return Viewer.DEALER
    return Viewer.DECIDER if user_can(user, Capability.CREDIT_DECIDE) else Viewer.STAFF


def sees(user: Any, part: Part) -> bool:
    """Whether the person may read that part of an application in their scope."""
    return part in SEES[viewer_of(user)]


def visibility(user: Any) -> dict[str, bool]:
    """Every part, for templates: ``{% if sees.bureau %}``."""
    allowed = SEES[viewer_of(user)]
    return {part.value: part in allowed for part in Part}
