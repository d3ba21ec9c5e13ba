"""Remedial screens: the collector's field cash (phone), booklets, the cashier's deposits, the reconciliation and the
branch manager's missing/late list; the remedial page of a contract (warning letters, default evidence, repossession).

Views parse input, call one service or selector, and render; a refused step comes back as a message, never a 500.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from angsur.errors import DomainError, PermissionDenied
from angsur.finance.money import from_minor
from angsur.formatting import format_rupiah
from angsur.org.clock import business_date
from angsur.org.roles import Capability
from angsur.org.scoping import require, user_can
from angsur.remedial import selectors, services
from angsur.remedial.documents import field_receipt_pdf, reconciliation_xlsx, repossession_report_pdf, warning_letter_pdf
from angsur.remedial.forms import (
    BookletForm,
    DepositForm,
    EvidenceForm,
    FinishForm,
    LetterForm,
    OpenForm,
    PeriodForm,
    ReasonForm,
    ReceiptForm,
    SecureForm,
    SendForm,
    SpoilForm,
)
from angsur.remedial.models import LetterChannel
from angsur.remedial.workflow import REPOSSESSION, WARNING_LETTER
from angsur.servicing.workflow import ContractStatus


def _invalid(form: Any) -> DomainError:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    return DomainError("invalid_input", f"{label}: {errors[0]}" if label else errors[0])


def _today(user: Any) -> dt.date:
    if user.branch_id is None:
        raise PermissionDenied("branch_required", _("Choose a branch first: this is a branch's work."))
    return business_date(user.branch)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name.replace("/", "-")}.pdf"'
    return response


# --- the collector's field cash (phone) --------------------------------------------------------------


@login_required
def field_cash(request: HttpRequest) -> HttpResponse:
    """The collector's screen: write a receipt for cash taken, spoil a receipt, see what is still to deposit."""
    user = request.user
    require(user, Capability.COLLECTION_CASH)
    as_of = _today(user)
    form = ReceiptForm(request.POST or None, initial={"number": selectors.next_free_number(collector=user)})
    if request.method == "POST":
        # From the phone's outbox (outbox.js): answered in JSON; a receipt sent again is recorded once (its number).
        outbox = request.headers.get("X-Angsur-Outbox") == "1"
        if outbox and not form.is_valid():
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return JsonResponse({"code": "invalid", "message": str(_invalid(form).message), "errors": errors}, status=400)
        try:
            if not form.is_valid():
                raise _invalid(form)
            data = form.cleaned_data
            contract = selectors.contract_for_cash(viewer=user, number=data["contract_number"])
            receipt = services.receipt_issue(actor=user, contract=contract, number=data["number"], amount=data["amount"], as_of=as_of)
        except DomainError as error:
            if outbox:
                return JsonResponse(error.as_dict(), status=error.status)
            messages.error(request, error.message)
        else:
            message = _("Receipt %(number)s: %(amount)s received for %(contract)s. Deposit the cash at the branch by %(due)s.") % {
                "number": receipt.display_number,
                "amount": format_rupiah(receipt.amount),
                "contract": contract.number,
                "due": receipt.deposit_due.strftime("%d-%m-%Y"),
            }
            messages.success(request, message)
            if outbox:
                url = reverse("field_cash")
                return JsonResponse(
                    {"status": "accepted", "replayed": receipt.replayed, "message": message, "url": url},
                    status=200 if receipt.replayed else 201,
                )
            return redirect("field_cash")
    receipts = selectors.receipt_rows(viewer=user, date_from=as_of - dt.timedelta(days=14))
    return render(
        request,
        "remedial/field_cash.html",
        {
            "form": form,
            "spoil_form": SpoilForm(),
            "receipts": receipts,
            "to_deposit": [r for r in receipts if r.status == "issued" and r.deposit_id is None],
            "booklets": [(b, selectors.booklet_used(b)) for b in selectors.booklet_rows(viewer=user)],
            "assigned": selectors.assigned_contract_numbers(viewer=user),
            "as_of": as_of,
        },
    )


@login_required
@require_POST
def field_receipt_spoil(request: HttpRequest) -> HttpResponse:
    form = SpoilForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        receipt = services.receipt_spoil(
            actor=request.user, number=form.cleaned_data["number"], reason=form.cleaned_data["reason"], as_of=_today(request.user)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Receipt %(number)s recorded as spoiled.") % {"number": receipt.display_number})
    return redirect("field_cash")


@login_required
def field_receipt_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = selectors.receipt_get(viewer=request.user, pk=pk)
    if receipt.status != "issued":
        raise DomainError("receipt_spoiled", _("A spoiled receipt has no document."), status=404)
    return _pdf(field_receipt_pdf(receipt), f"kuitansi-lapangan-{receipt.display_number}")


# --- booklets (branch manager) -----------------------------------------------------------------------


@login_required
def receipt_booklets(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Capability.COLLECTION_ASSIGN)
    form = BookletForm(request.POST or None, collectors=selectors.collectors_of_branch(viewer=user))
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _invalid(form)
            data = form.cleaned_data
            collector = selectors.staff_get(viewer=user, pk=data["collector"])
            booklet = services.booklet_assign(
                actor=user,
                collector=collector,
                first_number=data["first_number"],
                last_number=data["last_number"],
                as_of=business_date(collector.branch),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Booklet %(range)s assigned to %(collector)s.") % {"range": booklet, "collector": collector.username}
            )
            return redirect("receipt_booklets")
    booklets = [(b, selectors.booklet_used(b)) for b in selectors.booklet_rows(viewer=user)]
    return render(request, "remedial/booklets.html", {"form": form, "booklets": booklets})


# --- deposits (cashier) ------------------------------------------------------------------------------


@login_required
def cash_deposits(request: HttpRequest) -> HttpResponse:
    """The cashier's screen: each collector's receipts not yet deposited, a form per collector, recent deposits."""
    user = request.user
    require(user, Capability.CASH_DEPOSIT_RECEIVE)
    waiting = selectors.undeposited(viewer=user)
    groups = [(collector, receipts, sum((r.amount for r in receipts), 0)) for collector, receipts in waiting.items()]
    return render(
        request,
        "remedial/deposits.html",
        {"groups": groups, "deposits": selectors.deposit_rows(viewer=user, limit=30), "as_of": _today(user)},
    )


@login_required
@require_POST
def cash_deposit_receive(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        ids = [int(v) for v in request.POST.getlist("receipts") if v.isdigit()]
        form = DepositForm(request.POST, receipt_ids=ids)
        if not form.is_valid():
            raise _invalid(form)
        data = form.cleaned_data
        collector = selectors.staff_get(viewer=user, pk=data["collector"])
        deposit = services.deposit_receive(
            actor=user, collector=collector, receipt_ids=data["receipts"], counted=data["counted"], as_of=_today(user), note=data["note"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        difference = deposit.difference_sen
        text = _("Deposit %(number)s received from %(collector)s: %(counted)s.") % {
            "number": deposit.number,
            "collector": collector.username,
            "counted": format_rupiah(from_minor(deposit.counted_sen)),
        }
        if difference:
            text += " " + _("Difference: %(difference)s.") % {"difference": format_rupiah(from_minor(difference))}
        messages.success(request, text)
    return redirect("cash_deposits")


# --- reconciliation and the branch manager's list ----------------------------------------------------


def _period(request: HttpRequest, as_of: dt.date) -> tuple[dt.date, dt.date]:
    form = PeriodForm(request.GET or None)
    date_from = date_to = None
    if form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    date_to = date_to or as_of
    date_from = date_from or date_to - dt.timedelta(days=6)
    if date_from > date_to or (date_to - date_from).days > 92:
        raise DomainError("period_invalid", _("The period runs from an earlier to a later date, at most 92 days."))
    return date_from, date_to


@login_required
def field_cash_reconciliation(request: HttpRequest) -> HttpResponse:
    user = request.user
    selectors.require_any_cash(user)
    as_of = _today(user)
    try:
        date_from, date_to = _period(request, as_of)
    except DomainError as error:
        messages.error(request, error.message)
        date_from = date_to = as_of
    rec = selectors.reconciliation(viewer=user, date_from=date_from, date_to=date_to, as_of=as_of)
    can_exceptions = user_can(user, Capability.CASH_DEPOSIT_RECEIVE)
    exceptions = selectors.deposit_exceptions(viewer=user, as_of=as_of) if can_exceptions else []
    context = {"rec": rec, "exceptions": exceptions, "can_exceptions": can_exceptions, "as_of": as_of}
    return render(request, "remedial/reconciliation.html", context)


@login_required
def field_cash_reconciliation_xlsx(request: HttpRequest) -> HttpResponse:
    user = request.user
    selectors.require_any_cash(user)
    as_of = _today(user)
    date_from, date_to = _period(request, as_of)
    rec = selectors.reconciliation(viewer=user, date_from=date_from, date_to=date_to, as_of=as_of)
    response = HttpResponse(reconciliation_xlsx(rec), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="rekonsiliasi-kas-lapangan-{date_from}-{date_to}.xlsx"'
    return response


@login_required
def field_cash_exceptions(request: HttpRequest) -> HttpResponse:
    """The branch manager's list: cash not deposited by its working day, deposited late, counted short or over."""
    user = request.user
    as_of = _today(user)
    return render(
        request, "remedial/exceptions.html", {"exceptions": selectors.deposit_exceptions(viewer=user, as_of=as_of), "as_of": as_of}
    )


# --- remedial: letters, evidence, repossession -------------------------------------------------------


@login_required
def remedial_home(request: HttpRequest) -> HttpResponse:
    """Drafts to send, letters sent, open repossession tasks; find a contract by number."""
    user = request.user
    number = request.GET.get("contract", "").strip()[:40]
    if number:
        try:
            contract = selectors.contract_for_cash(viewer=user, number=number)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return redirect("remedial_contract", pk=contract.pk)
    return render(request, "remedial/home.html", {"work": selectors.open_work(viewer=user)})


@login_required
def remedial_contract(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contract = selectors.remedial_contract(viewer=user, pk=pk)
    as_of = business_date(contract.branch)
    letters = selectors.letter_rows(viewer=user, contract=contract)
    tasks = selectors.repossession_rows(viewer=user, contract=contract)
    active = contract.status == ContractStatus.ACTIVE
    return render(
        request,
        "remedial/contract.html",
        {
            "contract": contract,
            "as_of": as_of,
            "owed": selectors.owed_on(contract, as_of=as_of),
            "letters": [(letter, WARNING_LETTER.allowed_actions(letter, user)) for letter in letters],
            "tasks": [(task, REPOSSESSION.allowed_actions(task, user)) for task in tasks],
            "evidence": selectors.evidence_rows(contract=contract),
            "collateral": selectors.collateral_of(contract),
            "blockers": selectors.repossession_blockers(contract),
            "can_letter": active and user_can(user, Capability.WARNING_LETTER),
            "can_repossess": active and user_can(user, Capability.REPOSSESSION),
            "letter_form": LetterForm(),
            "channels": LetterChannel.choices,
            "evidence_form": EvidenceForm(initial={"dated": as_of}),
            "open_form": OpenForm(officers=selectors.remedial_officers(viewer=user)),
            "secure_form": SecureForm(initial={"secured_on": as_of}),
        },
    )


def _contract_step(handler: Callable[[HttpRequest, Any], str]) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        contract = selectors.remedial_contract(viewer=request.user, pk=pk)
        try:
            messages.success(request, handler(request, contract))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("remedial_contract", pk=contract.pk)

    view.__name__ = handler.__name__
    return view


def _object_step(getter: Callable[..., Any], handler: Callable[[HttpRequest, Any], str]) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        obj = getter(viewer=request.user, pk=pk)
        try:
            messages.success(request, handler(request, obj))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(reverse("remedial_contract", args=[obj.contract_id]))

    view.__name__ = handler.__name__
    return view


@_contract_step
def letter_create(request: HttpRequest, contract: Any) -> str:
    form = LetterForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    letter = services.warning_letter_create(
        actor=request.user, contract=contract, level=form.cleaned_data["level"], as_of=business_date(contract.branch)
    )
    return _("%(letter)s %(number)s drafted: print it and record when it was sent.") % {
        "letter": letter.level_label,
        "number": letter.number,
    }


@_contract_step
def evidence_record(request: HttpRequest, contract: Any) -> str:
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    data = form.cleaned_data
    services.default_evidence_record(
        actor=request.user,
        contract=contract,
        kind=data["kind"],
        dated=data["dated"],
        document=data["document"],
        note=data["note"],
        as_of=business_date(contract.branch),
    )
    return _("Recorded.")


@_contract_step
def repossession_open(request: HttpRequest, contract: Any) -> str:
    form = OpenForm(request.POST, officers=selectors.remedial_officers(viewer=request.user))
    if not form.is_valid():
        raise _invalid(form)
    officer = selectors.staff_get(viewer=request.user, pk=form.cleaned_data["officer"])
    task = services.repossession_create(actor=request.user, contract=contract, officer=officer, as_of=business_date(contract.branch))
    return _("Repossession task %(number)s opened.") % {"number": task.number}


def _send(request: HttpRequest, letter: Any) -> str:
    form = SendForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    as_of = business_date(letter.contract.branch)
    services.warning_letter_send(
        actor=request.user, letter=letter, sent_on=form.cleaned_data["sent_on"], channel=form.cleaned_data["channel"], as_of=as_of
    )
    return _("Letter %(number)s recorded as sent.") % {"number": letter.number}


def _cancel(request: HttpRequest, letter: Any) -> str:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    services.warning_letter_cancel(actor=request.user, letter=letter, reason=form.cleaned_data["reason"])
    return _("Draft cancelled.")


def _secure(request: HttpRequest, task: Any) -> str:
    form = SecureForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    data = form.cleaned_data
    services.repossession_secure(
        actor=request.user,
        task=task,
        secured_on=data["secured_on"],
        place=data["place"],
        condition=data["condition"],
        costs=data["costs"] or 0,
        as_of=business_date(task.contract.branch),
    )
    return _("Unit secured: print the repossession report.")


def _finish(request: HttpRequest, task: Any) -> str:
    form = FinishForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    done = services.repossession_finish(actor=request.user, task=task, action=form.cleaned_data["action"], note=form.cleaned_data["note"])
    return _("Repossession task %(number)s: %(status)s.") % {"number": done.number, "status": done.get_status_display()}


letter_send = _object_step(selectors.letter_get, _send)
letter_cancel = _object_step(selectors.letter_get, _cancel)
repossession_secure = _object_step(selectors.repossession_get, _secure)
repossession_finish = _object_step(selectors.repossession_get, _finish)


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get(viewer=request.user, pk=pk)
    return _pdf(warning_letter_pdf(letter), letter.number)


@login_required
def repossession_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.repossession_get(viewer=request.user, pk=pk)
    return _pdf(repossession_report_pdf(task), f"berita-acara-{task.number}")
