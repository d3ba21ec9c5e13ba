"""Servicing PDFs: the numbered receipt (with the amount in words in Indonesian) and the settlement quote."""

from decimal import Decimal

from num2words import num2words

from angsur.documents.pdf import render_pdf
from angsur.finance.money import from_minor
from angsur.servicing.models import Disbursement, Payment, SettlementQuote
from angsur.servicing.selectors import ContractPosition


def terbilang(amount: Decimal) -> str:
    """The amount in Indonesian words, as receipts write it: "satu juta seratus tujuh puluh ribu rupiah"."""
    whole = int(amount)
    words = num2words(whole, lang="id")
    sen = int((amount - whole) * 100)
    if sen:
        words += " rupiah " + num2words(sen, lang="id") + " sen"
    else:
        words += " rupiah"
    return words[0].upper() + words[1:]


def receipt_pdf(payment: Payment) -> bytes:
    """The counter payment's receipt (kwitansi) with its number and the amount in words."""
    amount = from_minor(payment.amount_sen)
    contract = payment.contract
    allocations = list(payment.allocations.select_related("installment").order_by("id"))
    context = {
        "payment": payment,
        "contract": contract,
        "branch": contract.branch,
        "amount": amount,
        "words": terbilang(amount),
        "allocations": [(a.installment.no if a.installment else None, a.component, from_minor(a.amount_sen)) for a in allocations],
    }
    return render_pdf("servicing/pdf_receipt.html", context)


def settlement_quote_pdf(quote: SettlementQuote) -> bytes:
    """The early-settlement quote with its parts, the rebated interest and the date it is valid until."""
    contract = quote.contract
    total = from_minor(quote.total_sen)
    context = {
        "quote": quote,
        "contract": contract,
        "branch": contract.branch,
        "principal": from_minor(quote.principal_sen),
        "interest": from_minor(quote.interest_sen),
        "late_fees": from_minor(quote.late_fee_sen),
        "fee": from_minor(quote.fee_sen),
        "total": total,
        "rebated": from_minor(quote.interest_rebated_sen),
        "words": terbilang(total),
    }
    return render_pdf("servicing/pdf_settlement.html", context)


def purchase_order_pdf(disbursement: Disbursement) -> bytes:
    """The purchase order to the dealer: the vehicle, the customer, and what the company pays the dealer."""
    contract = disbursement.contract
    amount = from_minor(disbursement.amount_sen)
    context = {
        "d": disbursement,
        "contract": contract,
        "dealer": disbursement.dealer,
        "branch": contract.branch,
        "otr": from_minor(disbursement.otr_sen),
        "down_payment": from_minor(disbursement.down_payment_sen),
        "deduction": from_minor(disbursement.dealer_deduction_sen),
        "amount": amount,
        "words": terbilang(amount),
    }
    return render_pdf("servicing/pdf_purchase_order.html", context)


def statement_pdf(position: ContractPosition) -> bytes:
    """The customer's installment card and statement: every installment paid, due or overdue, and every payment."""
    return render_pdf("servicing/pdf_statement.html", {"position": position, "contract": position.contract, "ledger": position.ledger})
