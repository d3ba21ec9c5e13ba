"""Writes of collection: the nightly run, contacts and promises, hand-over, assignment, consent.

Each service is one transaction with its audit event. The nightly run is set-based: cases are opened,
refreshed, reopened and closed by a few statements over the day's snapshot (`servicing.ContractDay`),
promises are judged by one aggregate over the payments; only hand-overs (a few a night) go case by case
through the workflow engine, each with its audit row.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record
from angsur.collection import conduct
from angsur.collection.models import (
    CaseEvent,
    CollectionCase,
    CollectorProfile,
    CompanyHoliday,
    Contact,
    ContactChannel,
    ContactConsent,
    HandoverRule,
    Promise,
    PromiseStatus,
    ResultCode,
)
from angsur.collection.workflow import CASE, HANDOVER_ACTIONS, OPEN_STAGES, CaseAction, CaseStage
from angsur.errors import Conflict, DomainError, PermissionDenied
from angsur.finance.money import is_sen_exact, to_minor
from angsur.org.models import User
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require, user_can
from angsur.origination.models import Party, PartyRole
from angsur.servicing.models import ContractDay, Payment
from angsur.servicing.workflow import ContractStatus, ReversalStatus
from angsur.workflow.engine import durable, lock

MAX_PROMISE_SEN = 100_000_000_000 * 100  # Rp100 billion, the payments' own ceiling
MAX_CONSENT_DAYS = 365
NIGHTLY_LOCK_KEY = 0x616E6773_636F6C6C  # "angscoll": the advisory lock of the nightly collection run


def reminder_days() -> int:
    """How many days ahead an installment puts its contract on the CMO's reminder list (default 3)."""
    return int(getattr(settings, "ANGSUR_COLLECTION_REMINDER_DAYS", 3))


# --- the nightly run ----------------------------------------------------------------------------------------


@dataclass
class NightlyResult:
    business_date: dt.date
    opened: int = 0
    reopened: int = 0
    refreshed: int = 0
    closed: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    handed_over: int = 0
    assigned: int = 0
    unassigned: list[int] = field(default_factory=list)


def _snapshot_fields() -> dict[str, Any]:
    day = ContractDay.objects.filter(contract_id=OuterRef("contract_id"), business_date=OuterRef("business_date"))
    names = ["dpd", "bucket", "mob", "premature", "overdue_sen", "late_fee_sen", "next_due_date", "next_due_sen"]
    return {name: Subquery(day.values(name)[:1]) for name in names}


def collection_nightly(*, business_date: dt.date, actor: Any = None) -> NightlyResult:
    """Open, refresh and close cases from the day's snapshot, judge promises, apply the hand-over rules.

    Idempotent: the same date run again finds nothing more to open, close, judge or hand over.
    """
    result = NightlyResult(business_date)
    days = ContractDay.objects.filter(business_date=business_date)
    with durable():
        _one_nightly_at_a_time()
        if not days.exists():
            return result
        window_end = business_date + dt.timedelta(days=reminder_days())
        needing = days.filter(status=ContractStatus.ACTIVE).filter(Q(dpd__gt=0) | Q(next_due_date__lte=window_end))
        needing_ids = needing.values("contract_id")

        # New cases: a contract overdue or due soon that never had one starts with its CMO.
        new_rows = needing.exclude(contract_id__in=CollectionCase.objects.values("contract_id")).values(
            "contract_id",
            "branch_id",
            "cmo_id",
            "dpd",
            "bucket",
            "mob",
            "premature",
            "overdue_sen",
            "late_fee_sen",
            "next_due_date",
            "next_due_sen",
        )
        created = CollectionCase.objects.bulk_create(
            [
                CollectionCase(stage=CaseStage.CMO, business_date=business_date, opened_on=business_date, **row)
                for row in new_rows.iterator()
            ],
            batch_size=2000,
        )
        result.opened = len(created)
        events = [CaseEvent(case=c, business_date=business_date, action="opened", to_stage=CaseStage.CMO) for c in created]

        # Closed cases falling due again reopen with the CMO; the rules below move them on if they must.
        reopen_ids = list(CollectionCase.objects.filter(stage=CaseStage.CLOSED, contract_id__in=needing_ids).values_list("pk", flat=True))
        CollectionCase.objects.filter(pk__in=reopen_ids).update(
            stage=CaseStage.CMO,
            assignee=None,
            opened_on=business_date,
            closed_on=None,
            priority=0,
            broken_promises=0,
            version=F("version") + 1,
        )
        result.reopened = len(reopen_ids)
        events += [
            CaseEvent(case_id=pk, business_date=business_date, action="reopened", from_stage=CaseStage.CLOSED, to_stage=CaseStage.CMO)
            for pk in reopen_ids
        ]

        # Every case of a contract in today's snapshot takes today's position (one statement).
        CollectionCase.objects.filter(contract_id__in=days.values("contract_id")).update(business_date=business_date)
        result.refreshed = CollectionCase.objects.filter(business_date=business_date).update(**_snapshot_fields())

        # Open cases no longer overdue nor due soon (or whose contract closed) are closed.
        close_rows = list(
            CollectionCase.objects.filter(stage__in=OPEN_STAGES)
            .exclude(contract_id__in=needing_ids)
            .values_list("pk", "stage", "assignee_id")
        )
        CollectionCase.objects.filter(pk__in=[pk for pk, _s, _a in close_rows]).update(
            stage=CaseStage.CLOSED, closed_on=business_date, version=F("version") + 1
        )
        result.closed = len(close_rows)
        events += [
            CaseEvent(case_id=pk, business_date=business_date, action="closed", from_stage=stage, to_stage=CaseStage.CLOSED, assignee_id=a)
            for pk, stage, a in close_rows
        ]

        kept, broken = _judge_promises(business_date)
        result.promises_kept, result.promises_broken = len(kept), len(broken)
        events += [CaseEvent(case_id=case_id, business_date=business_date, action="promise_kept") for case_id in kept]
        events += [CaseEvent(case_id=case_id, business_date=business_date, action="promise_broken") for case_id in broken]
        CaseEvent.objects.bulk_create(events, batch_size=2000)

        result.handed_over = _apply_rules(business_date)
        result.assigned, result.unassigned = _assign_waiting(business_date)
        audit_record(
            actor=actor,
            action="collection.nightly",
            object_type="collection.nightly",
            object_id=business_date.isoformat(),
            object_repr=f"Penagihan {business_date.isoformat()}",
            after={k: v for k, v in result.__dict__.items() if k != "business_date"} | {"unassigned": len(result.unassigned)},
        )
    return result


def _one_nightly_at_a_time() -> None:
    """A second run (a re-run of the hook while the first still runs) waits for the first, then finds nothing to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NIGHTLY_LOCK_KEY])
    # SQLite: one writer at a time already.


def _judge_promises(business_date: dt.date) -> tuple[list[int], list[int]]:
    """Open promises: kept when the payments since they were made cover them by their date; broken once it passed."""
    paid = (
        Payment.objects.filter(
            contract_id=OuterRef("case__contract_id"),
            value_date__gte=OuterRef("made_on"),
            value_date__lte=OuterRef("promised_on"),
        )
        .filter(value_date__lte=business_date)
        .exclude(reversals__status=ReversalStatus.APPROVED)
        .order_by()
        .values("contract_id")
        .annotate(total=Sum("amount_sen"))
        .values("total")
    )
    rows = list(
        Promise.objects.filter(status=PromiseStatus.OPEN, made_on__lte=business_date)
        .annotate(paid=Coalesce(Subquery(paid), 0))
        .values_list("pk", "case_id", "amount_sen", "promised_on", "paid")
    )
    kept = [(pk, case_id, paid) for pk, case_id, amount, _on, paid in rows if paid >= amount]
    broken = [(pk, case_id, paid) for pk, case_id, amount, on, paid in rows if paid < amount and on <= business_date]
    for status, group in ((PromiseStatus.KEPT, kept), (PromiseStatus.BROKEN, broken)):
        for pk, _case, paid in group:
            Promise.objects.filter(pk=pk).update(status=status, paid_sen=paid, resolved_on=business_date)
    # A broken promise raises its case: priority first on the lists, and the count the hand-over rules read.
    per_case = Counter(case_id for _pk, case_id, _paid in broken)
    for count in set(per_case.values()):
        ids = [case_id for case_id, n in per_case.items() if n == count]
        CollectionCase.objects.filter(pk__in=ids).update(priority=F("priority") + count, broken_promises=F("broken_promises") + count)
    return [case_id for _pk, case_id, _p in kept], [case_id for _pk, case_id, _p in broken]


def _rule_cases(rule: HandoverRule):
    qs = CollectionCase.objects.filter(stage=rule.from_stage, dpd__gte=rule.min_dpd, broken_promises__gte=rule.min_broken_promises)
    if rule.min_mob is not None:
        qs = qs.filter(mob__gte=rule.min_mob)
    if rule.max_mob is not None:
        qs = qs.filter(mob__lte=rule.max_mob)
    return qs


def _apply_rules(business_date: dt.date) -> int:
    """Move the cases the active rules select, in the rules' order, each through the workflow engine."""
    moved = 0
    pool = _CollectorPool(business_date)
    for rule in HandoverRule.objects.filter(active=True).order_by("order", "id"):
        action = HANDOVER_ACTIONS.get(rule.to_stage)
        if action is None or CASE.next_status(action, rule.from_stage) is None:
            continue
        for pk in list(_rule_cases(rule).values_list("pk", flat=True)):
            case = lock(CollectionCase, pk)
            if case.stage != rule.from_stage:
                continue
            note = _("Rule: %(from)s → %(to)s from %(dpd)s days past due") % {
                "from": CaseStage(rule.from_stage).label,
                "to": CaseStage(rule.to_stage).label,
                "dpd": rule.min_dpd,
            }
            _hand_over(case, action=action, to_stage=rule.to_stage, actor=None, reason=note, business_date=business_date, pool=pool)
            moved += 1
    return moved


def _assign_waiting(business_date: dt.date) -> tuple[int, list[int]]:
    """Cases handed over earlier that found no collector then: try again."""
    pool = _CollectorPool(business_date)
    assigned, waiting = 0, []
    for pk in CollectionCase.objects.filter(stage__in=HANDOVER_ACTIONS.keys(), assignee__isnull=True).values_list("pk", flat=True):
        case = lock(CollectionCase, pk)
        chosen = pool.pick(case)
        if chosen is None:
            waiting.append(pk)
            continue
        case.assignee = chosen
        CASE.transition(case, CaseAction.ASSIGN, actor=None, fields=["assignee"], extra={"assignee": chosen.username}, checked=False)
        CaseEvent.objects.create(case=case, business_date=business_date, action="assigned", to_stage=case.stage, assignee=chosen)
        assigned += 1
    return assigned, waiting


def _debtor_address(contract_id: int) -> str:
    party = (
        Party.objects.filter(application__contract__id=contract_id, role=PartyRole.APPLICANT)
        .values("domicile_address", "ktp_address")
        .first()
    )
    if party is None:
        return ""
    return party["domicile_address"] or party["ktp_address"]


class _CollectorPool:
    """The collectors a case may go to: its branch and stage, its debtor's area first, then the fewest open cases."""

    def __init__(self, business_date: dt.date) -> None:
        self.business_date = business_date
        self._load: dict[int, int] = {}
        self._candidates: dict[tuple[int, str], list[tuple[User, list[str]]]] = {}

    def candidates(self, branch_id: int, stage: str) -> list[tuple[User, list[str]]]:
        """The branch's collectors for the stage (read once per run and branch)."""
        key = (branch_id, stage)
        if key not in self._candidates:
            self._candidates[key] = self._read_candidates(branch_id, stage)
        return self._candidates[key]

    def _read_candidates(self, branch_id: int, stage: str) -> list[tuple[User, list[str]]]:
        profiles = list(
            CollectorProfile.objects.filter(branch_id=branch_id, stage=stage, active=True, user__is_active=True).select_related("user")
        )
        usable = [(p.user, p.area_list()) for p in profiles if certification_refusal(p, self.business_date) is None]
        if usable or profiles:
            return usable
        # No profile for the stage in the branch: the branch's in-house collectors (remedial staff for remedial) cover it all.
        role = Role.REMEDIAL if stage == CaseStage.REMEDIAL else Role.COLLECTOR
        users = User.objects.filter(branch_id=branch_id, role=role, is_active=True, collector_profile__isnull=True)
        return [(u, []) for u in users]

    def load(self, user: User) -> int:
        if user.pk not in self._load:
            self._load[user.pk] = CollectionCase.objects.filter(assignee=user, stage__in=OPEN_STAGES).count()
        return self._load[user.pk]

    def pick(self, case: CollectionCase, stage: str | None = None) -> User | None:
        stage = stage or case.stage
        found = self.candidates(case.branch_id, stage)
        if not found:
            return None
        address = _debtor_address(case.contract_id).casefold()
        in_area = [u for u, areas in found if areas and any(a in address for a in areas)]
        generalists = [u for u, areas in found if not areas]
        pool = in_area or generalists or [u for u, _a in found]
        chosen = min(pool, key=lambda u: (self.load(u), u.pk))
        self._load[chosen.pk] = self.load(chosen) + 1
        return chosen


def certification_refusal(profile: CollectorProfile | None, on: dt.date) -> DomainError | None:
    """A third-party collector needs a certification valid on the day (POJK 35/2018 Pasal 65)."""
    if profile is None or not profile.third_party:
        return None
    if not profile.certificate_number or profile.certificate_valid_until is None or profile.certificate_valid_until < on:
        return DomainError(
            "collector_not_certified",
            _("A third-party collector can be assigned only with a valid certification on record (POJK 35/2018 Pasal 65)."),
            field="assignee",
        )
    return None


def _hand_over(
    case: CollectionCase, *, action: str, to_stage: str, actor: Any, reason: str, business_date: dt.date, pool: _CollectorPool
) -> None:
    from_stage = case.stage
    chosen = pool.pick(case, to_stage)
    case.assignee = chosen
    case.handed_over_on = business_date
    CASE.transition(
        case,
        action,
        actor=actor,
        fields=["assignee", "handed_over_on"],
        extra={"reason": reason, "assignee": chosen.username if chosen else None},
        checked=actor is not None,
    )
    CaseEvent.objects.create(
        case=case,
        business_date=business_date,
        action="handed_over",
        from_stage=from_stage,
        to_stage=to_stage,
        assignee=chosen,
        actor=actor,
        note=reason,
    )


# --- the people's services ----------------------------------------------------------------------------------


def _may_work(case: CollectionCase, actor: User) -> None:
    """Whoever holds the case now works it: the CMO at stage CMO, the assignee after; a branch manager any of the branch."""
    require(actor, Capability.COLLECTION_WORK)
    if case.stage == CaseStage.CLOSED:
        raise Conflict("case_closed", _("This case is closed: the contract is current and nothing is due soon."))
    if case.stage == CaseStage.CMO and case.cmo_id == actor.pk:
        return
    if case.assignee_id == actor.pk:
        return
    if user_can(actor, Capability.COLLECTION_ASSIGN) and (actor.is_head_office or actor.branch_id == case.branch_id):
        return
    raise PermissionDenied("not_your_case", _("This case is not yours to work: it is with someone else now."))


def contact_time_refusal(case: CollectionCase, *, at: dt.datetime) -> tuple[conduct.ContactWindow, ContactConsent | None]:
    """The conduct rule's window for this debtor now, and the consent that lifts it, if any."""
    zone = conduct.debtor_zone(_debtor_address(case.contract_id), case.branch.time_zone)
    window = conduct.contact_window(at, zone=zone, company_holidays=_company_holidays(at.year))
    consent = None
    if not window.allowed:
        consent = (
            ContactConsent.objects.filter(contract_id=case.contract_id, valid_until__gte=window.local_time.date()).order_by("-id").first()
        )
    return window, consent


def _company_holidays(year: int) -> dict[dt.date, str]:
    return dict(CompanyHoliday.objects.filter(date__year__in=[year - 1, year, year + 1]).values_list("date", "name"))


def window_message(window: conduct.ContactWindow) -> str:
    """Why a contact is refused now, in words (with the debtor's local time)."""
    reasons = {
        "sunday": _("it is Sunday"),
        "holiday": _("it is a holiday (%(name)s)") % {"name": window.holiday_name},
        "before_hours": _("it is before 08.00"),
        "after_hours": _("it is 20.00 or later"),
    }
    return _(
        "Contact refused: %(reason)s at the debtor's place (%(time)s). Collection is allowed Monday to Saturday, 08.00-20.00 "
        "local time, not on holidays, unless the debtor's consent is recorded (POJK 22/2023 Pasal 62)."
    ) % {"reason": reasons.get(window.reason, window.reason), "time": window.local_label}


@dataclass(frozen=True)
class ContactData:
    channel: str
    result_code: str
    note: str = ""
    promise_on: dt.date | None = None
    promise_amount: Decimal | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    gps_taken_at: dt.datetime | None = None
    gps_missing_reason: str = ""
    device_captured_at: dt.datetime | None = None


def _replay(client_key: str, actor: User, case: CollectionCase) -> Contact | None:
    if not client_key:
        return None
    found = Contact.objects.filter(client_key=client_key).first()
    if found is None:
        return None
    if found.actor_id != actor.pk or found.case_id != case.pk:
        raise Conflict("key_reused", _("This submission key was already used for another contact."))
    found.replayed = True
    return found


def contact_log(*, actor: User, case: CollectionCase, data: ContactData, at: dt.datetime, as_of: dt.date, client_key: str = "") -> Contact:
    """Log a contact (and its promise to pay), refused outside the conduct hours without consent; once per key."""
    found = _replay(client_key, actor, case)
    if found is not None:
        return found
    _may_work(case, actor)
    if data.channel not in ContactChannel.values:
        raise DomainError("channel_invalid", _("Choose call, WhatsApp or visit."), field="channel")
    result = ResultCode.objects.filter(code=data.result_code, active=True).first()
    if result is None:
        raise DomainError("result_invalid", _("Choose a result from the list."), field="result_code")
    promise_sen = _promise_sen(data, result, as_of)
    if data.channel == ContactChannel.VISIT and (data.latitude is None or data.longitude is None) and not data.gps_missing_reason.strip():
        raise DomainError("gps_missing", _("A visit needs the GPS position, or the reason it is missing."), field="gps_missing_reason")
    window, consent = contact_time_refusal(case, at=at)
    if not window.allowed and consent is None:
        raise DomainError("outside_contact_hours", window_message(window), status=400)
    with durable():
        locked = lock(CollectionCase, case.pk)
        _may_work(locked, actor)
        try:
            with transaction.atomic():
                contact = Contact.objects.create(
                    case=locked,
                    branch_id=locked.branch_id,
                    actor=actor,
                    stage=locked.stage,
                    channel=data.channel,
                    result=result,
                    note=data.note.strip()[:2000],
                    contacted_at=at,
                    debtor_local_time=window.local_label,
                    with_consent=consent,
                    latitude=data.latitude,
                    longitude=data.longitude,
                    gps_taken_at=data.gps_taken_at,
                    gps_missing_reason=data.gps_missing_reason.strip()[:200],
                    device_captured_at=data.device_captured_at,
                    client_key=client_key or None,
                )
        except IntegrityError:
            found = _replay(client_key, actor, case)
            if found is None:
                raise
            return found
        promise = None
        if promise_sen is not None:
            promise = Promise.objects.create(
                case=locked, contact=contact, made_on=as_of, promised_on=data.promise_on, amount_sen=promise_sen
            )
        locked.last_contact_at = at
        locked.save(update_fields=["last_contact_at", "updated_at"])
        audit_record(
            actor=actor,
            action="collection_case.contact",
            obj=locked,
            after={
                "contact": contact.pk,
                "channel": data.channel,
                "result": result.code,
                "debtor_local_time": window.local_label,
                "with_consent": consent.pk if consent else None,
                "promise": {"on": data.promise_on.isoformat(), "amount_sen": promise_sen} if promise else None,
            },
        )
    return contact


def _promise_sen(data: ContactData, result: ResultCode, as_of: dt.date) -> int | None:
    if data.promise_on is None and data.promise_amount is None:
        if result.needs_promise:
            raise DomainError("promise_required", _("This result needs a promise to pay: its date and amount."), field="promise_on")
        return None
    if data.promise_on is None or data.promise_amount is None:
        raise DomainError("promise_incomplete", _("A promise to pay needs both a date and an amount."), field="promise_on")
    if data.promise_on < as_of:
        raise DomainError("promise_in_past", _("The promised date cannot be in the past."), field="promise_on")
    if data.promise_on > as_of + dt.timedelta(days=90):
        raise DomainError("promise_too_far", _("The promised date must be within 90 days."), field="promise_on")
    if not data.promise_amount.is_finite():
        raise DomainError("promise_amount", _("The promised amount is not a valid amount of rupiah."), field="promise_amount")
    if data.promise_amount <= 0:
        raise DomainError("promise_amount", _("The promised amount must be more than zero."), field="promise_amount")
    if not is_sen_exact(data.promise_amount) or to_minor(data.promise_amount) > MAX_PROMISE_SEN:
        raise DomainError("promise_amount", _("The promised amount is not a valid amount of rupiah."), field="promise_amount")
    return to_minor(data.promise_amount)


def case_hand_over(
    *, actor: User, case: CollectionCase, to_stage: str, reason: str, as_of: dt.date, expected_version: int | None = None
) -> CollectionCase:
    """Hand a case on (the CMO their own, with a reason; a branch manager any of the branch)."""
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise DomainError("reason_required", _("Give the reason for the hand-over."), field="reason")
    action = HANDOVER_ACTIONS.get(to_stage)
    if action is None:
        raise DomainError("stage_invalid", _("Hand over to desk, field or remedial."), field="to_stage")
    with durable():
        locked = lock(CollectionCase, case.pk, expected_version=expected_version)
        CASE.check(locked, action, actor)
        _hand_over(
            locked, action=action, to_stage=to_stage, actor=actor, reason=reason[:500], business_date=as_of, pool=_CollectorPool(as_of)
        )
    return locked


def case_assign(
    *, actor: User, case: CollectionCase, assignee: User, as_of: dt.date, expected_version: int | None = None
) -> CollectionCase:
    """Give a handed-over case to a collector of its branch (a third party only with a valid certification)."""
    with durable():
        locked = lock(CollectionCase, case.pk, expected_version=expected_version)
        CASE.check(locked, CaseAction.ASSIGN, actor)
        profile = CollectorProfile.objects.filter(user=assignee).first()
        eligible_role = Role.REMEDIAL if locked.stage == CaseStage.REMEDIAL else Role.COLLECTOR
        if not assignee.is_active or assignee.branch_id != locked.branch_id or (profile is None and assignee.role != eligible_role):
            raise DomainError("assignee_invalid", _("Choose an active collector of the case's branch."), field="assignee")
        if profile is not None and not profile.active:
            raise DomainError("assignee_invalid", _("Choose an active collector of the case's branch."), field="assignee")
        refused = certification_refusal(profile, as_of)
        if refused is not None:
            raise refused
        locked.assignee = assignee
        CASE.transition(locked, CaseAction.ASSIGN, actor=actor, fields=["assignee"], extra={"assignee": assignee.username}, checked=False)
        CaseEvent.objects.create(case=locked, business_date=as_of, action="assigned", to_stage=locked.stage, assignee=assignee, actor=actor)
    return locked


def consent_record(*, actor: User, case: CollectionCase, note: str, valid_until: dt.date, as_of: dt.date) -> ContactConsent:
    """Record the debtor's consent to be contacted outside the hours (POJK 22/2023 Pasal 62), for a period."""
    _may_work(case, actor)
    note = (note or "").strip()
    if len(note) < 3:
        raise DomainError("consent_note_required", _("Write what the debtor agreed to (when they may be contacted)."), field="note")
    if valid_until < as_of or valid_until > as_of + dt.timedelta(days=MAX_CONSENT_DAYS):
        raise DomainError("consent_period", _("The consent must end today or within a year."), field="valid_until")
    with durable():
        consent = ContactConsent.objects.create(contract_id=case.contract_id, note=note[:1000], valid_until=valid_until, recorded_by=actor)
        audit_record(
            actor=actor, action="collection_case.consent", obj=case, after={"consent": consent.pk, "valid_until": valid_until.isoformat()}
        )
    return consent
