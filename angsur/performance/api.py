"""API of performance: scorecards, CMO figures and leaderboards, dashboard charts' data, targets, incentive
runs and statements, repeat orders. Thin: scope and figures come from ``selectors``, writes from ``services``."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import Field

from angsur.errors import DomainError, PermissionDenied
from angsur.finance.money import from_minor, money_str
from angsur.org.clock import business_date, calendar_date
from angsur.org.roles import Role
from angsur.performance import exports, reports, selectors, services
from angsur.performance.exports import file_response
from angsur.performance.schemas import ChartOut, CmoOut, RepeatOut, RunOut, ScorecardOut, StatementOut
from angsur.performance.selectors import Period, add_months, month_start
from angsur.schemas import InputSchema

router = Router(tags=["performance"])

Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]


def _today(user: Any) -> dt.date:
    branch = getattr(user, "branch", None)
    return business_date(branch) if branch is not None else calendar_date(None)


def _month(value: str | None, default: dt.date) -> dt.date:
    if not value:
        return month_start(default)
    try:
        parsed = dt.date.fromisoformat(value + "-01")
    except ValueError:
        raise DomainError("invalid_month", _("Enter a month as YYYY-MM."), field="month") from None
    if not 1900 <= parsed.year <= 2199:
        raise DomainError("invalid_month", _("Enter a month as YYYY-MM."), field="month")
    return parsed


class PeriodQuery(InputSchema):
    month_from: str | None = Field(None, alias="from", description="First month, YYYY-MM (default: 11 months before `to`)")
    month_to: str | None = Field(None, alias="to", description="Last month, YYYY-MM (default: the business date's month)")


class FilterQuery(PeriodQuery):
    branch: int | None = None
    dealer: int | None = None
    cmo: int | None = None
    product: int | None = None


def _period(user: Any, query: PeriodQuery) -> Period:
    last = _month(query.month_to, _today(user))
    return Period(_month(query.month_from, add_months(last, -11)), last)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _origination(f: selectors.OriginationFigures) -> dict[str, Any]:
    return {
        "orders": f.orders,
        "decided": f.decided,
        "approved": f.approved,
        "approval_rate": _s(f.approval_rate),
        "turnaround_hours": _s(f.turnaround_hours),
        "bookings": f.bookings,
        "booked": money_str(f.booked),
    }


def _quality(q: selectors.QualityFigures) -> dict[str, Any]:
    return {
        "fpd_rate": _s(q.fpd_rate),
        "dpd30_mob3": _s(q.dpd30_at_mob.get(3)),
        "dpd30_mob6": _s(q.dpd30_at_mob.get(6)),
        "dpd30_mob12": _s(q.dpd30_at_mob.get(12)),
    }


def _scorecard(card: selectors.Scorecard, *, for_dealer: bool) -> dict[str, Any]:
    return {
        "dealer_id": card.dealer.pk,
        "dealer_name": card.dealer.name,
        "period_from": card.period.first,
        "period_to": card.period.end_date,
        "tier": card.tier.name if card.tier else None,
        "decision_target_hours": card.tier.decision_target_hours if card.tier else None,
        "figures": _origination(card.figures),
        "quality": _quality(card.quality),
        "branch": _origination(card.branch),
        "branch_quality": _quality(card.branch_quality),
        "branch_orders_per_dealer": _s(card.branch_orders_per_dealer),
        "branch_bookings_per_dealer": _s(card.branch_bookings_per_dealer),
        "rejection_reasons": [{"reason": r, "count": n} for r, n in selectors.reason_lines(card.reasons, for_dealer=for_dealer)],
    }


@router.get("/performance/dealers/{dealer_id}/scorecard", response=ScorecardOut)
def dealer_scorecard(request: HttpRequest, dealer_id: int, query: Query[PeriodQuery]) -> dict:
    """A dealer's scorecard against its branch (staff of the branch; a dealer user only its own)."""
    user = request.auth
    card = selectors.dealer_scorecard(viewer=user, dealer_id=dealer_id, period=_period(user, query))
    return _scorecard(card, for_dealer=user.role == Role.DEALER)


@router.get("/performance/my-dealer/scorecard", response=ScorecardOut)
def my_dealer_scorecard(request: HttpRequest, query: Query[PeriodQuery]) -> dict:
    """The dealer user's own scorecard (no consumer data; sensitive rejection reasons as one neutral line)."""
    user = request.auth
    if user.role != Role.DEALER:
        raise PermissionDenied("dealer_only", _("Only a dealer's own users have this scorecard; staff open a dealer's by its id."))
    scope = selectors.scope_for(user)
    return _scorecard(selectors.dealer_scorecard(viewer=user, dealer_id=scope.dealer_id, period=_period(user, query)), for_dealer=True)


# --- the reports as files ----------------------------------------------------------------------------------------


def _file_answer(content_type: str, what: str) -> dict[str, Any]:
    """The OpenAPI declaration of a route that answers a file: its 200 is the file's bytes, not JSON."""
    return {
        "responses": {
            200: {
                "description": f"{what} ({content_type}), sent as an attachment",
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


class MonthQuery(InputSchema):
    month: Month | None = Field(None, description="The report's month, YYYY-MM (default: the month before the business date's)")


def _dealer_report(request: HttpRequest, dealer_id: int, query: PeriodQuery, fmt: str) -> HttpResponse:
    user = request.auth
    report = selectors.dealer_report(viewer=user, dealer_id=dealer_id, period=_period(user, query))
    return file_response(*exports.dealer_report_file(report, fmt))


@router.get("/performance/dealers/{dealer_id}/report.pdf", openapi_extra=_file_answer(exports.PDF, "The dealer report"))
def dealer_report_pdf(request: HttpRequest, dealer_id: int, query: Query[PeriodQuery]) -> HttpResponse:
    """The dealer report as PDF: the scorecard for the period against the branch, the rejection reasons, the
    months. Who may read the scorecard may read it; a dealer user only its own, with the privacy-safe reasons."""
    return _dealer_report(request, dealer_id, query, "pdf")


@router.get("/performance/dealers/{dealer_id}/report.xlsx", openapi_extra=_file_answer(exports.XLSX, "The dealer report"))
def dealer_report_xlsx(request: HttpRequest, dealer_id: int, query: Query[PeriodQuery]) -> HttpResponse:
    """The dealer report as an Excel workbook (sheets: scorecard, rejection reasons, months)."""
    return _dealer_report(request, dealer_id, query, "xlsx")


def _branch_report(request: HttpRequest, branch_id: int, query: MonthQuery, fmt: str) -> HttpResponse:
    user = request.auth
    month = _month(query.month, add_months(month_start(_today(user)), -1))
    report = selectors.branch_report(viewer=user, branch_id=branch_id, month=month)
    return file_response(*exports.branch_report_file(report, fmt))


@router.get("/performance/branches/{branch_id}/report.pdf", openapi_extra=_file_answer(exports.PDF, "The monthly branch report"))
def branch_report_pdf(request: HttpRequest, branch_id: int, query: Query[MonthQuery]) -> HttpResponse:
    """The monthly branch report as PDF: the month's orders, approval rate, turnaround and bookings; the portfolio
    by bucket and collectibility, premature 30+ DPD and FPD, NPF; the top dealers and CMOs (performance viewers of
    the branch; head office any branch)."""
    return _branch_report(request, branch_id, query, "pdf")


@router.get("/performance/branches/{branch_id}/report.xlsx", openapi_extra=_file_answer(exports.XLSX, "The monthly branch report"))
def branch_report_xlsx(request: HttpRequest, branch_id: int, query: Query[MonthQuery]) -> HttpResponse:
    """The monthly branch report as an Excel workbook (the same figures as the PDF, one sheet per table)."""
    return _branch_report(request, branch_id, query, "xlsx")


def _cmo(f: selectors.CmoFigures) -> dict[str, Any]:
    t = f.target
    return {
        "cmo_id": f.cmo.pk,
        "username": f.cmo.username,
        "month": f.month,
        "target_orders": t.orders if t else None,
        "target_bookings": t.bookings if t else None,
        "target_amount": money_str(from_minor(t.amount_sen)) if t else None,
        "figures": _origination(f.figures),
        "achievement_orders": _s(f.achievement("orders")),
        "achievement_bookings": _s(f.achievement("bookings")),
        "achievement_amount": _s(f.achievement("amount")),
        "premature_contracts": f.premature_contracts,
        "premature_dpd30_rate": _s(f.dpd30_rate),
        "premature_fpd_rate": _s(f.fpd_rate),
        "collection": _collection(f.collection),
    }


def _collection(c: Any) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "contacts": c.contacts,
        "promises_made": c.promises_made,
        "promises_kept": c.promises_kept,
        "promises_broken": c.promises_broken,
        "promise_kept_rate": _s(c.promise_kept_rate),
        "collected": money_str(c.collected),
        "handed_over": c.handed_over,
    }


@router.get("/performance/cmos", response=list[CmoOut])
def cmo_leaderboard(request: HttpRequest, month: Month | None = None, branch: int | None = None) -> list:
    """The branch's CMOs for the month, best amount achievement first."""
    user = request.auth
    return [_cmo(f) for f in selectors.cmo_leaderboard(viewer=user, month=_month(month, _today(user)), branch=branch)]


@router.get("/performance/cmos/{cmo_id}", response=CmoOut)
def cmo_figures(request: HttpRequest, cmo_id: int, month: Month | None = None) -> dict:
    """One CMO's month (a CMO: their own only)."""
    user = request.auth
    return _cmo(selectors.cmo_performance(viewer=user, cmo_id=cmo_id, month=_month(month, _today(user))))


@router.get("/performance/chart-data", response=ChartOut)
def chart_data(request: HttpRequest, chart: str, query: Query[FilterQuery]) -> dict:
    """A dashboard chart's data (funnel, approval, bookings, buckets, collectibility, vintage, rolls, npf)."""
    user = request.auth
    if chart not in reports.CHARTS:
        raise DomainError("unknown_chart", _("Unknown chart."), field="chart")
    if user.role == Role.DEALER:
        raise PermissionDenied("forbidden", _("Your role is not allowed to do this."))
    period = _period(user, query)
    scope = selectors.scope_for(user, branch=query.branch, dealer=query.dealer, cmo=query.cmo, product=query.product)
    month = selectors.latest_month(scope, on_or_before=period.end_date) or period.last
    (data,) = reports.build([chart], scope, period, month)
    rows = [[v if isinstance(v, int) or v is None else str(v) for v in row] for row in data.rows]
    return {"key": data.key, "title": data.title, "header": [str(h) for h in data.header], "rows": rows}


class TargetIn(InputSchema):
    cmo_id: int
    month: Month
    orders: int = Field(..., ge=0, le=100000)
    bookings: int = Field(..., ge=0, le=100000)
    amount: Decimal = Field(..., ge=0, max_digits=17, decimal_places=2)


@router.put("/performance/targets", response=CmoOut)
def target_set(request: HttpRequest, payload: TargetIn) -> dict:
    """Set a CMO's targets for a month (branch manager of their branch; audited)."""
    user = request.auth
    cmo = selectors.target_cmo_get(viewer=user, cmo_id=payload.cmo_id)
    month = _month(payload.month, _today(user))
    services.cmo_target_set(actor=user, cmo=cmo, month=month, orders=payload.orders, bookings=payload.bookings, amount=payload.amount)
    return _cmo(selectors.cmo_performance(viewer=user, cmo_id=cmo.pk, month=month))


class RunIn(InputSchema):
    month: Month


@router.post("/performance/incentive-runs", response={201: RunOut})
def incentive_run(request: HttpRequest, payload: RunIn) -> Status:
    """Compute the month's incentive statements of the user's branch (again: recomputes what is not approved)."""
    user = request.auth
    if user.branch is None:
        raise DomainError("no_branch", _("Run the incentives from a branch."))
    run = services.incentive_run(actor=user, branch=user.branch, month=_month(payload.month, _today(user)))
    statements = selectors.statement_rows(viewer=user, month=run.month)
    return Status(
        201,
        {
            "id": run.pk,
            "branch_code": user.branch.code,
            "month": run.month,
            "runs": run.runs,
            "statements": len(statements),
            "total": money_str(from_minor(sum(s.total_sen for s in statements if s.branch_id == run.branch_id))),
        },
    )


def _statement(s: Any, lines: list | None = None) -> dict[str, Any]:
    lines = selectors.statement_lines(s) if lines is None else lines
    return {
        "id": s.pk,
        "version": s.version,
        "branch_code": s.branch.code,
        "cmo_id": s.cmo_id,
        "username": s.cmo.username,
        "month": s.month,
        "status": s.status,
        "units": s.units,
        "booked": money_str(s.booked),
        "achievement_pct": _s(s.achievement_pct),
        "tier_multiplier": str(s.tier_multiplier),
        "fpd_rate_pct": _s(s.fpd_rate_pct),
        "dpd30_rate_pct": _s(s.dpd30_rate_pct),
        "quality_factor": str(s.quality_factor),
        "total": money_str(s.total),
        "lines": [
            {
                "position": line.position,
                "kind": line.kind,
                "contract_number": line.contract_number,
                "description": line.description,
                "basis": money_str(line.basis),
                "factor": _s(line.factor),
                "amount": money_str(line.amount),
            }
            for line in lines
        ],
    }


@router.get("/performance/incentive-statements", response=list[StatementOut])
def statement_list(request: HttpRequest, month: Month) -> list:
    """The month's statements in the viewer's reach (a CMO: their own) with their lines."""
    user = request.auth
    return [_statement(s, lines) for s, lines in selectors.statements_for_export(viewer=user, month=_month(month, _today(user)))]


@router.get("/performance/incentive-statements/{statement_id}", response=StatementOut)
def statement_detail(request: HttpRequest, statement_id: int) -> dict:
    return _statement(selectors.statement_get(viewer=request.auth, pk=statement_id))


class DecisionIn(InputSchema):
    approve: bool
    note: str = Field("", max_length=300)
    version: int | None = Field(None, description="The statement's version as read: a stale one answers 409")


@router.post("/performance/incentive-statements/{statement_id}/decision", response=StatementOut)
def statement_decide(request: HttpRequest, statement_id: int, payload: DecisionIn) -> dict:
    """The branch manager approves a statement for payroll, or sends it back with a note."""
    user = request.auth
    statement = selectors.statement_get(viewer=user, pk=statement_id)
    services.statement_decide(actor=user, statement=statement, approve=payload.approve, note=payload.note, expected_version=payload.version)
    return _statement(selectors.statement_get(viewer=user, pk=statement_id))


@router.get("/performance/repeat-orders", response=list[RepeatOut])
def repeat_orders(request: HttpRequest) -> list:
    """The CMO's customers for a repeat order (clean record, near payoff or paid off), with a pre-filled quote link."""
    user = request.auth
    rows = selectors.repeat_candidates(viewer=user, as_of=_today(user))
    return [
        {
            "contract_id": r.contract.pk,
            "contract_number": r.contract.number,
            "customer_name": r.contract.customer_name,
            "remaining_installments": r.remaining,
            "paid_off": r.paid_off,
            "max_dpd": r.max_dpd,
            "offered_on": r.offered_on,
            "converted": r.converted,
            "quote_url": f"{reverse('quote_new')}?{urlencode(selectors.repeat_quote_params(r))}",
        }
        for r in rows
    ]
