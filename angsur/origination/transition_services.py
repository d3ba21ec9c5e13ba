"""The steps every origination service shares: lock the application and check the workflow table, move it
along the table, and the table's actor checks for steps outside it (documents, conditions, the SLIK entry).

Locks: the application row is taken with select_for_update() and its `version` compared with the
version the user saw, so two analysts deciding at once cannot both win (the second gets a 409).
"""

from typing import Any

from django.utils.translation import gettext as _

from angsur.org.models import User
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.origination.models import Application
from angsur.origination.workflow import APPLICATION, decider_level, independent, owner_or_branch_marketing, same_branch
from angsur.workflow.engine import lock


def _lock(application: Application, expected_version: int | None, *, action: str | None = None, actor: User | None = None) -> Application:
    """Lock the application (409 on a stale version) and, given an action, check it against the workflow table."""
    app = lock(
        Application,
        application.pk,
        expected_version=expected_version,
        stale_message=_("Someone else changed this application in the meantime. Reload it and try again."),
    )
    if action is not None:
        APPLICATION.check(app, action, actor)
    return app


def _transition(app: Application, action: str, *, actor: User, fields: list[str], extra: dict[str, Any] | None = None) -> str:
    """Move the application along the workflow table (already checked by _lock), bump its version and audit the step."""
    return APPLICATION.transition(app, action, actor=actor, fields=fields, extra=extra, checked=False)


def _require_owner_or_branch_marketing(actor: User, app: Application) -> None:
    """For steps outside the table (documents): the same check as the table's order actions."""
    require(actor, Capability.ORDER_CREATE)
    refused = owner_or_branch_marketing(app, actor)
    if refused is not None:
        raise refused.error()


def _require_decider(actor: User, app: Application) -> int:
    """For steps outside the table (the SLIK entry): the same checks as the table's decide actions."""
    require(actor, Capability.CREDIT_DECIDE)
    for check in (same_branch, independent):
        refused = check(app, actor)
        if refused is not None:
            raise refused.error()
    return decider_level(actor)
