"""The moment a contact happens, read in one place so tests (and the browser walk) can set it.

Services take the moment as an argument (`at`); views and the API ask here. Tests replace `now`
(monkeypatch) instead of relying on the wall clock: the conduct rule depends on the hour.
"""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The server's current time (aware)."""
    return timezone.now()
