"""The demo's nights: the real end-of-day over the demo book, so collection and performance have data.

`angsur demo` calls this after seeding the records. Each branch's collector gets a field-collection profile
and a receipt booklet; then ``servicing.eod.eod_run`` closes the last month-ends before the demo date and
the demo date itself, with its after-close hooks (collection's nightly run opens and hands over cases,
performance fills its vintage and roll cells). Idempotent: a date already closed is not run again.
"""

import datetime as dt

from angsur.collection.models import CollectorProfile
from angsur.org.models import Branch, User
from angsur.org.roles import Role
from angsur.remedial.models import ReceiptBooklet
from angsur.remedial.services import booklet_assign

DEMO_NIGHT_MONTHS = 12
BOOKLET_SIZE = 50


def month_ends(as_of: dt.date, months: int) -> list[dt.date]:
    """The last `months` month-ends strictly before `as_of`'s month, oldest first."""
    ends: list[dt.date] = []
    first = as_of.replace(day=1)
    while len(ends) < months:
        end = first - dt.timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return sorted(ends)


def seed_collectors(as_of: dt.date) -> None:
    """A field profile and a receipt booklet for each branch's collector (the demo's `coll.<branch>`)."""
    branches = Branch.objects.filter(is_head_office=False).order_by("code")
    for index, branch in enumerate(branches):
        collector = User.objects.filter(branch=branch, role=Role.COLLECTOR, is_active=True).order_by("username").first()
        manager = User.objects.filter(branch=branch, role=Role.BRANCH_MANAGER, is_active=True).order_by("username").first()
        if collector is None or manager is None:
            continue
        CollectorProfile.objects.get_or_create(user=collector, defaults={"branch": branch, "stage": "field"})
        if not ReceiptBooklet.objects.filter(collector=collector).exists():
            first = 100_001 + index * 1_000
            booklet_assign(actor=manager, collector=collector, first_number=first, last_number=first + BOOKLET_SIZE - 1, as_of=as_of)


def seed_nights(as_of: dt.date, *, months: int = DEMO_NIGHT_MONTHS) -> list[dt.date]:
    """Close the month-ends before `as_of` and `as_of` itself; return the dates run now."""
    from angsur.servicing.eod import eod_run
    from angsur.servicing.models import Contract, EodRun

    if not Contract.objects.exists():
        return []
    seed_collectors(as_of)
    done = []
    for day in [*month_ends(as_of, months), as_of]:
        if EodRun.objects.filter(business_date=day, status="closed").exists():
            continue
        eod_run(day)
        done.append(day)
    return done
