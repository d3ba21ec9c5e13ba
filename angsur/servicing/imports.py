"""Bank statement import: read CSV or Excel by the bank's saved column mapping, match, post each good row.

Each row is matched by virtual-account number, else by contract number, and posted through
`payment_post` in its own transaction: a bad row is reported with its line number and the good rows
post; nothing is half-posted. A row's dedup key is the bank's reference (or, without one, a fingerprint
of the row and its occurrence in the file), so the same file imported twice posts each payment once.
Rows that name no contract go to the review queue (UnmatchedPayment).
"""

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from angsur.errors import DomainError
from angsur.org.models import User
from angsur.servicing.models import BankColumnMapping, Channel, Contract, UnmatchedPayment
from angsur.servicing.services import payment_post

DEFAULT_MAPPING = {"date": "date", "amount": "amount", "reference": "reference", "account": "account"}


@dataclass
class ImportReport:
    posted: int = 0
    already_posted: int = 0
    unmatched: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.posted + self.already_posted + self.unmatched + len(self.errors)


def _mapping(bank: str) -> dict[str, Any]:
    saved = BankColumnMapping.objects.filter(bank__iexact=bank).first()
    if saved is None:
        return {**DEFAULT_MAPPING, "date_format": "", "delimiter": ","}
    return {
        "date": saved.date_column,
        "amount": saved.amount_column,
        "reference": saved.reference_column,
        "account": saved.account_column,
        "date_format": saved.date_format,
        "delimiter": saved.delimiter or ",",
    }


def _rows(content: bytes, name: str, delimiter: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, row by lower-cased header) from a CSV or an Excel (.xlsx) file."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, ())]
        for number, values in enumerate(rows, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            yield number, dict(zip(header, values, strict=False))
        return
    text = content.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        yield reader.line_num, dict(zip(header, values, strict=False))


_AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$")


def parse_amount(value: Any) -> Decimal:
    """An amount as banks write it: 1170000, 1.170.000, 1.170.000,00, 1170000.00, or an Excel number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value or "").strip().replace("Rp", "").replace(" ", "")
    if _AMOUNT.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("amount '%(value)s' is not a number") % {"value": value}) from None
    if not amount.is_finite():
        raise ValueError(_("amount '%(value)s' is not a number") % {"value": value})
    return amount


def parse_date(value: Any, date_format: str = "") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    formats = [date_format] if date_format else ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
    for candidate in formats:
        try:
            day = dt.datetime.strptime(text, candidate).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 2199:
            return day
    raise ValueError(_("date '%(value)s' is not a date") % {"value": value})


def _match(account: str) -> Contract | None:
    account = account.strip()
    if not account:
        return None
    return Contract.objects.filter(va_number=account).first() or Contract.objects.filter(number=account).first()


def statement_import(
    *,
    actor: User,
    content: bytes,
    name: str,
    bank: str,
    as_of: dt.date,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a bank statement: post the good rows, report the bad ones by line, queue the unmatched."""
    mapping = _mapping(bank)
    report = ImportReport()
    seen: dict[str, int] = {}
    for count, (line, row) in enumerate(_rows(content, name, mapping["delimiter"]), start=1):
        if progress is not None:
            progress(count)
        try:
            day = parse_date(row.get(mapping["date"]), mapping["date_format"])
            amount = parse_amount(row.get(mapping["amount"]))
        except ValueError as error:
            report.errors.append((line, str(error)))
            continue
        account = str(row.get(mapping["account"]) or "").strip()
        reference = str(row.get(mapping["reference"]) or "").strip()
        if not reference:
            # Without the bank's reference, the row itself (and its occurrence in the file) names the payment.
            fingerprint = hashlib.sha256(f"{day}|{account}|{amount}".encode()).hexdigest()[:24]
            seen[fingerprint] = seen.get(fingerprint, 0) + 1
            reference = f"row:{fingerprint}:{seen[fingerprint]}"
        contract = _match(account)
        if contract is None:
            _, created = UnmatchedPayment.objects.get_or_create(
                bank=bank,
                reference=reference[:120],
                defaults={"line": line, "account": account[:60], "amount_sen": int(amount * 100), "value_date": day, "imported_by": actor},
            )
            if created:
                report.unmatched += 1
            else:
                report.already_posted += 1
            continue
        try:
            payment = payment_post(
                actor=actor,
                contract=contract,
                amount=amount,
                channel=Channel.IMPORT,
                value_date=day,
                as_of=as_of,
                reference=reference,
                bank=bank,
            )
        except DomainError as error:
            report.errors.append((line, error.message))
            continue
        if payment.replayed:
            report.already_posted += 1
        else:
            report.posted += 1
    return report
