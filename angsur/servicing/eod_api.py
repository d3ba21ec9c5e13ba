"""The end-of-day API (issue 11): the runs (Admin, eod.run) and a contract's daily history (scoped like the contract)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from angsur.finance.money import from_minor, money_str
from angsur.schemas import InputSchema, MoneyStr
from angsur.servicing import eod_selectors
from angsur.servicing.eod_services import eod_start
from angsur.servicing.models import ContractDay, EodRun

router = Router()


class EodRunIn(InputSchema):
    business_date: dt.date | None = Field(None, description="The date to close; default: the day after the last closed one")
    rerun: bool = Field(False, description="Run a date again that is closed (or before the last closed date)")


class EodRunOut(Schema):
    business_date: dt.date
    status: str  # running, closed, failed
    runs: int
    chunks_total: int
    chunks_done: int
    contracts: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    duration_seconds: float | None
    error: str
    hooks: dict[str, str]  # after-close hook -> "ok" or its error


class ContractDayOut(Schema):
    business_date: dt.date
    status: str
    dpd: int
    bucket: str
    collectibility: int
    mob: int
    premature: bool
    fpd: bool
    overdue_installments: int
    overdue: MoneyStr
    late_fee: MoneyStr
    outstanding_principal: MoneyStr
    next_due_date: dt.date | None
    next_due: MoneyStr


class DaysQuery(Schema):
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


def _run(run: EodRun) -> dict[str, Any]:
    duration = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return {
        "business_date": run.business_date,
        "status": run.status,
        "runs": run.runs,
        "chunks_total": run.chunks_total,
        "chunks_done": getattr(run, "chunks_done", 0),
        "contracts": run.contracts,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "duration_seconds": round(duration, 1) if duration is not None else None,
        "error": run.error,
        "hooks": {str(k): str(v) for k, v in (run.hooks or {}).items()},
    }


def _day(row: ContractDay) -> dict[str, Any]:
    return {
        "business_date": row.business_date,
        "status": row.status,
        "dpd": row.dpd,
        "bucket": row.bucket,
        "collectibility": row.collectibility,
        "mob": row.mob,
        "premature": row.premature,
        "fpd": row.fpd,
        "overdue_installments": row.overdue_installments,
        "overdue": money_str(from_minor(row.overdue_sen)),
        "late_fee": money_str(from_minor(row.late_fee_sen)),
        "outstanding_principal": money_str(from_minor(row.outstanding_principal_sen)),
        "next_due_date": row.next_due_date,
        "next_due": money_str(from_minor(row.next_due_sen)),
    }


@router.get("/eod/runs", response=list[EodRunOut])
def eod_run_list(request: HttpRequest) -> list[dict]:
    """The end-of-day runs, newest business date first (capability eod.run)."""
    return [_run(run) for run in eod_selectors.eod_runs(viewer=request.auth)]


@router.post("/eod/runs", response={202: EodRunOut})
def eod_run_start(request: HttpRequest, payload: EodRunIn) -> Status:
    """Start the end-of-day of a date on the task queue (202); a closed date needs `rerun`, a running one answers 409."""
    day = payload.business_date or eod_selectors.eod_next_date()
    eod_start(actor=request.auth, business_date=day, rerun=payload.rerun)
    run = eod_selectors.eod_run_get(viewer=request.auth, business_date=day)
    return Status(202, _run(run))


@router.get("/contracts/{contract_id}/days", response=list[ContractDayOut])
def contract_day_list(request: HttpRequest, contract_id: int, query: Query[DaysQuery]) -> list[dict]:
    """The contract's end-of-day snapshots between `from` and `to` (at most 400 days, oldest first)."""
    rows = eod_selectors.contract_days(viewer=request.auth, contract_id=contract_id, date_from=query.date_from, date_to=query.date_to)
    return [_day(row) for row in rows]
