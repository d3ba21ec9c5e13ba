"""Servicing screens: contract list and page, booking, counter payment and receipt, reversal, waiver, settlement.

Views parse input, call one service or selector, and render; a refused step comes back as a message on
the contract page (DomainError → translated text), never a 500.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from angsur.errors import DomainError
from angsur.finance.money import from_minor
from angsur.formatting import format_rupiah
from angsur.org.clock import business_date
from angsur.org.roles import Capability
from angsur.org.scoping import require, user_can
from angsur.origination.selectors import application_get, booking_blockers
from angsur.servicing import eod_selectors, selectors, services
from angsur.servicing.contract_links import contract_links
from angsur.servicing.documents import purchase_order_pdf, receipt_pdf, settlement_quote_pdf, statement_pdf
from angsur.servicing.forms import BookForm, BpkbForm, DecideForm, FiduciaryForm, PaymentForm, ReasonForm, WaiverForm
from angsur.servicing.imports import MAX_STATEMENT_BYTES, payment_import_start
from angsur.servicing.models import Contract
from angsur.servicing.workflow import ContractStatus


def _invalid(form: Any) -> DomainError:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    return DomainError("invalid_input", f"{label}: {errors[0]}" if label else errors[0])


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    contracts = selectors.contract_rows(viewer=request.user, status=status, limit=200)
    return render(request, "servicing/list.html", {"contracts": contracts, "status": status, "statuses": ContractStatus.choices})


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_get(viewer=request.user, pk=pk)
    as_of = business_date(contract.branch)
    position = selectors.contract_position(contract, as_of=as_of)
    user = request.user
    active = contract.status == ContractStatus.ACTIVE
    can = {
        "pay": active and user_can(user, Capability.PAYMENT_POST),
        "reverse": user_can(user, Capability.PAYMENT_REVERSE_REQUEST) and contract.status != ContractStatus.SETTLED,
        "decide": user_can(user, Capability.PAYMENT_REVERSE_APPROVE),
        "waive": active and user_can(user, Capability.LATE_FEE_WAIVE) and position.ledger.late_fee_unpaid > 0,
        "quote": active and user_can(user, Capability.SETTLEMENT_QUOTE),
        "execute": active and user_can(user, Capability.SETTLEMENT_EXECUTE),
        "prepare": user_can(user, Capability.DISBURSEMENT_PREPARE),
        "release": user_can(user, Capability.DISBURSEMENT_RELEASE),
        "collateral": user_can(user, Capability.COLLATERAL_MANAGE),
        # Collectors, remedial staff and the front office see contracts but not the applications behind them.
        "application": user_can(user, Capability.APPLICATION_VIEW),
    }
    payment_form = PaymentForm(initial={"value_date": as_of, "channel": "counter", "idempotency_key": uuid.uuid4().hex})
    return render(
        request,
        "servicing/detail.html",
        {
            "contract": contract,
            "position": position,
            "ledger": position.ledger,
            "as_of": as_of,
            "can": can,
            "payment_form": payment_form,
            "waiver_form": WaiverForm(),
            "fiduciary_form": FiduciaryForm(),
            "bpkb_form": BpkbForm(),
            "quotes": [(q, from_minor(q.total_sen)) for q in contract.settlement_quotes.all()[:5]],
            "pending": [r for r in position.reversals if r.status == "requested"],
            "disbursement": getattr(contract, "disbursement", None),
            "collateral": getattr(contract, "collateral", None),
            "today": as_of,
            "eod": eod_selectors.contract_eod_position(viewer=user, contract_id=contract.pk),
            "links": contract_links(viewer=user, contract=contract),
        },
    )


@login_required
def contract_book_view(request: HttpRequest, application_pk: int) -> HttpResponse:
    """The booking page of an approved application: its terms, what blocks it, and the booking form."""
    require(request.user, Capability.CONTRACT_BOOK)
    app = application_get(viewer=request.user, pk=application_pk)
    existing = selectors.contract_for_application(app.pk)
    if existing is not None:
        return redirect("contract_detail", pk=existing.pk)
    as_of = business_date(app.branch)
    form = BookForm(request.POST or None, initial={"signing_date": as_of})
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_book(
                actor=request.user,
                application=app,
                signing_date=form.cleaned_data["signing_date"],
                first_due_date=form.cleaned_data["first_due_date"],
                as_of=as_of,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Contract %(number)s booked.") % {"number": contract.number})
            return redirect("contract_detail", pk=contract.pk)
    return render(request, "servicing/book.html", {"app": app, "form": form, "blockers": booking_blockers(app)})


def _contract_step(handler: Callable[[HttpRequest, Contract], str | None]) -> Callable[..., HttpResponse]:
    """A POST step on a contract: run the service, report the outcome, go back to the contract."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        contract = selectors.contract_get(viewer=request.user, pk=pk)
        try:
            done = handler(request, contract)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if done:
                messages.success(request, done)
        return redirect("contract_detail", pk=contract.pk)

    view.__name__ = handler.__name__
    return view


@_contract_step
def step_pay(request: HttpRequest, contract: Contract) -> str:
    form = PaymentForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    data = form.cleaned_data
    payment = services.payment_post(
        actor=request.user,
        contract=contract,
        amount=data["amount"],
        channel=data["channel"],
        value_date=data["value_date"],
        as_of=business_date(contract.branch),
        reference=data["reference"],
        idempotency_key=data["idempotency_key"],
    )
    if payment.receipt_number:
        return _("Payment recorded, receipt %(number)s.") % {"number": payment.receipt_number}
    return _("Payment recorded.")


@_contract_step
def step_waive(request: HttpRequest, contract: Contract) -> str:
    form = WaiverForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    services.late_fee_waive(
        actor=request.user,
        contract=contract,
        amount=form.cleaned_data["amount"],
        reason=form.cleaned_data["reason"],
        as_of=business_date(contract.branch),
    )
    return _("Late fees waived.")


@_contract_step
def step_settlement_quote(request: HttpRequest, contract: Contract) -> str:
    quote = services.settlement_quote_create(actor=request.user, contract=contract, as_of=business_date(contract.branch))
    return _("Settlement quote %(number)s: %(total)s, valid until %(date)s.") % {
        "number": quote.number,
        "total": format_rupiah(from_minor(quote.total_sen)),
        "date": quote.valid_until.strftime("%d-%m-%Y"),
    }


def _object_step(getter: Callable[..., Any], handler: Callable[[HttpRequest, Any], str]) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = getter(viewer=request.user, pk=pk)
        try:
            done = handler(request, obj)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect("contract_detail", pk=obj.contract_id)

    view.__name__ = handler.__name__
    return view


def _reverse(request: HttpRequest, payment: Any) -> str:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    services.payment_reverse_request(actor=request.user, payment=payment, reason=form.cleaned_data["reason"])
    return _("Reversal requested: the branch manager approves it.")


def _decide(request: HttpRequest, reversal: Any) -> str:
    form = DecideForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    approve = form.cleaned_data["approve"]
    services.payment_reverse_decide(actor=request.user, reversal=reversal, approve=approve, as_of=business_date(reversal.contract.branch))
    return _("Reversal approved: the payment no longer counts.") if approve else _("Reversal rejected.")


def _execute(request: HttpRequest, quote: Any) -> str:
    as_of = business_date(quote.contract.branch)
    payment = services.settlement_execute(actor=request.user, quote=quote, value_date=as_of, as_of=as_of)
    return _("Contract settled, receipt %(number)s.") % {"number": payment.receipt_number}


def _release(request: HttpRequest, disbursement: Any) -> str:
    services.disbursement_release(actor=request.user, disbursement=disbursement)
    return _("Disbursement released: transfer it and record the bank's reference.")


def _paid(request: HttpRequest, disbursement: Any) -> str:
    reference = request.POST.get("bank_reference", "")[:60]
    as_of = business_date(disbursement.contract.branch)
    services.disbursement_mark_paid(actor=request.user, disbursement=disbursement, bank_reference=reference, paid_on=as_of, as_of=as_of)
    return _("Disbursement paid.")


@_contract_step
def step_disburse(request: HttpRequest, contract: Contract) -> str:
    disbursement = services.disbursement_prepare(actor=request.user, contract=contract)
    return _("Purchase order %(number)s issued.") % {"number": disbursement.po_number}


@_contract_step
def step_fiduciary(request: HttpRequest, contract: Contract) -> str:
    form = FiduciaryForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    data = form.cleaned_data
    services.fiduciary_record(
        actor=request.user,
        contract=contract,
        deed_number=data["deed_number"],
        deed_date=data["deed_date"],
        certificate_number=data["certificate_number"],
        registered_on=data["registered_on"],
        as_of=business_date(contract.branch),
    )
    return _("Fiduciary recorded.")


@_contract_step
def step_bpkb(request: HttpRequest, contract: Contract) -> str:
    form = BpkbForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    data = form.cleaned_data
    as_of = business_date(contract.branch)
    services.bpkb_move(
        actor=request.user,
        contract=contract,
        action=data["action"],
        on=as_of,
        as_of=as_of,
        note=data["note"],
        bpkb_number=data["bpkb_number"],
        vault_location=data["vault_location"],
    )
    return _("BPKB updated.")


@login_required
def collateral_overview(request: HttpRequest) -> HttpResponse:
    """Fiduciary deadlines (missed, warned, open) and the BPKBs dealers still owe, per dealer."""
    require(request.user, Capability.COLLATERAL_MANAGE)
    as_of = business_date(request.user.branch) if request.user.branch_id else timezone.localdate()
    return render(
        request,
        "servicing/collateral.html",
        {
            "as_of": as_of,
            "fiduciaries": selectors.fiduciary_deadlines(viewer=request.user, as_of=as_of),
            "late_bpkbs": selectors.bpkb_late_by_dealer(viewer=request.user, as_of=as_of),
        },
    )


step_release = _object_step(selectors.disbursement_get, _release)
step_paid = _object_step(selectors.disbursement_get, _paid)
step_reverse = _object_step(selectors.payment_get, _reverse)
step_decide = _object_step(selectors.reversal_get, _decide)
step_execute = _object_step(selectors.settlement_quote_get, _execute)


@login_required
def payment_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    payment = selectors.payment_get(viewer=request.user, pk=pk)
    if not payment.receipt_number:
        raise DomainError("no_receipt", _("Only counter payments have a receipt."), status=404)
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kwitansi-{payment.receipt_number.replace("/", "-")}.pdf"'
    return response


@login_required
def settlement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.settlement_quote_get(viewer=request.user, pk=pk)
    response = HttpResponse(settlement_quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pelunasan-{quote.number.replace("/", "-")}.pdf"'
    return response


@login_required
def purchase_order(request: HttpRequest, pk: int) -> HttpResponse:
    disbursement = selectors.disbursement_get(viewer=request.user, pk=pk)
    response = HttpResponse(purchase_order_pdf(disbursement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="po-{disbursement.po_number.replace("/", "-")}.pdf"'
    return response


@login_required
def contract_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's installment card and statement as of the branch's business date (PDF)."""
    contract = selectors.contract_get(viewer=request.user, pk=pk)
    position = selectors.contract_position(contract, as_of=business_date(contract.branch))
    response = HttpResponse(statement_pdf(position), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kartu-angsuran-{contract.number.replace("/", "-")}.pdf"'
    return response


@login_required
def unmatched_queue(request: HttpRequest) -> HttpResponse:
    """The review queue: statement rows that named no contract, to post to the contract a person finds."""
    rows = [(row, from_minor(row.amount_sen)) for row in selectors.unmatched_rows(viewer=request.user)]
    return render(request, "servicing/unmatched.html", {"rows": rows})


@login_required
@require_POST
def unmatched_match(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.unmatched_get(viewer=request.user, pk=pk)
    number = request.POST.get("contract_number", "").strip()[:40]
    try:
        contract = selectors.contract_by_number(viewer=request.user, number=number)
        payment = services.unmatched_resolve(actor=request.user, unmatched=row, contract=contract, as_of=business_date(contract.branch))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Posted to %(number)s.") % {"number": payment.contract.number})
    return redirect("unmatched_queue")


@login_required
def payment_imports(request: HttpRequest) -> HttpResponse:
    """Upload a bank statement (small files post at once, big ones go to the worker) and see the recent imports."""
    require(request.user, Capability.PAYMENT_POST)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("file_required", _("Choose the statement file."), field="file")
            if upload.size and upload.size > MAX_STATEMENT_BYTES:
                raise DomainError("file_too_large", _("The file is too large."), field="file")
            user = request.user
            as_of = business_date(user.branch) if user.branch_id else timezone.localdate()
            record = payment_import_start(
                actor=user, bank=request.POST.get("bank", ""), name=upload.name or "statement.csv", content=upload.read(), as_of=as_of
            )
        except DomainError as refused:
            error = refused.message
        else:
            return redirect("payment_import_detail", pk=record.pk)
    context = {"imports": selectors.payment_imports_recent(viewer=request.user), "error": error, "bank": request.POST.get("bank", "")}
    return render(request, "servicing/imports.html", context)


@login_required
def payment_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress bar while it runs (the page asks again every second), then its report."""
    record = selectors.payment_import_get(viewer=request.user, pk=pk)
    template = "servicing/_import_status.html" if request.htmx else "servicing/import_detail.html"
    return render(request, template, {"record": record, "running": record.status in ("queued", "running")})


@login_required
def purchase_orders(request: HttpRequest) -> HttpResponse:
    """Purchase orders and what was paid: the dealer portal sees its own dealer's; Admin and the manager their branch's."""
    rows = selectors.disbursement_rows(viewer=request.user)
    return render(request, "servicing/purchase_orders.html", {"rows": rows, "is_dealer": request.user.role == "dealer"})
