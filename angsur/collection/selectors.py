"""Reads of collection, scoped to the viewer: a CMO their own contracts' cases, a collector the cases assigned
to them, branch staff their branch, head office every branch. Worklists, the case page, the views by CMO,
collector and branch, and the WhatsApp reminder link."""

import datetime as dt
import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from angsur.collection.models import (
    CaseEvent,
    CollectionCase,
    CollectorProfile,
    Contact,
    ContactChannel,
    HandoverRule,
    Promise,
    PromiseStatus,
    ResultCode,
)
from angsur.collection.workflow import CASE, HANDOVER_ACTIONS, OPEN_STAGES, CaseStage
from angsur.errors import NotFound
from angsur.finance.money import from_minor
from angsur.formatting import format_rupiah
from angsur.org.models import User
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require, scope_to_branch, user_can
from angsur.origination.selectors import parties_by_role
from angsur.scoring.identity import IdentityError, normalize_phone
from angsur.servicing.models import ContractDay, DelinquencyBucket, Payment
from angsur.servicing.workflow import ReversalStatus

FIELD_ROLES = (Role.COLLECTOR, Role.REMEDIAL)


def case_scope(*, viewer: Any) -> QuerySet[CollectionCase]:
    """Cases the viewer may see: a CMO their own contracts' (also after hand-over), a collector theirs, others the branch."""
    require(viewer, Capability.COLLECTION_VIEW)
    qs = scope_to_branch(CollectionCase.objects.all(), viewer)
    if viewer.role == Role.CMO:
        qs = qs.filter(cmo=viewer)
    elif viewer.role in FIELD_ROLES:
        qs = qs.filter(assignee=viewer)
    return qs


def _rows(qs: QuerySet[CollectionCase]) -> QuerySet[CollectionCase]:
    return qs.select_related("contract", "branch", "assignee", "cmo")


def case_list(*, viewer: Any, stage: str = "", limit: int = 200) -> list[CollectionCase]:
    qs = _rows(case_scope(viewer=viewer))
    qs = qs.filter(stage=stage) if stage in CaseStage.values else qs.filter(stage__in=OPEN_STAGES)
    return list(qs.order_by("-priority", "-dpd", "next_due_date", "pk")[:limit])


def case_get(*, viewer: Any, pk: Any) -> CollectionCase:
    case = _rows(case_scope(viewer=viewer)).select_related("contract__application").filter(pk=pk).first()
    if case is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return case


def case_for_contract(*, viewer: Any, contract_id: int) -> CollectionCase | None:
    return case_scope(viewer=viewer).filter(contract_id=contract_id).first()


@dataclass(frozen=True)
class CasePage:
    contacts: list[Contact]
    promises: list[Promise]
    events: list[Any]
    actions: list[str]
    may_work: bool
    result_codes: list[ResultCode]
    collectors: list[User]


def case_page(case: CollectionCase, *, viewer: Any) -> CasePage:
    """What the case page shows: contacts, promises, history, and what the viewer may do."""
    from angsur.collection.services import _may_work

    try:
        _may_work(case, viewer)
        may_work = True
    except Exception:
        may_work = False
    collectors: list[User] = []
    actions = CASE.allowed_actions(case, viewer)
    if "assign" in actions:
        collectors = assignable_collectors(case)
    return CasePage(
        contacts=list(case.contacts.select_related("actor", "result", "promise")[:50]),
        promises=list(case.promises.all()[:20]),
        events=list(case.events.select_related("actor", "assignee")[:50]),
        actions=actions,
        may_work=may_work,
        result_codes=result_codes(),
        collectors=collectors,
    )


def result_codes() -> list[ResultCode]:
    return list(ResultCode.objects.filter(active=True))


def assignable_collectors(case: CollectionCase) -> list[User]:
    """Collectors of the case's branch for its stage (with a profile of that stage, or in-house by role)."""
    role = Role.REMEDIAL if case.stage == CaseStage.REMEDIAL else Role.COLLECTOR
    return list(
        User.objects.filter(branch_id=case.branch_id, is_active=True)
        .filter(Q(collector_profile__stage=case.stage, collector_profile__active=True) | Q(role=role, collector_profile__isnull=True))
        .order_by("username")
    )


def assignee_get(*, viewer: Any, pk: Any) -> User:
    require(viewer, Capability.COLLECTION_ASSIGN)
    user = scope_to_branch(User.objects.all(), viewer).filter(pk=pk).first()
    if user is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return user


def handover_targets(case: CollectionCase, actions: list[str]) -> list[tuple[str, str]]:
    """The stages the viewer may hand this case over to (from the workflow's allowed actions)."""
    return [(stage, str(CaseStage(stage).label)) for stage, action in HANDOVER_ACTIONS.items() if action in actions]


def handover_rules() -> list[HandoverRule]:
    return list(HandoverRule.objects.filter(active=True))


# --- worklists ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractRow:
    """A contract on a worklist (the home page's "contracts" rows and GET /api/worklist)."""

    contract_id: int
    number: str
    customer: str
    dpd: int
    amount: Decimal
    due_date: dt.date | None
    url: str
    note: str = ""
    case_id: int | None = None


def _case_row(case: CollectionCase, note: str = "") -> ContractRow:
    overdue = case.dpd > 0
    return ContractRow(
        contract_id=case.contract_id,
        number=case.contract.number,
        customer=case.contract.customer_name,
        dpd=case.dpd,
        amount=from_minor(case.overdue_sen + case.late_fee_sen if overdue else case.next_due_sen),
        due_date=None if overdue else case.next_due_date,
        url=reverse("collection_case", args=[case.pk]),
        note=note,
        case_id=case.pk,
    )


def _own_premature(viewer: Any) -> QuerySet[CollectionCase]:
    return _rows(case_scope(viewer=viewer).filter(cmo=viewer, stage=CaseStage.CMO, premature=True))


def cmo_due_soon(*, viewer: Any, today: dt.date | None = None) -> list[ContractRow]:
    """The CMO's premature installments due soon (reminders), soonest first.

    The nightly run keeps a case open for a current contract only while its next installment is due within
    the reminder window of its business date, so these are exactly the reminders of the last night.
    """
    qs = _own_premature(viewer).filter(dpd=0, next_due_date__isnull=False)
    return [_case_row(c) for c in qs.order_by("next_due_date", "pk")[:100]]


def cmo_overdue(*, viewer: Any) -> list[ContractRow]:
    """The CMO's overdue premature contracts, the most days past due first."""
    qs = _own_premature(viewer).filter(dpd__gt=0).order_by("-dpd", "pk")[:100]
    return [_case_row(c) for c in qs]


def broken_promises(*, viewer: Any, today: dt.date | None = None, days: int = 7) -> list[ContractRow]:
    """Cases the viewer works whose promise broke in the last `days` days."""
    # Within `days` of the case's own business date (the night that judged it), not of the calendar.
    qs = case_scope(viewer=viewer).filter(stage__in=OPEN_STAGES)
    if viewer.role == Role.CMO:
        qs = qs.filter(stage=CaseStage.CMO)
    since = F("business_date") - dt.timedelta(days=days)
    qs = _rows(qs.filter(promises__status=PromiseStatus.BROKEN, promises__resolved_on__gte=since).distinct())
    return [_case_row(c, _("promise broken")) for c in qs.order_by("-priority", "-dpd", "pk")[:100]]


def assigned_cases(*, viewer: Any) -> list[ContractRow]:
    """A collector's open cases, the highest priority and most days past due first."""
    qs = _rows(case_scope(viewer=viewer).filter(assignee=viewer, stage__in=OPEN_STAGES)).order_by("-priority", "-dpd", "pk")[:100]
    return [_case_row(c, str(CaseStage(c.stage).label)) for c in qs]


def unassigned_cases(*, viewer: Any) -> list[ContractRow]:
    """Handed-over cases of the branch that found no collector (the branch manager assigns them)."""
    qs = _rows(case_scope(viewer=viewer).filter(stage__in=HANDOVER_ACTIONS.keys(), assignee__isnull=True)).order_by("-dpd", "pk")[:100]
    return [_case_row(c, str(CaseStage(c.stage).label)) for c in qs]


def handed_over_by_cmo(*, viewer: Any) -> list[ContractRow]:
    """The CMO's cases now with others: the CMO keeps seeing where they stand."""
    qs = _rows(case_scope(viewer=viewer).filter(cmo=viewer).exclude(stage=CaseStage.CMO)).order_by("-handed_over_on", "-pk")[:50]
    rows = []
    for c in qs:
        who = c.assignee.get_full_name() or c.assignee.username if c.assignee else _("not assigned yet")
        rows.append(_case_row(c, f"{CaseStage(c.stage).label} · {who}"))
    return rows


# --- the case's debtor: phone, WhatsApp reminder ---------------------------------------------------------------


def debtor_phone(case: CollectionCase) -> str:
    """The applicant's mobile number in E.164 (+62...), or "" when it does not parse."""
    applicant = parties_by_role(case.contract.application).get("applicant")
    if applicant is None:
        return ""
    try:
        return normalize_phone(applicant.phone)
    except IdentityError:
        return ""


def whatsapp_message(case: CollectionCase, *, sender: Any) -> str:
    """The prefilled reminder in Bahasa Indonesia (always: it goes to the debtor, not the user)."""
    contract = case.contract
    if case.dpd > 0:
        body = (
            f"Yth. Bapak/Ibu {contract.customer_name}, angsuran kontrak {contract.number} telah lewat jatuh tempo "
            f"{case.dpd} hari dengan tunggakan {format_rupiah(from_minor(case.overdue_sen + case.late_fee_sen))}. "
        )
    else:
        due = case.next_due_date.strftime("%d-%m-%Y") if case.next_due_date else "-"
        body = (
            f"Yth. Bapak/Ibu {contract.customer_name}, angsuran kontrak {contract.number} sebesar "
            f"{format_rupiah(from_minor(case.next_due_sen))} jatuh tempo pada {due}. "
        )
    name = sender.get_full_name() or sender.username
    return body + f"Pembayaran dapat melalui virtual account {contract.va_number}. Terima kasih. Salam, {name}."


def whatsapp_link(case: CollectionCase, *, sender: Any) -> str:
    """A click-to-chat link (https://wa.me/62...?text=...) with the reminder prefilled; "" without a valid phone."""
    phone = debtor_phone(case)
    if not phone:
        return ""
    return f"https://wa.me/{phone.lstrip('+')}?text={urllib.parse.quote(whatsapp_message(case, sender=sender), safe='')}"


# --- collection views: per CMO, collector, branch ------------------------------------------------------------------

GROUPS = ("cmo", "collector", "branch")


@dataclass
class ViewRow:
    key: int
    name: str
    buckets: dict[str, tuple[int, Decimal]]  # bucket -> (accounts, outstanding principal)
    accounts: int = 0
    outstanding: Decimal = Decimal(0)
    overdue: Decimal = Decimal(0)
    fpd: int = 0
    visits_today: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    cells: list[tuple[int, Decimal]] = field(default_factory=list)  # (accounts, amount) in the view's bucket order

    @property
    def promise_kept_rate(self) -> Decimal | None:
        judged = self.promises_kept + self.promises_broken
        return None if judged == 0 else (Decimal(self.promises_kept) * 100 / judged).quantize(Decimal("0.1"))


@dataclass
class CollectionView:
    group: str
    business_date: dt.date | None
    buckets: list[str]
    rows: list[ViewRow]


def latest_snapshot_date(as_of: dt.date) -> dt.date | None:
    return ContractDay.objects.filter(business_date__lte=as_of).aggregate(d=Max("business_date"))["d"]


def _names(model_ids: set[int], *, group: str) -> dict[int, str]:
    if group == "branch":
        from angsur.org.models import Branch

        return {b.pk: f"{b.code} {b.name}" for b in Branch.objects.filter(pk__in=model_ids)}
    return {u.pk: (u.get_full_name() or u.username) for u in User.objects.filter(pk__in=model_ids)}


def collection_view(*, viewer: Any, group: str, as_of: dt.date) -> CollectionView:
    """Accounts and amounts by bucket, first-payment defaults, today's visits and the promise-kept rate, per group."""
    require(viewer, Capability.COLLECTION_VIEW)
    if group not in GROUPS:
        group = "branch"
    snapshot = latest_snapshot_date(as_of)
    buckets = list(DelinquencyBucket.objects.values_list("code", flat=True)) or ["B0", "B1", "B2", "B3", "B4", "B5", "B6"]
    rows: dict[int, ViewRow] = {}

    def row(key: int | None) -> ViewRow | None:
        if key is None:
            return None
        if key not in rows:
            rows[key] = ViewRow(key=key, name="", buckets={})
        return rows[key]

    if group == "collector":
        cases = case_scope(viewer=viewer).filter(stage__in=OPEN_STAGES, assignee__isnull=False)
        for r in cases.values("assignee_id", "bucket").annotate(n=Count("pk"), amount=Sum("overdue_sen")).order_by():
            target = row(r["assignee_id"])
            target.buckets[r["bucket"]] = (r["n"], from_minor(r["amount"] or 0))
            target.accounts += r["n"]
            target.overdue += from_minor(r["amount"] or 0)
    elif snapshot is not None:
        key = "cmo_id" if group == "cmo" else "branch_id"
        days = scope_to_branch(ContractDay.objects.filter(business_date=snapshot, status="active"), viewer)
        if viewer.role == Role.CMO:
            days = days.filter(cmo=viewer)
        elif viewer.role in FIELD_ROLES:
            days = days.filter(contract__collection_case__assignee=viewer)
        agg = days.values(key, "bucket").annotate(
            n=Count("pk"), principal=Sum("outstanding_principal_sen"), overdue=Sum("overdue_sen"), fpd=Count("pk", filter=Q(fpd=True))
        )
        for r in agg.order_by():
            target = row(r[key])
            target.buckets[r["bucket"]] = (r["n"], from_minor(r["principal"] or 0))
            target.accounts += r["n"]
            target.outstanding += from_minor(r["principal"] or 0)
            target.overdue += from_minor(r["overdue"] or 0)
            target.fpd += r["fpd"]

    contacts = Contact.objects.filter(case__in=case_scope(viewer=viewer), channel=ContactChannel.VISIT, contacted_at__date=as_of)
    promises = Promise.objects.filter(case__in=case_scope(viewer=viewer), status__in=[PromiseStatus.KEPT, PromiseStatus.BROKEN])
    by = {"cmo": "case__cmo_id", "collector": "actor_id", "branch": "branch_id"}[group]
    for r in contacts.values(by).annotate(n=Count("pk")).order_by():
        target = row(r[by])
        target.visits_today += r["n"]
    promise_by = {"cmo": "case__cmo_id", "collector": "contact__actor_id", "branch": "case__branch_id"}[group]
    agg = promises.values(promise_by).annotate(
        kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)), broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN))
    )
    for r in agg.order_by():
        target = row(r[promise_by])
        target.promises_kept += r["kept"]
        target.promises_broken += r["broken"]

    names = _names(set(rows), group=group)
    for key, target in rows.items():
        target.name = names.get(key, str(key))
        target.cells = [target.buckets.get(b, (0, Decimal(0))) for b in buckets]
    ordered = sorted(rows.values(), key=lambda r: (-r.accounts, r.name))
    return CollectionView(group=group, business_date=snapshot, buckets=buckets, rows=ordered)


def collector_profiles(*, viewer: Any) -> list[CollectorProfile]:
    require(viewer, Capability.COLLECTION_ASSIGN)
    return list(scope_to_branch(CollectorProfile.objects.select_related("user"), viewer))


def may_see_views(viewer: Any) -> bool:
    return user_can(viewer, Capability.COLLECTION_VIEW)


# --- a CMO's month of premature collection (read by performance's CMO page) -----------------------------------------


@dataclass(frozen=True)
class CmoCollectionResults:
    """What a CMO's collection work came to in a month (see ``cmo_collection_results``)."""

    contacts: int = 0
    promises_made: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    collected_sen: int = 0
    handed_over: int = 0

    @property
    def collected(self) -> Decimal:
        return from_minor(self.collected_sen)

    @property
    def promise_kept_rate(self) -> Decimal | None:
        """Kept promises in percent of those judged (kept or broken); None before any is judged."""
        judged = self.promises_kept + self.promises_broken
        return None if judged == 0 else (Decimal(self.promises_kept) * 100 / judged).quantize(Decimal("0.01"))


def cmo_collection_results(*, cmo_ids: list[int], start: dt.datetime, end: dt.datetime) -> dict[int, CmoCollectionResults]:
    """Per CMO, in [start, end): contacts they logged, promises made in those contacts (kept, broken), money
    received on the contracts of their cases, and their cases handed over to the next stage.

    Four grouped queries for any number of CMOs (no loop per case). The caller has checked the viewer may see
    these CMOs. Definitions:

    - **contacts**: contacts the CMO logged (``Contact.actor``), by the time they were made;
    - **promises made / kept / broken**: promises made in those contacts on a business date in the month, and
      how many of them the nightly run has judged kept or broken so far;
    - **collected**: payments with a value date in the month, not reversed, on the contracts of the CMO's cases
      (``CollectionCase.cmo``) while the case was open in the month (opened by its end, not closed before it);
    - **handed over**: the CMO's cases moved on from the CMO stage, by the business date of the hand-over.
    """
    first, last = start.date(), (end - dt.timedelta(microseconds=1)).date()
    ids = list(cmo_ids)
    contacts = dict(
        Contact.objects.filter(actor_id__in=ids, contacted_at__gte=start, contacted_at__lt=end)
        .values("actor_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("actor_id", "n")
    )
    promises = {
        row["contact__actor_id"]: row
        for row in Promise.objects.filter(contact__actor_id__in=ids, made_on__gte=first, made_on__lte=last)
        .values("contact__actor_id")
        .annotate(
            made=Count("pk"),
            kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
            broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN)),
        )
        .order_by()
    }
    collected = dict(
        Payment.objects.filter(
            contract__collection_case__cmo_id__in=ids,
            contract__collection_case__opened_on__lte=last,
            value_date__gte=first,
            value_date__lte=last,
        )
        .filter(Q(contract__collection_case__closed_on__isnull=True) | Q(contract__collection_case__closed_on__gte=first))
        .exclude(reversals__status=ReversalStatus.APPROVED)
        .values("contract__collection_case__cmo_id")
        .annotate(amount=Sum("amount_sen"))
        .order_by()
        .values_list("contract__collection_case__cmo_id", "amount")
    )
    handed = dict(
        CaseEvent.objects.filter(
            case__cmo_id__in=ids, action="handed_over", from_stage=CaseStage.CMO, business_date__gte=first, business_date__lte=last
        )
        .values("case__cmo_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("case__cmo_id", "n")
    )
    out = {}
    for cmo_id in ids:
        p = promises.get(cmo_id, {})
        out[cmo_id] = CmoCollectionResults(
            contacts=contacts.get(cmo_id, 0),
            promises_made=p.get("made", 0),
            promises_kept=p.get("kept", 0),
            promises_broken=p.get("broken", 0),
            collected_sen=collected.get(cmo_id) or 0,
            handed_over=handed.get(cmo_id, 0),
        )
    return out
