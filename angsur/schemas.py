"""Base class of the API's request bodies (and the shared parts of its answers)."""

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, field_validator


class InputSchema(BaseModel):
    """A request body: a plain pydantic model.

    Response schemas stay ninja ``Schema`` (it reads ORM objects' attributes and ``resolve_*``
    methods). A request body is parsed JSON and needs none of that, while ``Schema``'s wrap validator
    wraps every input in an attribute getter: 16 µs instead of 2.5 µs to validate a quote request.

    Every date and datetime field is refused outside EARLIEST_DATE..LATEST_DATE (a 400 naming the
    field), before it can overflow a time-zone conversion or a schedule.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _date_in_range(cls, value: Any) -> Any:
        return check_date_in_range(value)


# --- answers -----------------------------------------------------------------------------------------------

# Amounts and rates travel as decimal strings: exact, and never read back as a binary float by a client.
MoneyStr = Annotated[str, Field(description="Rupiah as a decimal string (whole rupiah, or two decimals)", examples=["1500000"])]
DecimalStr = Annotated[str, Field(description="A decimal number as a string", examples=["17.5"])]


class StoredJSON(BaseModel):
    """An answer's part read back from a JSON column (a priced quote, a decision's analysis snapshot).

    Its keys are declared for the OpenAPI document. A key the writer stored beyond them passes through
    unchanged (`extra="allow"`) rather than being dropped; a declared key missing fails the answer.
    """

    model_config = ConfigDict(extra="allow")


def projection_by_key(tags: dict[str, str], *, default: str) -> Discriminator:
    """A union discriminator for answers built as dicts: the first key present names the projection.

    Each projection of a record (dealer, staff, decider) carries a key the others lack; the tags are
    tried in order, and `default` names the projection that has none of them.
    """

    def tag(value: Any) -> str:
        for key, name in tags.items():
            if (key in value) if isinstance(value, dict) else hasattr(value, key):
                return name
        return default

    return Discriminator(tag)


# --- errors ------------------------------------------------------------------------------------------------


class FieldErrorOut(BaseModel):
    field: str | None = Field(description="The body or parameter field at fault (dotted path), when known")
    message: str


class ErrorOut(BaseModel):
    """Every error answer of the API (angsur/api.py turns each refusal into one)."""

    code: str = Field(description="Stable machine-readable code, e.g. invalid_input, not_found, stale_version", examples=["not_found"])
    message: str = Field(description="Translated message for people (Bahasa Indonesia unless English is asked for)")
    field: str | None = Field(None, description="The input field a domain refusal is about")
    errors: list[FieldErrorOut] | None = Field(None, description="Every invalid field (code invalid_input)")


# --- dates the system can compute with ---------------------------------------------------------------------

# Python dates stop at year 9999 and converting a datetime near year 1 or 9999 to UTC overflows; a first
# due date in 9998 overflows the schedule. No business date lies outside these bounds (the oldest birth
# date, the longest tenor from the latest first due date), so the edge refuses anything beyond them.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)


def check_date_in_range(value: Any) -> Any:
    """Refuse a date or datetime outside EARLIEST_DATE..LATEST_DATE (other values pass unchanged)."""
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValueError(f"must lie between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}")
    return value


# For parameters outside a body (query, form): `taken_at: Form[BoundedDateTime]`.
BoundedDate = Annotated[dt.date, AfterValidator(check_date_in_range)]
BoundedDateTime = Annotated[dt.datetime, AfterValidator(check_date_in_range)]
