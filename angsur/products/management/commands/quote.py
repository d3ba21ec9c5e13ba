"""`angsur quote`: price a quote from the command line (batch work, checks against a price list)."""

import datetime as dt
import json
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.errors import DomainError
from angsur.finance.quote import OTR_MAX, ROUNDING_UNIT_MAX, ROUNDING_UNIT_MIN, TENOR_MAX_MONTHS
from angsur.products.selectors import product_get_by_code
from angsur.products.services import quote_from_terms, quote_price


def _decimal(name: str):
    def parse(text: str) -> Decimal:
        try:
            value = Decimal(text.replace("_", ""))
        except InvalidOperation:
            raise CommandError(_("--%(name)s: not a number: %(text)s") % {"name": name, "text": text}) from None
        if not value.is_finite():
            raise CommandError(_("--%(name)s: not a number: %(text)s") % {"name": name, "text": text})
        return value

    return parse


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("Dates must be YYYY-MM-DD: %(text)s") % {"text": text}) from None


class Command(BaseCommand):
    help = "Price a quote: by explicit terms (--flat-rate or --effective-rate) or by --product on its rate card."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--otr", required=True, type=_decimal("otr"), help=f"OTR price in rupiah, at most {OTR_MAX}")
        parser.add_argument("--dp", required=True, type=_decimal("dp"), help="Down payment in rupiah")
        parser.add_argument("--tenor", required=True, type=int, help=f"Tenor in months, 1 to {TENOR_MAX_MONTHS}")
        parser.add_argument("--flat-rate", type=_decimal("flat-rate"), help="Flat rate %% per year")
        parser.add_argument("--effective-rate", type=_decimal("effective-rate"), help="Effective rate %% per year")
        parser.add_argument("--timing", choices=["addb", "addm"], default="addb")
        parser.add_argument(
            "--rounding",
            type=_decimal("rounding"),
            default=Decimal("1000"),
            help=f"Round the installment to this unit: whole rupiah, {ROUNDING_UNIT_MIN} to {ROUNDING_UNIT_MAX}",
        )
        parser.add_argument(
            "--rounding-direction",
            choices=["up", "down", "half_up", "half_even"],
            default="up",
            help="half_up: nearest, ties up; half_even: nearest, ties to even",
        )
        parser.add_argument(
            "--residue",
            choices=["interest", "last_installment"],
            default="interest",
            help="Where the rounding difference goes (a 0%% loan always puts it in the last installment)",
        )
        parser.add_argument("--product", help="Product code: price on its rate card in force")
        parser.add_argument("--vehicle-year", type=int, help="Vehicle year (with --product; default: this year)")
        parser.add_argument("--branch", help="Branch code whose rate card applies (with --product)")
        parser.add_argument("--as-of", type=_date, help="Pricing date (default: today)")
        parser.add_argument("--first-due", type=_date, help="First due date YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="Print JSON")

    def handle(self, *args: Any, **o: Any) -> None:
        as_of = o["as_of"] or timezone.localdate()
        try:
            if o["product"]:
                from angsur.org.models import Branch

                branch = Branch.objects.filter(code__iexact=o["branch"]).first() if o["branch"] else None
                if o["branch"] and branch is None:
                    raise CommandError(_("Unknown branch: %(code)s") % {"code": o["branch"]})
                priced = quote_price(
                    product=product_get_by_code(o["product"]),
                    branch_id=branch.pk if branch else None,
                    as_of=as_of,
                    otr=o["otr"],
                    down_payment=o["dp"],
                    tenor_months=o["tenor"],
                    vehicle_year=o["vehicle_year"] or as_of.year,
                    first_due_date=o["first_due"],
                )
                quote = priced.quote
            else:
                quote = quote_from_terms(
                    otr=o["otr"],
                    down_payment=o["dp"],
                    tenor_months=o["tenor"],
                    as_of=as_of,
                    flat_rate=o["flat_rate"],
                    effective_rate=o["effective_rate"],
                    timing=o["timing"],
                    rounding_unit=o["rounding"],
                    rounding_direction=o["rounding_direction"],
                    residue=o["residue"],
                    first_due_date=o["first_due"],
                )
        except DomainError as error:
            field = f" [{error.field}]" if error.field else ""
            raise CommandError(f"{error.code}{field}: {error.message}") from None
        data = quote.as_dict()
        if o["json"]:
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            return
        self.stdout.write(f"{_('Financed principal')}: {data['financed_principal']}")
        self.stdout.write(f"{_('Installment')}: {data['installment']} × {data['tenor_months']} ({data['timing']})")
        self.stdout.write(f"{_('Total interest')}: {data['total_interest']}")
        self.stdout.write(
            f"{_('Flat rate p.a.')}: {data['flat_rate_annual']} %  {_('Effective rate p.a.')}: {data['effective_rate_annual']} %"
        )
        self.stdout.write(f"{_('All-in effective rate p.a.')}: {data['all_in_effective_rate_annual']} %")
        for item in data["financed_items"]:
            self.stdout.write(f"{_('Financed items')}: {item['name']} {item['amount']}")
        self.stdout.write(f"TDP: {data['tdp']['total']}")
        for line in data["schedule"]:
            amounts = f"{line['installment']:>16} {line['principal']:>16} {line['interest']:>14} {line['balance']:>16}"
            self.stdout.write(f"{line['no']:>3} {line['due_date']} {amounts}")
