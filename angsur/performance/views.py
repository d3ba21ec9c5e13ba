"""Performance screens: dashboards with charts, the dealer scorecard (staff and the dealer's own), CMO figures
and leaderboard, targets, incentive statements and their approval, the CMO's repeat-order list.

Views parse the filters, call one selector or service, and render; every figure comes from
``performance.selectors`` (through ``reports`` for the charts). A refusal is a DomainError the middleware
turns into a translated page (403/404/400), never a 500.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from angsur.documents.pdf import render_pdf
from angsur.errors import DomainError
from angsur.org.clock import business_date, calendar_date
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require, user_can
from angsur.performance import charts, exports, reports, selectors, services
from angsur.performance.exports import file_response, workbook, xlsx_response
from angsur.performance.selectors import Period, add_months, month_start
from angsur.performance.workflow import INCENTIVE_STATEMENT


def _today(user: Any) -> dt.date:
    branch = getattr(user, "branch", None)
    return business_date(branch) if branch is not None else calendar_date(None)


def _month(value: str | None, default: dt.date) -> dt.date:
    """A month from 'YYYY-MM' (or a date); a bad value is a 400 with a message."""
    if not value:
        return month_start(default)
    try:
        parsed = dt.date.fromisoformat(value + "-01" if len(value) == 7 else value)
    except ValueError:
        raise DomainError("invalid_month", _("Enter a month as YYYY-MM.")) from None
    if not 1900 <= parsed.year <= 2199:
        raise DomainError("invalid_month", _("Enter a month as YYYY-MM."))
    return month_start(parsed)


def _period(request: HttpRequest, *, months: int = 12) -> Period:
    today = _today(request.user)
    last = _month(request.GET.get("to"), today)
    first = _month(request.GET.get("from"), add_months(last, -(months - 1)))
    return Period(first, last)


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "") for k in ("branch", "dealer", "cmo", "product")}


def _query(request: HttpRequest, period: Period, **extra: Any) -> str:
    params = {k: v for k, v in _filters(request).items() if v}
    params |= {"from": period.first.strftime("%Y-%m"), "to": period.last.strftime("%Y-%m")}
    params |= {k: v for k, v in extra.items() if v}
    return urlencode(params)


DASHBOARD_CHARTS = ["funnel", "approval", "bookings", "buckets", "collectibility", "vintage", "rolls", "npf"]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Portfolio dashboards: a Marketing Head or Branch Manager their branch, head office every branch."""
    user = request.user
    if user.role == Role.DEALER:
        return redirect("performance_my_dealer")
    if user.role == Role.CMO:
        return redirect("performance_cmo", pk=user.pk)
    require(user, Capability.PERFORMANCE_VIEW)
    period = _period(request)
    scope = selectors.scope_for(user, **_filters(request))
    month = selectors.latest_month(scope, on_or_before=period.end_date) or period.last
    charts = reports.build(DASHBOARD_CHARTS, scope, period, month)
    return render(
        request,
        "performance/dashboard.html",
        {
            "charts": charts,
            "period": period,
            "month": month,
            "filters": _filters(request),
            "choices": selectors.filter_choices(user, scope),
            "query": _query(request, period),
            "head_office": user.is_head_office,
            "report_branch": scope.branch_id,
            "orders_as_of": selectors.orders_as_of(),
        },
    )


@login_required
def chart_export(request: HttpRequest, chart: str) -> HttpResponse:
    """One chart's data as an Excel file, for the same filters as the page."""
    if chart not in reports.CHARTS:
        raise DomainError("not_found", _("The page was not found."), status=404)
    period = _period(request)
    scope = selectors.scope_for(request.user, **_filters(request))
    if request.user.role == Role.DEALER:
        raise DomainError("not_found", _("The page was not found."), status=404)
    month = selectors.latest_month(scope, on_or_before=period.end_date) or period.last
    (data,) = reports.build([chart], scope, period, month)
    return xlsx_response(workbook([(data.key, data.header, data.rows)]), f"angsur-{chart}-{period.last:%Y-%m}.xlsx")


# --- dealers --------------------------------------------------------------------------------------------------


@login_required
def dealer_ranking(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    rows = selectors.dealer_ranking(viewer=request.user, period=period, branch=request.GET.get("branch"))
    return render(request, "performance/dealers.html", {"rows": rows, "period": period, "query": _query(request, period)})


def _scorecard_page(request: HttpRequest, card: Any, *, own: bool) -> HttpResponse:
    return render(
        request,
        "performance/scorecard.html",
        {
            "card": card,
            "own": own,
            "period": card.period,
            "mobs": selectors.SCORECARD_MOBS,
            "query": _query(request, card.period),
            "orders_as_of": selectors.orders_as_of(),
        },
    )


@login_required
def dealer_scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    card = selectors.dealer_scorecard(viewer=request.user, dealer_id=pk, period=_period(request))
    return _scorecard_page(request, card, own=request.user.role == Role.DEALER)


@login_required
def my_dealer_scorecard(request: HttpRequest) -> HttpResponse:
    """The dealer portal's scorecard: the dealer's own figures, the branch's for comparison, no consumer data."""
    if request.user.role != Role.DEALER:
        raise DomainError("not_found", _("The page was not found."), status=404)
    scope = selectors.scope_for(request.user)
    card = selectors.dealer_scorecard(viewer=request.user, dealer_id=scope.dealer_id, period=_period(request))
    return _scorecard_page(request, card, own=True)


@login_required
def dealer_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The dealer report as PDF or Excel: whoever may read the scorecard page, in the same version (a dealer
    user its own, with the privacy-safe reasons)."""
    report = selectors.dealer_report(viewer=request.user, dealer_id=pk, period=_period(request))
    return file_response(*exports.dealer_report_file(report, fmt))


@login_required
def my_dealer_report(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dealer portal's copy of the dealer report."""
    if request.user.role != Role.DEALER:
        raise DomainError("not_found", _("The page was not found."), status=404)
    scope = selectors.scope_for(request.user)
    report = selectors.dealer_report(viewer=request.user, dealer_id=scope.dealer_id, period=_period(request))
    return file_response(*exports.dealer_report_file(report, fmt))


@login_required
def branch_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The monthly branch report as PDF or Excel (as the dashboard: PERFORMANCE_VIEW over the branch)."""
    month = _month(request.GET.get("month"), add_months(month_start(_today(request.user)), -1))
    report = selectors.branch_report(viewer=request.user, branch_id=pk, month=month)
    return file_response(*exports.branch_report_file(report, fmt))


# --- CMOs ----------------------------------------------------------------------------------------------------


@login_required
def cmo_leaderboard(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.CMO:
        return redirect("performance_cmo", pk=request.user.pk)
    month = _month(request.GET.get("month"), _today(request.user))
    rows = selectors.cmo_leaderboard(viewer=request.user, month=month, branch=request.GET.get("branch"))
    return render(request, "performance/cmos.html", {"rows": rows, "month": month})


@login_required
def cmo_page(request: HttpRequest, pk: int) -> HttpResponse:
    month = _month(request.GET.get("month"), _today(request.user))
    figures = selectors.cmo_performance(viewer=request.user, cmo_id=pk, month=month)
    trend = selectors.cmo_trend(cmo_id=figures.cmo.pk, last_month=month, months=6)
    labels = [t.month.strftime("%y-%m") for t in trend]
    chart = charts.line_chart(
        title=_("Premature 30+ DPD and FPD, last 6 months"),
        desc="; ".join(f"{t.month:%Y-%m}: 30+ {t.dpd30_rate or '-'} %, FPD {t.fpd_rate or '-'} %" for t in trend),
        labels=labels,
        series=[("30+ DPD", [t.dpd30_rate for t in trend]), ("FPD", [t.fpd_rate for t in trend])],
        fmt=lambda v: f"{v:.0f}%",
    )
    return render(request, "performance/cmo.html", {"f": figures, "month": month, "trend": trend, "chart": chart})


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """The branch manager sets each CMO's targets for a month."""
    month = _month(request.GET.get("month") or request.POST.get("month"), add_months(month_start(_today(request.user)), 1))
    if request.method == "POST":
        cmo = selectors.target_cmo_get(viewer=request.user, cmo_id=request.POST.get("cmo"))
        try:
            orders, bookings = int(request.POST.get("orders", "")), int(request.POST.get("bookings", ""))
            amount = Decimal(request.POST.get("amount", "").replace(".", "").replace(",", "."))
        except (ValueError, InvalidOperation):
            messages.error(request, _("Enter whole numbers for orders and bookings and an amount in rupiah."))
        else:
            try:
                services.cmo_target_set(actor=request.user, cmo=cmo, month=month, orders=orders, bookings=bookings, amount=amount)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Targets of %(cmo)s saved.") % {"cmo": cmo.get_full_name() or cmo.username})
        return redirect(f"{reverse('performance_targets')}?month={month:%Y-%m}")
    rows = selectors.targets_for(viewer=request.user, month=month)
    return render(request, "performance/targets.html", {"rows": rows, "month": month})


# --- incentives --------------------------------------------------------------------------------------------------


@login_required
def incentives(request: HttpRequest) -> HttpResponse:
    user = request.user
    month = _month(request.GET.get("month"), add_months(month_start(_today(user)), -1))
    statements = selectors.statement_rows(viewer=user, month=month)
    can_run = user_can(user, Capability.TARGET_MANAGE) and user.branch_id is not None and not user.is_head_office
    can_approve = user_can(user, Capability.INCENTIVE_APPROVE) and any(s.status == "draft" and s.cmo_id != user.pk for s in statements)
    return render(
        request,
        "performance/incentives.html",
        {
            "statements": statements,
            "month": month,
            "total": sum(s.total_sen for s in statements),
            "can_run": can_run,
            "can_approve": can_approve and not user.is_head_office,
            "scheme": selectors.scheme_in_force(month),
        },
    )


@login_required
@require_POST
def incentive_run(request: HttpRequest) -> HttpResponse:
    month = _month(request.POST.get("month"), _today(request.user))
    try:
        run = services.incentive_run(actor=request.user, branch=request.user.branch, month=month)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Incentives of %(month)s computed (run %(runs)s).") % {"month": f"{month:%Y-%m}", "runs": run.runs})
    return redirect(f"{reverse('performance_incentives')}?month={month:%Y-%m}")


@login_required
@require_POST
def incentive_approve_all(request: HttpRequest) -> HttpResponse:
    month = _month(request.POST.get("month"), _today(request.user))
    try:
        n = services.statements_approve_all(actor=request.user, branch=request.user.branch, month=month)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(n)s statements approved.") % {"n": n})
    return redirect(f"{reverse('performance_incentives')}?month={month:%Y-%m}")


@login_required
def incentive_export(request: HttpRequest) -> HttpResponse:
    """The month's statements for payroll: one sheet of totals, one of every line."""
    month = _month(request.GET.get("month"), _today(request.user))
    data = selectors.statements_for_export(viewer=request.user, month=month)
    totals = [
        (s.branch.code, s.cmo.username, s.cmo.get_full_name(), f"{s.month:%Y-%m}", s.get_status_display(), s.units, s.total)
        for s, _lines in data
    ]
    lines = [
        (s.cmo.username, line.position, line.kind, line.contract_number, line.description, line.basis, line.factor, line.amount)
        for s, statement_lines in data
        for line in statement_lines
    ]
    sheets = [
        (_("Payroll"), [_("Branch"), _("Username"), _("CMO"), _("Month"), _("Status"), _("Units"), _("Incentive (Rp)")], totals),
        (
            _("Lines"),
            [_("Username"), _("No."), _("Kind"), _("Contract"), _("Description"), _("Basis (Rp)"), _("Factor"), _("Amount (Rp)")],
            lines,
        ),
    ]
    return xlsx_response(workbook(sheets), f"angsur-incentive-{month:%Y-%m}.xlsx")


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_get(viewer=request.user, pk=pk)
    actions = INCENTIVE_STATEMENT.allowed_actions(statement, request.user)
    return render(
        request, "performance/statement.html", {"s": statement, "lines": selectors.statement_lines(statement), "actions": actions}
    )


@login_required
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The CMO's statement as PDF: every line, for the CMO and the payroll file."""
    statement = selectors.statement_get(viewer=request.user, pk=pk)
    content = render_pdf("performance/pdf_statement.html", {"s": statement, "lines": selectors.statement_lines(statement)})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="insentif-{statement.cmo.username}-{statement.month:%Y-%m}.pdf"'
    return response


@login_required
@require_POST
def statement_decide(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_get(viewer=request.user, pk=pk)
    try:
        version = int(request.POST.get("version", statement.version))
        services.statement_decide(
            actor=request.user,
            statement=statement,
            approve=request.POST.get("action") == "approve",
            note=request.POST.get("note", ""),
            expected_version=version,
        )
    except ValueError:
        messages.error(request, _("Reload the page and try again."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Statement decided."))
    return redirect("performance_statement", pk=statement.pk)


# --- repeat orders ---------------------------------------------------------------------------------------------------


@login_required
def repeat_orders(request: HttpRequest) -> HttpResponse:
    as_of = _today(request.user)
    rows = selectors.repeat_candidates(viewer=request.user, as_of=as_of)
    conversions = selectors.repeat_conversions(viewer=request.user, as_of=as_of)
    return render(request, "performance/repeat_orders.html", {"rows": rows, "conversions": conversions, "rule": selectors.repeat_rule()})


@login_required
@require_POST
def repeat_quote(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the offer (for conversions) and open the quote screen pre-filled for the customer."""
    require(request.user, Capability.QUOTE_CREATE)
    as_of = _today(request.user)
    candidate = selectors.repeat_candidate_get(viewer=request.user, contract_id=pk, as_of=as_of)
    kind = request.POST.get("kind", "vehicle")
    services.repeat_offer_record(actor=request.user, candidate=candidate, kind=kind, as_of=as_of)
    return redirect(f"{reverse('quote_new')}?{urlencode(selectors.repeat_quote_params(candidate, kind=kind))}")
