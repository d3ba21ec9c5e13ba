"""Round and convert rupiah amounts exactly."""

from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Any

from angsur.finance import errors
from angsur.finance.errors import FinanceError

# One shared context for the whole core: 34 significant digits (IEEE decimal128)
# is far beyond any rupiah amount and leaves room for rate solving.
CONTEXT = Context(
    prec=34,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
SEN = Decimal("0.01")

# "up" and "down" round toward +infinity / -infinity, so "up" never lowers an amount; "half_even" is
# banker's rounding (ties to the even multiple), which does not drift upwards over many roundings.
DECIMAL_ROUNDING: dict[str, str] = {
    "up": ROUND_CEILING,
    "down": ROUND_FLOOR,
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
}
_DIRECTION_ALIASES: dict[str, str] = {"nearest": "half_up"}


def to_decimal(value: Any, field: str | None = None) -> Decimal:
    """Return value as a finite Decimal; accept int, reject float and others."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise FinanceError(errors.AMOUNT_INVALID, field=field, params={"value": str(value)})
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise FinanceError(errors.AMOUNT_INVALID, field=field, params={"value": repr(value)})


@dataclass(frozen=True, slots=True)
class RoundingRule:
    """Describe how an amount is rounded: to a multiple of unit, in a direction."""

    unit: Decimal = Decimal("1000")
    direction: str = "up"

    def __post_init__(self) -> None:
        """Validate the rule and normalise "nearest" to "half_up"."""
        # str() turns a str-based enum (e.g. Django TextChoices) into its plain value.
        direction = str(self.direction) if isinstance(self.direction, str) else ""
        direction = _DIRECTION_ALIASES.get(direction, direction)
        if direction not in DECIMAL_ROUNDING:
            raise FinanceError(
                errors.ROUNDING_DIRECTION_INVALID,
                field="rounding",
                params={"direction": self.direction},
            )
        unit = to_decimal(self.unit, "rounding")
        if unit <= ZERO:
            raise FinanceError(errors.ROUNDING_UNIT_NOT_POSITIVE, field="rounding", params={"unit": str(unit)})
        object.__setattr__(self, "direction", direction)
        object.__setattr__(self, "unit", unit)


RUPIAH = RoundingRule(Decimal("1"), "half_up")
# The common price-list rule: installments rounded up to whole thousands.
THOUSAND_UP = RoundingRule(Decimal("1000"), "up")


def round_to(amount: Decimal, rule: RoundingRule) -> Decimal:
    """Round amount to a multiple of rule.unit in rule.direction."""
    rounding = DECIMAL_ROUNDING[rule.direction]
    unit = rule.unit
    if unit == ONE:
        rounded = amount.quantize(ONE, rounding, CONTEXT)
        # quantize(ONE) already has the exponent 0 of plain rupiah; adding ZERO only turns -0 into 0
        return rounded if rounded else ZERO
    units = CONTEXT.divide(amount, unit).quantize(ONE, rounding=rounding, context=CONTEXT)
    # Adding ZERO turns an exponent such as 1.17E+6 into plain 1170000.
    return CONTEXT.add(CONTEXT.multiply(units, unit), ZERO)


def to_minor(amount: Decimal) -> int:
    """Return amount in sen (minor units); refuse fractions of a sen."""
    amount = to_decimal(amount)
    scaled = amount.scaleb(2, context=CONTEXT)
    integral = scaled.to_integral_value(context=CONTEXT)
    if scaled != integral:
        raise FinanceError(errors.FRACTIONAL_SEN, params={"amount": str(amount)})
    return int(integral)


def from_minor(value: int) -> Decimal:
    """Return the rupiah amount of value sen, with two decimals."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FinanceError(errors.AMOUNT_INVALID, params={"value": repr(value)})
    return Decimal(value).scaleb(-2, context=CONTEXT)


def is_sen_exact(amount: Decimal) -> bool:
    """Tell whether amount is a whole number of sen."""
    return amount.as_tuple().exponent >= -2 or amount == amount.quantize(SEN, context=CONTEXT)


def money_str(amount: Decimal) -> str:
    """Format amount for JSON: whole rupiah without decimals, else two decimals (rounded to the sen).

    The common case, an amount already in sen, is read off `str()` without Decimal arithmetic: a quote
    formats a hundred amounts, and this was a tenth of the quote endpoint's time.
    """
    text = str(amount)
    if text.isdigit():  # a whole, non-negative amount without exponent: most schedule amounts
        return text
    whole, _, frac = format(amount.quantize(SEN, context=CONTEXT), "f").partition(".")
    if frac == "00":
        return "0" if whole == "-0" else whole
    return f"{whole}.{frac}"


def money_texts(amounts: tuple[Decimal, ...]) -> list[str]:
    """Return money_str of each amount, in order.

    The common case, every amount whole and non-negative, is str() alone: one isdigit() over the joined
    texts tells (no str() of a Decimal is empty), and only otherwise is each amount formatted by money_str.
    """
    texts = list(map(str, amounts))
    if "".join(texts).isdigit():
        return texts
    return list(map(money_str, amounts))
