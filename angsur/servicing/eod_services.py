"""Writes of the end-of-day started by a person (screen, API): checked, then handed to the task queue."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from angsur.errors import DomainError
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.servicing.models import EodRun
from angsur.servicing.tasks import eod_enqueue


def eod_start(*, actor: Any, business_date: dt.date, rerun: bool = False) -> EodRun:
    """Start the end-of-day of a date on the ``eod`` queue (the workers compute it); audited ``eod.run``.

    The same rules as the command: a closed date needs ``rerun``, a date still running is refused, a
    date that has not ended in every branch is refused.
    """
    require(actor, Capability.EOD_RUN)
    if not isinstance(business_date, dt.date):
        raise DomainError("date_invalid", _("Enter a valid date."), field="business_date")
    return eod_enqueue(business_date, actor=actor, rerun=rerun)
