"""The collection views as an Excel workbook (openpyxl): one sheet per grouping, amounts as numbers in rupiah."""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from angsur.collection.selectors import CollectionView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def views_workbook(views: list[CollectionView], *, as_of: Any) -> bytes:
    """Each view (per CMO, collector, branch) on its own sheet: accounts and amounts by bucket, FPD, visits, promises."""
    book = Workbook()
    book.remove(book.active)
    titles = {"cmo": _("Per CMO"), "collector": _("Per collector"), "branch": _("Per branch")}
    for view in views:
        sheet = book.create_sheet(str(titles.get(view.group, view.group))[:31])
        sheet.append([_("Collection view"), str(titles.get(view.group, view.group)), _("Date"), as_of.isoformat()])
        sheet.append([_("Snapshot (end-of-day)"), view.business_date.isoformat() if view.business_date else "-"])
        header = [_("Name"), _("Accounts"), _("Outstanding principal (Rp)"), _("Overdue (Rp)"), _("First-payment defaults")]
        header += [_("Visits today"), _("Promises kept"), _("Promises broken"), _("Promise-kept rate (%)")]
        for bucket in view.buckets:
            header += [f"{bucket} " + _("accounts"), f"{bucket} (Rp)"]
        sheet.append(header)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in view.rows:
            line: list[Any] = [row.name, row.accounts, row.outstanding, row.overdue, row.fpd]
            line += [row.visits_today, row.promises_kept, row.promises_broken, row.promise_kept_rate]
            for bucket in view.buckets:
                accounts, amount = row.buckets.get(bucket, (0, 0))
                line += [accounts, amount]
            sheet.append(line)
        sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
