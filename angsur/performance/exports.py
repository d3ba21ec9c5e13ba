"""Files of the performance figures: each chart's data, the payroll export and the reports (the monthly branch
report, the dealer report) in Excel (openpyxl), the reports also as PDF (WeasyPrint through ``documents``).

Amounts go in as numbers in rupiah (two decimals), rates as percent numbers, so the file can be summed and
charted again in Excel; the header row says the unit.
"""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from angsur.documents.pdf import render_pdf
from angsur.performance import reports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An .xlsx with one sheet per (title, header, rows)."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))  # openpyxl writes Decimal as a number, exactly as given
        for column, name in zip(sheet.columns, header, strict=False):
            sheet.column_dimensions[column[0].column_letter].width = max(12, min(40, len(str(name)) + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the reports as files: the same layout (``reports``) as PDF and as Excel ---------------------------------------

PDF = "application/pdf"
REPORT_FORMATS = {"pdf": PDF, "xlsx": XLSX}


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


BRANCH_REPORT_TEMPLATE = "performance/pdf_branch_report.html"
DEALER_REPORT_TEMPLATE = "performance/pdf_dealer_report.html"


def branch_report_context(report: Any) -> dict[str, Any]:
    """What the branch report's PDF template reads: the report and its lines as laid out in ``reports``."""
    return {
        "r": report,
        "lines": reports.branch_report_lines(report),
        "buckets": reports.portfolio_rows(report.portfolio_buckets),
        "kols": reports.portfolio_rows(report.portfolio_kols, reports.kol_label),
        "dealer_header": reports.top_dealer_header(),
        "dealers": reports.top_dealer_rows(report),
        "cmo_header": reports.top_cmo_header(),
        "cmos": reports.top_cmo_rows(report),
    }


def branch_report_file(report: Any, fmt: str) -> tuple[bytes, str, str]:
    """The monthly branch report as (content, content type, file name), PDF or Excel."""
    name = f"angsur-branch-{report.branch.code}-{report.month:%Y-%m}.{fmt}"
    if fmt == "xlsx":
        return workbook(reports.branch_report_sheets(report)), XLSX, name
    return render_pdf(BRANCH_REPORT_TEMPLATE, branch_report_context(report)), PDF, name


def dealer_report_context(report: Any) -> dict[str, Any]:
    """What the dealer report's PDF template reads (the reasons already in the viewer's version)."""
    return {
        "r": report,
        "card": report.card,
        "rows": reports.scorecard_rows(report.card),
        "month_header": reports.month_header(),
        "months": reports.month_rows(report),
    }


def dealer_report_file(report: Any, fmt: str) -> tuple[bytes, str, str]:
    """The dealer report (the scorecard for the period, the dealer's own copy where `report.own`), PDF or Excel."""
    card = report.card
    name = f"angsur-dealer-{card.dealer.code}-{card.period.first:%Y-%m}-{card.period.last:%Y-%m}.{fmt}"
    if fmt == "xlsx":
        return workbook(reports.dealer_report_sheets(report)), XLSX, name
    return render_pdf(DEALER_REPORT_TEMPLATE, dealer_report_context(report)), PDF, name
