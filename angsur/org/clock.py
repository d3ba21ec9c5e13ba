"""The only place that reads the clock for business dates: the outermost layer asks here."""

import datetime as dt
import zoneinfo
from typing import Any

from django.utils import timezone


def branch_today(user: Any) -> dt.date:
    """Today's date in the user's branch time zone (WIB/WITA/WIT), Asia/Jakarta otherwise."""
    branch = getattr(user, "branch", None)
    zone = zoneinfo.ZoneInfo(branch.time_zone) if branch is not None else timezone.get_default_timezone()
    return timezone.now().astimezone(zone).date()
