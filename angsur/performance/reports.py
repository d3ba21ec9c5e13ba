"""The dashboard's charts as data: one definition per chart, read by the page (SVG + table) and its Excel file.

No queries here: every figure comes from ``selectors``; this module only lays them out.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from angsur.finance.money import from_minor
from angsur.formatting import format_figure, format_percent
from angsur.performance import charts, selectors
from angsur.performance.selectors import Period, Scope, month_start

VINTAGE_COHORTS_DRAWN = 6


@dataclass
class Chart:
    key: str
    title: str
    desc: str
    header: Sequence[str]
    rows: list[Sequence[Any]]
    svg: SafeString | None = None
    shown_rows: list[Sequence[str]] = field(default_factory=list)


def _pct(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else "–"


def _month(month: dt.date) -> str:
    return month.strftime("%Y-%m")


def _pct_axis(v: Decimal) -> str:
    return f"{v:.0f}%"


def funnel(scope: Scope, period: Period, month: dt.date, memo: dict) -> Chart:
    labels = {
        "orders": _("Orders"),
        "surveyed": _("Surveyed"),
        "decided": _("Decided"),
        "approved": _("Approved"),
        "booked": _("Booked"),
    }
    data = selectors.funnel(scope, period)
    rows = [(str(labels[k]), n) for k, n in data]
    title = _("Application funnel")
    desc = ", ".join(f"{name}: {n}" for name, n in rows)
    svg = charts.bar_chart(title=title, desc=desc, labels=[r[0] for r in rows], values=[r[1] for r in rows])
    return Chart("funnel", title, desc, [_("Stage"), _("Applications")], rows, svg)


def _monthly(scope: Scope, period: Period, memo: dict) -> list:
    """The months' origination figures, read once per page (the approval and the bookings charts share them)."""
    if "monthly" not in memo:
        memo["monthly"] = selectors.monthly_origination(scope, period)
    return memo["monthly"]


def approval(scope: Scope, period: Period, month: dt.date, memo: dict) -> Chart:
    data = _monthly(scope, period, memo)
    rows = [(_month(m), f.orders, f.decided, f.approved, f.approval_rate) for m, f in data]
    title = _("Approval rate by month")
    desc = "; ".join(f"{r[0]}: {_pct(r[4])}" for r in rows)
    svg = charts.line_chart(
        title=title, desc=desc, labels=[r[0][2:] for r in rows], series=[(str(_("Approval rate")), [r[4] for r in rows])], fmt=_pct_axis
    )
    return Chart("approval", title, desc, [_("Month"), _("Orders"), _("Decided"), _("Approved"), _("Approval rate (%)")], rows, svg)


def bookings(scope: Scope, period: Period, month: dt.date, memo: dict) -> Chart:
    data = _monthly(scope, period, memo)
    rows = [(_month(m), f.bookings, from_minor(f.booked_sen)) for m, f in data]
    title = _("Bookings by month")
    desc = "; ".join(f"{r[0]}: {r[1]}" for r in rows)
    svg = charts.bar_chart(title=title, desc=desc, labels=[r[0][2:] for r in rows], values=[r[1] for r in rows])
    return Chart("bookings", title, desc, [_("Month"), _("Units"), _("Amount (Rp)")], rows, svg)


def _by(scope: Scope, month: dt.date, dimension: str, key: str, title: str, label: Callable[[Any], str]) -> Chart:
    data = selectors.portfolio_by(scope, month, dimension)
    rows = [(label(r["key"]), r["contracts"], from_minor(r["principal_sen"])) for r in data]
    desc = f"{_month(month)}: " + ", ".join(f"{r[0]}: {r[1]}" for r in rows)
    svg = charts.bar_chart(title=title, desc=desc, labels=[r[0] for r in rows], values=[r[1] for r in rows])
    return Chart(
        key,
        title,
        desc,
        [_("Bucket") if dimension == "bucket" else _("Collectibility"), _("Contracts"), _("Outstanding principal (Rp)")],
        rows,
        svg,
    )


def buckets(scope: Scope, period: Period, month: dt.date, memo: dict) -> Chart:
    return _by(scope, month, "bucket", "buckets", _("Portfolio by bucket"), str)


def collectibility(scope: Scope, period: Period, month: dt.date, memo: dict) -> Chart:
    return _by(scope, month, "collectibility", "collectibility", _("Portfolio by collectibility"), lambda k: f"Kol {k}")


def vintage(scope: Scope, period: Period, month: dt.date, memo: dict) -> Chart:
    data = selectors.vintage(scope, period)
    rows = [(_month(c), *[data.rate(c, mob) for mob in data.mobs]) for c in data.cohorts]
    drawn = [c for c in data.cohorts if any(data.rate(c, mob) is not None for mob in data.mobs)][-VINTAGE_COHORTS_DRAWN:]
    title = _("Vintage: 30+ DPD by booking month and months on book")
    desc = _("Share of each booking month's contracts 30 or more days past due at each month on book.")
    svg = charts.line_chart(
        title=title,
        desc=desc,
        labels=[str(mob) for mob in data.mobs],
        series=[(_month(c), [data.rate(c, mob) for mob in data.mobs]) for c in drawn],
        fmt=_pct_axis,
    )
    return Chart("vintage", title, desc, [_("Booking month"), *[f"MOB {mob} (%)" for mob in data.mobs]], rows, svg)


def rolls(scope: Scope, period: Period, month: dt.date, memo: dict) -> Chart:
    data = selectors.roll_rates(scope, month)
    rows = [(src, *[data.rate(src, dst) for dst in data.buckets], data.from_total(src), data.roll_forward(src)) for src in data.buckets]
    title = _("Roll rates between buckets")
    desc = _("From last month-end's bucket (rows) to this month-end's (columns), in percent of the row.")
    worse = [data.roll_forward(src) for src in data.buckets]
    svg = charts.bar_chart(title=title, desc=desc, labels=data.buckets, values=worse, fmt=_pct_axis)
    return Chart(
        "rolls", title, desc, [_("From \\ to"), *[f"{b} (%)" for b in data.buckets], _("Contracts"), _("Rolled forward (%)")], rows, svg
    )


def npf(scope: Scope, period: Period, month: dt.date, memo: dict) -> Chart:
    data = selectors.npf_trend(scope, period)
    rows = [(_month(r["month"]), r["npf_pct"], from_minor(r["total_sen"])) for r in data]
    title = _("NPF by month (Kol 3-5)")
    desc = "; ".join(f"{r[0]}: {_pct(r[1])}" for r in rows)
    svg = charts.line_chart(title=title, desc=desc, labels=[r[0][2:] for r in rows], series=[("NPF", [r[1] for r in rows])], fmt=_pct_axis)
    return Chart("npf", title, desc, [_("Month"), _("NPF (%)"), _("Outstanding principal (Rp)")], rows, svg)


CHARTS: dict[str, Callable[[Scope, Period, dt.date, dict], Chart]] = {
    "funnel": funnel,
    "approval": approval,
    "bookings": bookings,
    "buckets": buckets,
    "collectibility": collectibility,
    "vintage": vintage,
    "rolls": rolls,
    "npf": npf,
}


def shown(value: Any) -> str:
    """A table cell for people: rupiah and rates in the user's locale, a dash for nothing."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return format_figure(value, 2)
    return str(value)


def build(keys: Sequence[str], scope: Scope, period: Period, month: dt.date | None) -> list[Chart]:
    month = month_start(month or period.last)
    memo: dict = {}  # figures several charts share, read once for this page
    out = []
    for key in keys:
        chart = CHARTS[key](scope, period, month, memo)
        chart.shown_rows = [[shown(v) for v in row] for row in chart.rows]
        out.append(chart)
    return out


def scorecard_rows(card: Any) -> list[tuple[str, Any, Any]]:
    """The scorecard's lines: (figure, the dealer's, the branch's) — the page and the Excel file alike."""
    f, b = card.figures, card.branch
    rows = [
        (_("Orders"), f.orders, card.branch_orders_per_dealer),
        (_("Approval rate (%)"), f.approval_rate, b.approval_rate),
        (_("Hours from order to decision"), f.turnaround_hours, b.turnaround_hours),
        (_("Bookings (units)"), f.bookings, card.branch_bookings_per_dealer),
        (_("Bookings (Rp)"), f.booked, None),
        (_("FPD rate (%)"), card.quality.fpd_rate, card.branch_quality.fpd_rate),
    ]
    for mob in selectors.SCORECARD_MOBS:
        rows.append(
            (_("30+ DPD at MOB %(mob)s (%%)") % {"mob": mob}, card.quality.dpd30_at_mob[mob], card.branch_quality.dpd30_at_mob[mob])
        )
    return rows


# --- the reports: one layout for the PDF and the Excel file ---------------------------------------------------------

# A line of a report: (label, value, kind) where kind says how people read it: "n" a count, "pct" a percent,
# "rp" rupiah, "h" hours. The Excel file takes the value as it is (a number), the PDF formats it by kind.
Line = tuple[str, Any, str]


def branch_report_lines(report: Any) -> list[Line]:
    """The branch report's figures: the month's origination, then the portfolio at the month's snapshot."""
    o = report.origination
    return [
        (_("Orders"), o.orders, "n"),
        (_("Decided"), o.decided, "n"),
        (_("Approved"), o.approved, "n"),
        (_("Approval rate (%)"), o.approval_rate, "pct"),
        (_("Hours from order to decision"), o.turnaround_hours, "h"),
        (_("Bookings (units)"), o.bookings, "n"),
        (_("Bookings (Rp)"), o.booked, "rp"),
        (_("Contracts in the portfolio"), sum(row["contracts"] for row in report.portfolio_buckets), "n"),
        (_("Outstanding principal (Rp)"), from_minor(report.outstanding_sen), "rp"),
        (_("Premature portfolio (contracts)"), report.premature.get("n", 0), "n"),
        (_("Premature 30+ DPD (%)"), report.premature_dpd30_rate, "pct"),
        (_("FPD rate (%)"), report.premature_fpd_rate, "pct"),
        (_("NPF (%)"), report.npf.get("npf_pct"), "pct"),
    ]


def portfolio_rows(rows: list[dict[str, Any]], label: Callable[[Any], str] = str) -> list[tuple[str, int, Decimal]]:
    """Portfolio lines (bucket or Kol, contracts, outstanding principal in rupiah), as in the dashboard's charts."""
    return [(label(r["key"]), r["contracts"], from_minor(r["principal_sen"])) for r in rows]


def kol_label(kol: Any) -> str:
    return f"Kol {kol}"


def top_dealer_rows(report: Any) -> list[tuple[str, int, Decimal | None, int, Decimal, Decimal | None]]:
    return [
        (
            r["dealer"].name,
            r["figures"].orders,
            r["figures"].approval_rate,
            r["figures"].bookings,
            r["figures"].booked,
            r["fpd_rate"],
        )
        for r in report.top_dealers
    ]


def top_cmo_rows(report: Any) -> list[tuple[str, int, int, Decimal, Decimal | None, Decimal | None]]:
    return [
        (
            f.cmo.get_full_name() or f.cmo.username,
            f.figures.orders,
            f.figures.bookings,
            f.figures.booked,
            f.achievement("amount"),
            f.dpd30_rate,
        )
        for f in report.top_cmos
    ]


def top_dealer_header() -> list[str]:
    return [_("Dealer"), _("Orders"), _("Approval rate (%)"), _("Bookings (units)"), _("Bookings (Rp)"), _("FPD rate (%)")]


def top_cmo_header() -> list[str]:
    return [_("CMO"), _("Orders"), _("Bookings (units)"), _("Bookings (Rp)"), _("Achievement (%)"), _("Premature 30+ DPD (%)")]


def branch_report_sheets(report: Any) -> list[tuple[str, list[str], list[Sequence[Any]]]]:
    """The branch report as Excel sheets: the figures, the portfolio by bucket and by Kol, the top dealers and CMOs."""
    snapshot = report.snapshot_month.strftime("%Y-%m") if report.snapshot_month else "–"
    summary = [(_("Branch"), f"{report.branch.code} {report.branch.name}"), (_("Month"), _month(report.month))]
    summary += [(_("Portfolio as of"), snapshot)]
    summary += [(label, value) for label, value, _kind in branch_report_lines(report)]
    portfolio_header = [_("Contracts"), _("Outstanding principal (Rp)")]
    return [
        (_("Branch report"), [_("Figure"), _("Value")], summary),
        (_("Portfolio by bucket"), [_("Bucket"), *portfolio_header], portfolio_rows(report.portfolio_buckets)),
        (_("Portfolio by collectibility"), [_("Collectibility"), *portfolio_header], portfolio_rows(report.portfolio_kols, kol_label)),
        (_("Top dealers"), top_dealer_header(), top_dealer_rows(report)),
        (_("Top CMOs"), top_cmo_header(), top_cmo_rows(report)),
    ]


def month_rows(report: Any) -> list[tuple[str, int, int, int, Decimal | None, int, Decimal]]:
    """The dealer report's months: orders, decided, approved, approval rate, bookings, booked amount."""
    return [(_month(m), f.orders, f.decided, f.approved, f.approval_rate, f.bookings, f.booked) for m, f in report.months]


def month_header() -> list[str]:
    return [_("Month"), _("Orders"), _("Decided"), _("Approved"), _("Approval rate (%)"), _("Bookings (units)"), _("Bookings (Rp)")]


def dealer_report_sheets(report: Any) -> list[tuple[str, list[str], list[Sequence[Any]]]]:
    """The dealer report as Excel sheets: the scorecard against the branch, the rejection reasons (the dealer's
    own copy in its privacy-safe wording), the months."""
    card = report.card
    tier = [(_("Tier"), card.tier.name if card.tier else "–", None)]
    return [
        (_("Scorecard"), [_("Figure"), card.dealer.name, _("Branch")], tier + scorecard_rows(card)),
        (_("Rejection reasons"), [_("Reason"), _("Rejections")], report.reasons),
        (_("Months"), month_header(), month_rows(report)),
    ]
