"""Reads of the end-of-day: the runs, the next date to close, a contract's daily history (scoped like its page)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from angsur.errors import DomainError
from angsur.finance.money import from_minor
from angsur.org.clock import calendar_date
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.servicing.models import ContractDay, EodChunkStatus, EodRun, EodStatus
from angsur.servicing.selectors import contract_get, contract_scope

MAX_DAYS = 400
# The contract page's history: a month of closes, enough to see an arrear start, roll and cure.
PAGE_HISTORY_DAYS = 30


def eod_last_closed() -> dt.date | None:
    return EodRun.objects.filter(status=EodStatus.CLOSED).aggregate(last=Max("business_date"))["last"]


def eod_next_date() -> dt.date:
    """The date the next end-of-day closes: the day after the last closed one, or yesterday before the first run."""
    last = eod_last_closed()
    if last is not None:
        return last + dt.timedelta(days=1)
    return calendar_date(None) - dt.timedelta(days=1)


def eod_runs(*, viewer: Any, limit: int = 60) -> list[EodRun]:
    """The latest runs, newest date first, with how many chunks are done."""
    require(viewer, Capability.EOD_RUN)
    qs = EodRun.objects.annotate(chunks_done=Count("chunks", filter=Q(chunks__status=EodChunkStatus.DONE))).order_by("-business_date")
    return list(qs[:limit])


def eod_run_get(*, viewer: Any, business_date: dt.date) -> EodRun | None:
    require(viewer, Capability.EOD_RUN)
    return (
        EodRun.objects.annotate(chunks_done=Count("chunks", filter=Q(chunks__status=EodChunkStatus.DONE)))
        .filter(business_date=business_date)
        .first()
    )


def contract_days(*, viewer: Any, contract_id: Any, date_from: dt.date | None = None, date_to: dt.date | None = None) -> list[ContractDay]:
    """A contract's daily snapshots between two dates (404 outside the viewer's scope), oldest first, at most 400 days."""
    contract = contract_get(viewer=viewer, pk=contract_id)
    if date_from and date_to and date_from > date_to:
        raise DomainError("date_range_invalid", _("The start date is after the end date."), field="from")
    qs = ContractDay.objects.filter(contract=contract)
    if date_from:
        qs = qs.filter(business_date__gte=date_from)
    if date_to:
        qs = qs.filter(business_date__lte=date_to)
    rows = list(qs.order_by("-business_date")[:MAX_DAYS])
    rows.reverse()
    return rows


@dataclass(frozen=True)
class EodPosition:
    """A contract's end-of-day picture for its page: the latest snapshot and the last ones, newest first."""

    latest: ContractDay | None
    history: list[ContractDay]

    @property
    def overdue(self) -> Decimal:
        return from_minor(self.latest.overdue_sen) if self.latest else Decimal(0)

    @property
    def late_fee(self) -> Decimal:
        return from_minor(self.latest.late_fee_sen) if self.latest else Decimal(0)


def contract_eod_position(*, viewer: Any, contract_id: Any, history: int = PAGE_HISTORY_DAYS) -> EodPosition:
    """The contract's latest snapshot and its last ``history`` ones, newest first, in one query.

    Scoped like the contract (``contract_scope``): a contract outside the viewer's scope has no picture
    (its page has already answered 404).
    """
    rows = list(
        ContractDay.objects.filter(contract_id=contract_id, contract__in=contract_scope(viewer=viewer)).order_by("-business_date")[:history]
    )
    return EodPosition(latest=rows[0] if rows else None, history=rows)
