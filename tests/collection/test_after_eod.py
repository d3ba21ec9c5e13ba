"""The real end-of-day, then the nightly collection run as its after-close hook: cases from the engine's snapshot."""

import datetime as dt

from angsur.collection.models import CollectionCase, CollectorProfile
from angsur.devdata.seed_contracts import booked_contract
from angsur.servicing.eod import eod_run
from angsur.servicing.services import payment_post

# Past dates: the end-of-day closes only days that have ended in every branch. The product is paid in
# advance (ADDM): the first installment is due at signing.
LATE_SIGNED = dt.date(2026, 10, 19)  # nothing paid: 10 days late on the first night, 31 on the second
SOON_SIGNED = dt.date(2026, 9, 30)  # first installment paid at signing; the second due 30 October
NIGHT_1 = dt.date(2026, 10, 29)
NIGHT_2 = dt.date(2026, 11, 19)


def test_after_the_end_of_day_the_cmo_has_a_reminder_and_an_overdue_case_then_the_field_collector_gets_it(
    credit, staff, cmo_a, dealer_a, branch_a
):
    late = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=LATE_SIGNED, admin=staff["adm"])
    soon = booked_contract(cmo=cmo_a, dealer=dealer_a, signing_date=SOON_SIGNED, admin=staff["adm"])
    payment_post(actor=staff["fo"], contract=soon, amount=soon.installment, channel="counter", value_date=SOON_SIGNED, as_of=SOON_SIGNED)
    CollectorProfile.objects.create(user=staff["coll"], branch=branch_a, stage="field", areas="Rawamangun")

    # the first night: the engine's snapshot, then collection's hook
    eod_run(NIGHT_1)
    late_case = CollectionCase.objects.get(contract=late)
    soon_case = CollectionCase.objects.get(contract=soon)
    assert (late_case.stage, late_case.dpd, late_case.premature) == ("cmo", 10, True)
    assert (soon_case.stage, soon_case.dpd, soon_case.next_due_date) == ("cmo", 0, dt.date(2026, 10, 30))

    # a later night: 31 days late, handed to the field collector of the debtor's area by the default rule
    eod_run(NIGHT_2)
    late_case.refresh_from_db()
    assert (late_case.stage, late_case.dpd, late_case.assignee) == ("field", 31, staff["coll"])
    soon_case.refresh_from_db()
    assert (soon_case.dpd, soon_case.stage) == (20, "cmo")
