"""Form fields shared by the screens: whole-rupiah amounts, dates within the range the system computes with."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from angsur.schemas import EARLIEST_DATE, LATEST_DATE, check_date_in_range

_RUPIAH = re.compile(r"^\d{1,3}([.,]\d{3})+$|^\d+$")


class RupiahField(forms.Field):
    """A whole-rupiah amount typed the Indonesian way: 15000000, 15.000.000 or Rp 15.000.000."""

    default_error_messages = {
        "invalid": _("Enter an amount in whole rupiah, e.g. 15.000.000."),
        "min_value": _("The amount must be greater than zero."),
        "max_value": _("The amount is too large."),
    }

    def __init__(self, *, min_value: int | None = 1, max_value: int = 100_000_000_000, **kwargs: object):
        self.min_value = min_value
        self.max_value = max_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: object) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = str(value).strip().replace("Rp", "").replace("rp", "").replace(" ", "")
        if not _RUPIAH.match(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        amount = Decimal(re.sub(r"[.,]", "", text))
        if self.min_value is not None and amount < self.min_value:
            raise forms.ValidationError(self.error_messages["min_value"], code="min_value")
        if amount > self.max_value:
            raise forms.ValidationError(self.error_messages["max_value"], code="max_value")
        return amount


class _InRange:
    """Refuse a date outside the range the system computes with (angsur.schemas.EARLIEST/LATEST_DATE).

    Near years 1 and 9999 a datetime overflows when converted to UTC on its way to the database: a 500.
    """

    default_error_messages = {"out_of_range": _("Enter a date between %(earliest)s and %(latest)s.")}

    def validate(self, value: object) -> None:
        super().validate(value)  # type: ignore[misc]
        if value in self.empty_values:  # type: ignore[attr-defined]
            return
        try:
            check_date_in_range(value)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["out_of_range"],  # type: ignore[attr-defined]
                code="out_of_range",
                params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            ) from None


class BoundedDateField(_InRange, forms.DateField):
    """A date field that refuses dates the system cannot compute with (before 1900 or after 2199)."""


class BoundedDateTimeField(_InRange, forms.DateTimeField):
    """A date-time field that refuses dates the system cannot compute with (before 1900 or after 2199)."""
