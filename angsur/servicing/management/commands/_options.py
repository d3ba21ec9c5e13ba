"""What the end-of-day commands read from their command line the same way: who runs it, and a date."""

import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from angsur.org.models import User


def command_actor(username: str | None) -> User | None:
    """The active user named by --user (recorded in the audit trail), or None for the system."""
    if not username:
        return None
    actor = User.objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError(_("Unknown user: %(user)s") % {"user": username})
    return actor


def command_date(value: str | None) -> dt.date | None:
    """A YYYY-MM-DD option, or None when it was not given."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise CommandError(_("The date is YYYY-MM-DD: %(value)s") % {"value": value}) from None
