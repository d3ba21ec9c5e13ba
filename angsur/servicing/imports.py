"""Bank statement import: read CSV or Excel by the bank's saved column mapping, match, post each good row.

Each row is matched by virtual-account number, else by contract number, and posted through
`payment_post` in its own transaction: a bad row is reported with its line number and the good rows
post; nothing is half-posted. A row's dedup key is the bank's reference (or, without one, a fingerprint
of the row and its occurrence in the file), so the same file imported twice posts each payment once.
Rows that name no contract go to the review queue (UnmatchedPayment).
"""

import csv
import datetime as dt
import functools
import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.errors import DomainError
from angsur.finance.money import from_minor, to_minor
from angsur.finance.servicing import UNAPPLIED, Ledger, Settlement, Waiver
from angsur.finance.servicing import Payment as FinancePayment
from angsur.org.models import User
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.servicing.ledger import contract_ledger
from angsur.servicing.models import (
    Allocation,
    BankColumnMapping,
    Channel,
    Contract,
    ImportStatus,
    Installment,
    LateFeeWaiver,
    Payment,
    PaymentImport,
    PaymentKind,
    ReversalStatus,
    UnmatchedPayment,
)
from angsur.servicing.services import MAX_PAYMENT, payment_key
from angsur.servicing.workflow import CONTRACT, ContractAction, ContractStatus
from angsur.workflow.engine import durable

logger = logging.getLogger(__name__)

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


@dataclass
class _Row:
    line: int
    amount: Decimal
    day: dt.date
    reference: str
    key: str
    contract_id: int = 0


CHUNK_CONTRACTS = 200


def statement_import(
    *,
    actor: User,
    content: bytes,
    name: str,
    bank: str,
    as_of: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a bank statement: post the good rows, report the bad ones by line, queue the unmatched.

    Set-based: the rows are parsed and matched in a few queries, then posted contract by contract in
    chunks of CHUNK_CONTRACTS contracts per transaction (locked in id order), each contract replayed once
    with all its new payments by the same finance core as a single posting (`payment_post`).
    `progress(done, total)` is called after the file is read and after each chunk (rows handled, rows).
    """
    require(actor, Capability.PAYMENT_POST)
    mapping = _mapping(bank)
    report = ImportReport()
    seen: dict[str, int] = {}
    parsed: list[_Row] = []
    accounts: dict[int, str] = {}
    for line, row in _rows(content, name, mapping["delimiter"]):
        try:
            day = parse_date(row.get(mapping["date"]), mapping["date_format"])
            amount = parse_amount(row.get(mapping["amount"]))
        except ValueError as error:
            report.errors.append((line, str(error)))
            continue
        if amount <= 0 or amount > MAX_PAYMENT or amount != amount.quantize(Decimal("0.01")):
            report.errors.append((line, _("The amount must be greater than zero.") if amount <= 0 else _("The amount is too large.")))
            continue
        account = str(row.get(mapping["account"]) or "").strip()
        reference = str(row.get(mapping["reference"]) or "").strip()
        if not reference:
            # Without the bank's reference, the row itself (and its occurrence in the file) names the payment.
            fingerprint = hashlib.sha256(f"{day}|{account}|{amount}".encode()).hexdigest()[:24]
            seen[fingerprint] = seen.get(fingerprint, 0) + 1
            reference = f"row:{fingerprint}:{seen[fingerprint]}"
        parsed.append(_Row(line, amount, day, reference[:120], payment_key(channel=Channel.IMPORT, reference=reference, bank=bank)))
        accounts[len(parsed) - 1] = account
    # match: one query per kind of account (virtual account, contract number), in chunks
    wanted = sorted({a for a in accounts.values() if a})
    by_account: dict[str, int] = {}
    for start in range(0, len(wanted), 5_000):
        part = wanted[start : start + 5_000]
        by_account.update(Contract.objects.filter(va_number__in=part).values_list("va_number", "id"))
        by_account.update(Contract.objects.filter(number__in=part).values_list("number", "id"))
    rows_by_contract: dict[int, list[_Row]] = {}
    for index, row in enumerate(parsed):
        contract_id = by_account.get(accounts[index])
        if contract_id is None:
            _unmatched, created = UnmatchedPayment.objects.get_or_create(
                bank=bank,
                reference=row.reference,
                defaults={
                    "line": row.line,
                    "account": accounts[index][:60],
                    "amount_sen": to_minor(row.amount),
                    "value_date": row.day,
                    "imported_by": actor,
                },
            )
            if created:
                report.unmatched += 1
            else:
                report.already_posted += 1
            continue
        row.contract_id = contract_id
        rows_by_contract.setdefault(contract_id, []).append(row)
    contract_ids = sorted(rows_by_contract)
    total = report.rows + sum(len(rows) for rows in rows_by_contract.values())
    if progress is not None:
        progress(report.rows, total)
    for start in range(0, len(contract_ids), CHUNK_CONTRACTS):
        chunk = contract_ids[start : start + CHUNK_CONTRACTS]
        _post_chunk(actor=actor, bank=bank, as_of=as_of, rows_by_contract={cid: rows_by_contract[cid] for cid in chunk}, report=report)
        if progress is not None:
            progress(report.rows, total)
    report.errors.sort()
    return report


def _post_chunk(*, actor: User, bank: str, as_of: dt.date, rows_by_contract: dict[int, list[_Row]], report: ImportReport) -> None:
    """Post one chunk of contracts' rows in one transaction: lock, replay each contract once, write in bulk."""
    ids = list(rows_by_contract)
    with durable():
        contracts = {c.pk: c for c in Contract.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")}
        keys = [row.key for rows in rows_by_contract.values() for row in rows]
        taken = set(Payment.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
        installments: dict[int, list[_InstallmentRow]] = {}
        # Plain rows, not model instances: the replay and the writes read a few attributes of each.
        for values in (
            Installment.objects.filter(contract_id__in=ids)
            .order_by("contract_id", "no")
            .values_list("id", "contract_id", "no", "due_date", "principal_sen", "interest_sen", *_INSTALLMENT_COLUMNS)
        ):
            row = _InstallmentRow(*values)
            installments.setdefault(row.contract_id, []).append(row)
        events = _events_by_contract(ids)
        stored: dict[int, list[tuple]] = {}
        for values in (
            Allocation.objects.filter(contract_id__in=ids)
            .order_by("id")
            .values_list("contract_id", "id", "payment_id", "installment__no", "component", "amount_sen", "value_date")
        ):
            stored.setdefault(values[0], []).append(values[1:])
        new_payments: list[Payment] = []
        results: list[tuple[Contract, list[Payment], Ledger]] = []
        for cid in ids:
            contract = contracts[cid]
            fresh: list[_Row] = []
            for row in rows_by_contract[cid]:
                if row.key in taken:
                    report.already_posted += 1
                elif contract.status != ContractStatus.ACTIVE:
                    report.errors.append(
                        (row.line, _("The contract is %(status)s: it takes no more payments.") % {"status": contract.get_status_display()})
                    )
                elif row.day > as_of:
                    report.errors.append((row.line, _("The payment date cannot be after today.")))
                elif row.day < contract.signing_date:
                    report.errors.append((row.line, _("The payment date cannot be before the contract was signed.")))
                else:
                    taken.add(row.key)
                    fresh.append(row)
            if not fresh:
                continue
            latest = max([as_of, *[e.value_date for e in events.get(cid, [])], *[r.day for r in fresh]])
            while fresh:
                trial = [*events.get(cid, []), *(FinancePayment(f"new:{i}", r.day, r.amount) for i, r in enumerate(fresh))]
                ledger = contract_ledger(contract, as_of=latest, installments=installments[cid], events=trial)
                over = {a.payment_ref for a in ledger.allocations if a.component == UNAPPLIED and a.payment_ref.startswith("new:")}
                if not over:
                    break
                # Only the first row that overflows is refused: the rows after it may fit once it is gone.
                first = min((i for i in range(len(fresh)) if f"new:{i}" in over), key=lambda i: (fresh[i].day, i))
                message = _("The amount is more than everything owed on the contract: for a payoff, quote an early settlement.")
                report.errors.append((fresh[first].line, message))
                fresh = [r for i, r in enumerate(fresh) if i != first]
            if not fresh:
                continue
            payments = [
                Payment(
                    contract_id=cid,
                    branch_id=contract.branch_id,
                    channel=Channel.IMPORT,
                    amount_sen=to_minor(r.amount),
                    value_date=r.day,
                    dedup_key=r.key,
                    reference=r.reference,
                    received_by=actor,
                )
                for r in fresh
            ]
            new_payments.extend(payments)
            results.append((contract, payments, ledger))
        Payment.objects.bulk_create(new_payments, batch_size=1000)
        report.posted += len(new_payments)
        _write_positions(results, installments, stored)
        if new_payments:
            audit_record(
                actor=actor,
                action="payment.import",
                object_type="servicing.payment",
                object_id=f"{new_payments[0].pk}-{new_payments[-1].pk}",
                object_repr=f"{bank}: {len(new_payments)}",
                after={"bank": bank, "payments": len(new_payments), "contracts": len(results), "first_id": new_payments[0].pk},
            )
        for contract, _payments, ledger in results:
            if ledger.closed:
                contract.closed_on = max((p.paid_on for p in ledger.installments if p.paid_on), default=None)
                CONTRACT.transition(contract, ContractAction.PAY_OFF, actor=actor, fields=["closed_on"], checked=False)


def _events_by_contract(ids: list[int]) -> dict[int, list[Any]]:
    """The money rows that count for each contract, as the finance core's events (see ledger.contract_events)."""
    events: dict[int, list[Any]] = {}
    payments = (
        Payment.objects.filter(contract_id__in=ids)
        .exclude(reversals__status=ReversalStatus.APPROVED)
        .select_related("settlement_quote")
        .order_by("value_date", "id")
    )
    for payment in payments:
        if payment.kind == PaymentKind.SETTLEMENT:
            event = Settlement(str(payment.pk), payment.value_date, from_minor(payment.amount_sen), payment.settlement_quote.valid_until)
        else:
            event = FinancePayment(str(payment.pk), payment.value_date, from_minor(payment.amount_sen))
        events.setdefault(payment.contract_id, []).append(event)
    for waiver in LateFeeWaiver.objects.filter(contract_id__in=ids).order_by("value_date", "id"):
        events.setdefault(waiver.contract_id, []).append(Waiver(f"w{waiver.pk}", waiver.value_date, from_minor(waiver.amount_sen)))
    return events


class _InstallmentRow(NamedTuple):
    pk: int
    contract_id: int
    no: int
    due_date: dt.date
    principal_sen: int
    interest_sen: int
    principal_paid_sen: int
    interest_paid_sen: int
    interest_rebated_sen: int
    late_fee_sen: int
    late_fee_paid_sen: int
    late_fee_waived_sen: int
    paid_on: dt.date | None


_INSTALLMENT_COLUMNS = (
    "principal_paid_sen",
    "interest_paid_sen",
    "interest_rebated_sen",
    "late_fee_sen",
    "late_fee_paid_sen",
    "late_fee_waived_sen",
    "paid_on",
)


def _write_positions(
    results: list[tuple[Contract, list[Payment], Ledger]], installments: dict[int, list[Any]], stored: dict[int, list[tuple]]
) -> None:
    """Store each contract's replayed position: changed installments and totals by executemany, allocations appended."""
    installment_rows: list[tuple] = []
    contract_rows: list[tuple] = []
    new_allocations: list[tuple] = []
    cut: list[tuple[int, int]] = []
    for contract, payments, ledger in results:
        refs = {f"new:{i}": p.pk for i, p in enumerate(payments)}
        rows = installments[contract.pk]
        by_no = {row.no: row for row in rows}
        for row, position in zip(rows, ledger.installments, strict=True):
            values = (
                to_minor(position.principal_paid),
                to_minor(position.interest_paid),
                to_minor(position.interest_rebated),
                to_minor(position.late_fee),
                to_minor(position.late_fee_paid),
                to_minor(position.late_fee_waived),
                position.paid_on,
            )
            if values != tuple(getattr(row, name) for name in _INSTALLMENT_COLUMNS):
                installment_rows.append((*values, row.pk))
        wanted = [
            (refs.get(a.payment_ref) or int(a.payment_ref), a.installment_no, a.component, to_minor(a.amount), a.value_date)
            for a in ledger.allocations
        ]
        previous = stored.get(contract.pk, [])
        keep = 0
        while keep < min(len(previous), len(wanted)) and tuple(previous[keep][1:]) == wanted[keep]:
            keep += 1
        if keep < len(previous):
            cut.append((contract.pk, previous[keep][0]))
        new_allocations.extend(
            (contract.pk, payment_id, by_no[number].pk if number else None, component, amount_sen, value_date)
            for payment_id, number, component, amount_sen, value_date in wanted[keep:]
        )
        contract.outstanding_sen = to_minor(ledger.outstanding)
        contract.paid_sen = sum(to_minor(a.amount) for a in ledger.allocations)
        contract.unapplied_sen = to_minor(ledger.unapplied)
        contract.version += 1
        contract_rows.append((contract.outstanding_sen, contract.paid_sen, contract.unapplied_sen, contract.version, contract.pk))
    for contract_id, first_id in cut:
        Allocation.objects.filter(contract_id=contract_id, id__gte=first_id).delete()
    with connection.cursor() as cursor:
        # Raw inserts: the allocation rows are plain values, and building 200,000 model instances was a
        # third of the import's time.
        cursor.executemany(
            f"INSERT INTO {Allocation._meta.db_table} (contract_id, payment_id, installment_id, component, amount_sen, value_date) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s)",
            new_allocations,
        )
        if installment_rows:
            assignments = ", ".join(f"{name} = %s" for name in _INSTALLMENT_COLUMNS)
            cursor.executemany(f"UPDATE {Installment._meta.db_table} SET {assignments} WHERE id = %s", installment_rows)  # noqa: S608
        if contract_rows:
            cursor.executemany(
                f"UPDATE {Contract._meta.db_table} SET outstanding_sen = %s, paid_sen = %s, unapplied_sen = %s, version = %s WHERE id = %s",  # noqa: S608
                contract_rows,
            )


# --- imports as rows: small files at once, big files in the background worker ----------------------

MAX_STATEMENT_BYTES = 20 * 1024 * 1024
# A file of at most this many rows is posted while the person waits; a bigger one goes to the worker
# (`angsur db_worker`) and its page shows the progress.
INLINE_ROWS = 2_000


def _count_rows(content: bytes, name: str, bank: str) -> int:
    try:
        return sum(1 for _row in _rows(content, name, _mapping(bank)["delimiter"]))
    except Exception as error:  # a file that is not the CSV or Excel it says: refused, never a 500
        raise DomainError("file_unreadable", _("The file cannot be read as CSV or Excel (.xlsx)."), field="file") from error


def payment_import_start(*, actor: User, bank: str, name: str, content: bytes, as_of: dt.date) -> PaymentImport:
    """Take a statement file: refuse what cannot be read, record it, post it now or hand it to the worker."""
    require(actor, Capability.PAYMENT_POST)
    bank = (bank or "").strip()
    if not bank or len(bank) > 40:
        raise DomainError("bank_required", _("Name the bank (at most 40 characters)."), field="bank")
    if len(content) > MAX_STATEMENT_BYTES:
        raise DomainError("file_too_large", _("The file is too large."), field="file")
    if not content:
        raise DomainError("file_empty", _("The file is empty."), field="file")
    rows = _count_rows(content, name, bank)
    with durable():
        record = PaymentImport.objects.create(
            branch_id=actor.branch_id,
            bank=bank,
            file_name=(name or "statement.csv")[:200],
            content=content,
            rows_total=rows,
            imported_by=actor,
            as_of=as_of,
        )
        audit_record(
            actor=actor,
            action="payment.import_start",
            obj=record,
            branch=actor.branch,
            after={"bank": bank, "file": record.file_name, "rows": rows},
        )
        if rows > INLINE_ROWS:
            transaction.on_commit(functools.partial(payment_import_task.enqueue, record.pk))
    if rows <= INLINE_ROWS:
        payment_import_run(import_id=record.pk)
        record.refresh_from_db()
    return record


def payment_import_run(*, import_id: int) -> None:
    """Post a queued import (once: a second worker, or a retried task, finds it taken and does nothing)."""
    claimed = PaymentImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING)
    if not claimed:
        return
    record = PaymentImport.objects.select_related("imported_by").get(pk=import_id)

    def progress(done: int, total: int) -> None:
        PaymentImport.objects.filter(pk=import_id).update(rows_done=done, rows_total=total)

    try:
        report = statement_import(
            actor=record.imported_by,
            content=bytes(record.content),
            name=record.file_name,
            bank=record.bank,
            as_of=record.as_of,
            progress=progress,
        )
    except Exception:
        logger.exception("statement import %s failed", import_id)
        PaymentImport.objects.filter(pk=import_id).update(status=ImportStatus.FAILED, finished_at=timezone.now())
        return
    PaymentImport.objects.filter(pk=import_id).update(
        status=ImportStatus.DONE,
        rows_done=report.rows,
        rows_total=report.rows,
        finished_at=timezone.now(),
        report={
            "rows": report.rows,
            "posted": report.posted,
            "already_posted": report.already_posted,
            "unmatched": report.unmatched,
            "errors": [{"line": line, "message": str(message)} for line, message in report.errors],
        },
    )


@task(queue_name="default")
def payment_import_task(import_id: int) -> None:
    """The worker's side of a big statement import."""
    payment_import_run(import_id=import_id)
