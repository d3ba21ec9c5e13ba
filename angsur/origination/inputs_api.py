"""What the origination API's bodies share: money and coordinates as accepted at the edge, the optimistic
`expected_version`, and reading a datetime without an offset in the branch's time zone.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Body
from pydantic import Field

from angsur.schemas import InputSchema

# Rupiah with at most two decimals (whole sen): fractions of a sen are refused at the edge.
Money = Annotated[Decimal, Field(decimal_places=2, max_digits=17)]

Latitude = Annotated[Decimal, Field(ge=-90, le=90)]

Longitude = Annotated[Decimal, Field(ge=-180, le=180)]

ExpectedVersion = Annotated[int | None, Field(ge=1, description="The `version` last read; a newer one answers 409 stale_version")]

SIX_PLACES = Decimal("0.000001")


class VersionIn(InputSchema):
    expected_version: ExpectedVersion = None


# A body with only `expected_version` may be left empty (no optimistic check then).
OptionalVersion = Body[VersionIn | None]


def _version(payload: VersionIn | None) -> int | None:
    return payload.expected_version if payload is not None else None


def _coord(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(SIX_PLACES)


def _aware(value: dt.datetime, user: Any) -> dt.datetime:
    """A datetime without an offset is read in the user's branch time zone."""
    if timezone.is_aware(value):
        return value
    branch = getattr(user, "branch", None)
    zone = zoneinfo.ZoneInfo(branch.time_zone) if branch is not None else timezone.get_default_timezone()
    return timezone.make_aware(value, zone)
