"""Reads for origination: scoped application lists, worklists, search, the analysis, the dealer notice."""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.dealers.selectors import scope_to_dealer
from angsur.errors import NotFound
from angsur.finance.errors import FinanceError
from angsur.finance.money import from_minor
from angsur.finance.policy import dp_pct, dsr, dsr_within, pct_shown_up
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require
from angsur.origination.exposure import OwnContract, own_contracts
from angsur.origination.models import (
    Application,
    AuthorityRule,
    BureauCheck,
    Condition,
    ConditionStatus,
    CreditPolicy,
    Document,
    DocumentKind,
    DocumentRequirement,
    Party,
    PartyRole,
    ScorecardConfig,
    ServiceLevelTarget,
    Survey,
    SurveyPhoto,
    SurveyStatus,
)
from angsur.origination.reasons import dealer_explanations
from angsur.origination.workflow import Status, decider_level
from angsur.products.services import counter_offers
from angsur.scoring import PolicyConfig, PolicyInput, Scorecard, age_in_years, evaluate_policy, score, scorecard_from_dict
from angsur.scoring.affordability import disposable_income_per_dependent
from angsur.scoring.errors import ScoringError
from angsur.scoring.identity import fold_identifier

LIST_FIELDS = (
    "id",
    "number",
    "status",
    "applicant_name",
    "applicant_nik",
    "applicant_phone",
    "submitted_at",
    "created_at",
    "installment_sen",
    "financed_principal_sen",
    "tenor_months",
    "decision_level",
    "branch_id",
    "dealer_id",
    "cmo_id",
)


def application_scope(*, viewer: Any) -> QuerySet[Application]:
    """Applications the viewer may see: a CMO their own (and surveys given to them), a dealer its own, others the branch."""
    require(viewer, Capability.APPLICATION_VIEW)
    qs = scope_to_dealer(Application.objects.all(), viewer)
    if viewer.role == Role.CMO:
        # owned ∪ surveyed as one id subquery: both databases read only the CMO's rows through the cmo_id and
        # surveyor_id indexes (an OR across a join + DISTINCT scanned the branch). A UNION carries no ordering.
        owned = Application.objects.filter(cmo=viewer).order_by().values("pk")
        surveyed = Survey.objects.filter(surveyor=viewer).order_by().values("application_id")
        return qs.filter(pk__in=owned.union(surveyed))
    return qs


def application_get(*, viewer: Any, pk: Any) -> Application:
    app = (
        application_scope(viewer=viewer)
        .select_related("branch", "dealer", "cmo", "created_by", "product", "rate_card")
        .filter(pk=pk)
        .first()
    )
    if app is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return app


def application_search(*, viewer: Any, query: str, limit: int = 50) -> QuerySet[Application]:
    """Search by NIK (exact), phone (exact, normalised), number (exact) or name (prefix)."""
    query = query.strip()
    qs = application_scope(viewer=viewer).select_related("dealer").only(*LIST_FIELDS, "dealer__name")
    if not query:
        return qs.none()
    # A NIK is stored as 16 ASCII digits (scoring.identity): fold the query the same way (full-width or
    # other digits, spaces, dashes), so what was typed finds what was stored.
    folded = fold_identifier(query)
    if folded is not None and len(folded) == 16:
        return qs.filter(applicant_nik=folded).order_by("-created_at")[:limit]
    digits = "".join(ch for ch in query if ch.isdigit())
    if query.upper().startswith("APP-"):
        return qs.filter(number=query.upper())[:limit]
    if digits and len(digits) >= 9 and len(digits) >= len(query.replace(" ", "").replace("-", "").replace("+", "")) - 1:
        from angsur.scoring import normalize_phone
        from angsur.scoring.errors import ScoringError

        try:
            return qs.filter(applicant_phone=normalize_phone(query)).order_by("-created_at")[:limit]
        except ScoringError:
            return qs.none()
    key = Application.name_key(query)
    if connection.vendor == "postgresql":
        # LIKE 'key%' is served by the varchar_pattern_ops index (a range would follow the locale's collation).
        by_name = qs.filter(applicant_name_key__startswith=key)
    else:
        # SQLite's LIKE ignores case and so cannot use the index; a byte-wise range on the lower-cased key can.
        by_name = qs.filter(applicant_name_key__gte=key, applicant_name_key__lt=key + "\U0010ffff")
    return by_name.order_by("applicant_name_key", "-created_at")[:limit]


def analyst_queue(*, viewer: Any, limit: int = 100) -> QuerySet[Application]:
    """Applications waiting for a decision at the viewer's level or below: those of dealers whose tier earns
    faster service first (``Dealer.service_priority``, kept by performance), then oldest first (by submission)."""
    level = decider_level(viewer)  # head office credit staff: the head-office level
    qs = application_scope(viewer=viewer).select_related("dealer")
    qs = qs.only(*LIST_FIELDS, "dealer__name", "dealer__service_priority", "dealer__service_tier")
    waiting = Q(status__in=[Status.SURVEYED, Status.IN_ANALYSIS]) | Q(
        status__in=[Status.ESCALATED, Status.APPEALED], decision_level__lte=level
    )
    # The status indexes still find the waiting rows; the dealer's priority only reorders those few percent
    # of the book (a top-N sort), so no index on it is needed (bench/origination_queue.py).
    return qs.filter(waiting).order_by("-dealer__service_priority", "submitted_at", "id")[:limit]


# --- worklists (registered in origination/worklists.py; the home page and the API read them there) ---

_LIST_ROW = (*LIST_FIELDS, "dealer__name", "cmo__username", "cmo__first_name", "cmo__last_name")
_DECIDED = (Status.APPROVED, Status.APPROVED_WITH_CONDITIONS, Status.REJECTED)


def _list_rows(viewer: Any) -> QuerySet[Application]:
    return application_scope(viewer=viewer).select_related("dealer", "cmo").only(*_LIST_ROW)


def surveys_due(*, viewer: Any, today: dt.date) -> list[Survey]:
    """The surveys assigned to the viewer that are due today or overdue."""
    return list(
        Survey.objects.filter(surveyor=viewer, status__in=[SurveyStatus.SCHEDULED, SurveyStatus.DRAFT], scheduled_for__date__lte=today)
        .select_related("application")
        .order_by("scheduled_for")[:50]
    )


def _own_rows(viewer: Any) -> QuerySet[Application]:
    """The viewer's own orders (as their CMO), in their branch: a subset of their scope read straight from
    the (cmo, status) index, without the scope's "owned or surveyed by me" union (bench/pages.py: the
    CMO's home at 200,000 applications spent half its SQL time building that union twice)."""
    require(viewer, Capability.APPLICATION_VIEW)
    mine = scope_to_dealer(Application.objects.filter(cmo=viewer), viewer)
    return mine.select_related("dealer", "cmo").only(*_LIST_ROW)


def own_open_orders(*, viewer: Any) -> list[Application]:
    """The orders the viewer owns (as CMO) that are still in progress, newest first."""
    mine = _own_rows(viewer)
    return list(mine.exclude(status__in=[Status.CANCELLED, Status.APPROVED, Status.REJECTED]).order_by("-created_at")[:50])


def own_recent_decisions(*, viewer: Any) -> list[Application]:
    """The latest decisions on the viewer's own orders."""
    return list(_own_rows(viewer).filter(status__in=_DECIDED).order_by("-decided_at")[:20])


def escalations_waiting(*, viewer: Any) -> list[Application]:
    """Escalated and appealed applications waiting at the viewer's level or below."""
    level = decider_level(viewer)
    waiting = _list_rows(viewer).filter(status__in=[Status.ESCALATED, Status.APPEALED], decision_level__lte=level)
    return list(waiting.order_by("submitted_at")[:50]) if level else []


def appealable(*, viewer: Any) -> list[Application]:
    """Rejections not yet appealed (the one appeal is the supervisor's)."""
    return list(_list_rows(viewer).filter(status=Status.REJECTED, appeal_count=0).order_by("-decided_at")[:50])


def waiting_for_survey_assignment(*, viewer: Any) -> list[Application]:
    """Submitted orders that wait for a surveyor."""
    return list(_list_rows(viewer).filter(status=Status.SUBMITTED).order_by("submitted_at")[:50])


def recent_applications(*, viewer: Any) -> list[Application]:
    """The latest applications in the viewer's scope (roles without a worklist of their own)."""
    return list(_list_rows(viewer).order_by("-created_at", "-id")[:50])


def dealer_orders(*, viewer: Any, limit: int = 100) -> QuerySet[Application]:
    return application_scope(viewer=viewer).only(*LIST_FIELDS).order_by("-created_at")[:limit]


def credit_policy_in_force(as_of: dt.date) -> PolicyConfig:
    row = CreditPolicy.objects.filter(effective_from__lte=as_of).order_by("-effective_from").first()
    if row is None:
        return PolicyConfig()
    return PolicyConfig(
        min_age_at_application=row.min_age_at_application,
        max_age_at_maturity_employee=row.max_age_at_maturity_employee,
        max_age_at_maturity_self_employed=row.max_age_at_maturity_self_employed,
        max_dsr_pct=row.max_dsr_pct,
        min_residence_months=row.min_residence_months,
        min_employment_months=row.min_employment_months,
        bureau_reject_from_kol=row.bureau_reject_from_kol,
        bureau_enquiry_max_age_days=row.bureau_enquiry_max_age_days,
        no_bureau_record_passes=row.no_bureau_record_passes,
    )


def scorecard_in_force(as_of: dt.date) -> Scorecard | None:
    """The scorecard configured for the date, or None: nothing is scored on a card nobody configured."""
    row = ScorecardConfig.objects.filter(effective_from__lte=as_of).order_by("-effective_from").first()
    return scorecard_from_dict(row.definition) if row else None


GRADE_ORDER = "ABCDE"


def _rule_covers(rule: AuthorityRule, financed_sen: int, grade: str) -> bool:
    # No grade (no scorecard configured) is covered by no rule: nobody may approve it.
    return (
        grade in GRADE_ORDER
        and len(grade) == 1
        and financed_sen <= rule.max_financed_sen
        and (GRADE_ORDER.index(grade) <= GRADE_ORDER.find(rule.worst_grade))
    )


def required_level(*, financed_sen: int, grade: str, product_id: int) -> int | None:
    """The lowest authority level whose matrix row covers the amount and the grade (None: nobody may approve)."""
    rules = AuthorityRule.objects.filter(Q(product_id=product_id) | Q(product__isnull=True)).order_by("level")
    for rule in rules:
        if _rule_covers(rule, financed_sen, grade):
            return rule.level
    return None


def covers(*, role: str, financed_sen: int, grade: str, product_id: int) -> bool:
    """True when the role's own authority rows cover the amount and grade."""
    rules = AuthorityRule.objects.filter(role=role).filter(Q(product_id=product_id) | Q(product__isnull=True))
    return any(_rule_covers(r, financed_sen, grade) for r in rules)


@dataclass
class Analysis:
    """Everything the analyst weighs, computed from the application, survey, bureau check and configuration."""

    income: Decimal
    household_income: Decimal
    existing_installments: Decimal
    # Unrounded (finance.policy.dsr): compared as they are; dsr_pct and dsr_household_pct show them.
    dsr_ratio: Decimal | None
    dsr_household_ratio: Decimal | None
    disposable_per_dependent: Decimal | None
    dependents: int
    policy: tuple
    score: Any
    grade: str
    required_level: int | None
    missing_documents: list[str]
    survey: Survey | None
    bureau: BureauCheck | None
    flags: list
    distance_m: int | None
    policy_config: PolicyConfig
    notes: list[str] = field(default_factory=list)
    own_contracts: list[OwnContract] = field(default_factory=list)

    @property
    def dsr_pct(self) -> Decimal | None:
        """The DSR as shown: rounded up to 0.01 %, so it never looks within a ceiling it exceeds."""
        return pct_shown_up(self.dsr_ratio) if self.dsr_ratio is not None else None

    @property
    def dsr_household_pct(self) -> Decimal | None:
        return pct_shown_up(self.dsr_household_ratio) if self.dsr_household_ratio is not None else None

    @property
    def dsr_fits(self) -> bool:
        """Whether the DSR is within the policy's ceiling, compared exactly."""
        return self.dsr_ratio is not None and dsr_within(self.dsr_ratio, self.policy_config.max_dsr_pct)

    @property
    def policy_passed(self) -> bool:
        return all(r.passed for r in self.policy if r.knock_out)

    def as_dict(self) -> dict[str, Any]:
        return {
            "income": str(self.income),
            "household_income": str(self.household_income),
            "existing_installments": str(self.existing_installments),
            "dsr_pct": str(self.dsr_pct) if self.dsr_pct is not None else None,
            "dsr_household_pct": str(self.dsr_household_pct) if self.dsr_household_pct is not None else None,
            "disposable_per_dependent": str(self.disposable_per_dependent) if self.disposable_per_dependent is not None else None,
            "dependents": self.dependents,
            "policy": [
                {"code": r.code, "passed": r.passed, "knock_out": r.knock_out, "params": r.params, "message": r.message}
                for r in self.policy
            ],
            "score": self.score.total if self.score else None,
            "grade": self.grade,
            "score_lines": [
                {
                    "code": ln.code,
                    "label": ln.label,
                    "value": str(ln.value) if ln.value is not None else None,
                    "bin": ln.bin_label,
                    "points": ln.points,
                }
                for ln in self.score.lines
            ]
            if self.score
            else [],
            "required_level": self.required_level,
            "missing_documents": self.missing_documents,
            "flags": [{"kind": f.kind, "detail": f.detail} for f in self.flags],
            "distance_m": self.distance_m,
            "own_contracts": [
                {
                    "contract_number": c.contract_number,
                    "branch_code": c.branch_code,
                    "monthly_installment": str(c.monthly_installment),
                    "outstanding": str(c.outstanding),
                }
                for c in self.own_contracts
            ],
        }


def missing_documents(app: Application) -> list[str]:
    """The product's required documents not yet attached (labels), for the CMO and the analyst alike."""
    present = set(app.documents.values_list("kind", flat=True))
    required = DocumentRequirement.objects.filter(product_id=app.product_id, required=True).values_list("kind", flat=True)
    labels = dict(DocumentKind.choices)
    return [str(labels.get(kind, kind)) for kind in required if kind not in present]


def analysis_counter_offers(app: Application, analysis: Analysis, *, as_of: dt.date) -> list[Any]:
    """The terms that would fit the analysis's DSR ceiling for this application (the screen, the API and the
    decision read the same offers). Raises the pricing's DomainError when no terms can be offered."""
    return counter_offers(
        product=app.product,
        branch_id=app.branch_id,
        as_of=as_of,
        otr=app.otr,
        down_payment=app.down_payment,
        tenor_months=app.tenor_months,
        vehicle_year=app.vehicle_year,
        income=analysis.income,
        existing_installments=analysis.existing_installments,
        max_dsr_pct=analysis.policy_config.max_dsr_pct,
    )


def application_analysis(app: Application, *, as_of: dt.date) -> Analysis:
    """Compute DSR, policy rules, score and the authority level required."""
    survey = app.surveys.filter(status=SurveyStatus.COMPLETED).order_by("-completed_at").first()
    bureau = app.bureau_checks.order_by("-enquiry_date", "-id").first()
    applicant = app.parties.filter(role=PartyRole.APPLICANT).first()
    cfg = credit_policy_in_force(as_of)
    notes = []
    # Every stored loan is read on its own: a negative installment (refused at entry since issue 17, but
    # possibly stored before) would otherwise lower the sum, or make the one DSR refuse to compute.
    installments = [from_minor(sen) for sen in app.obligations.values_list("monthly_installment_sen", flat=True)]
    bad_installments = [amount for amount in installments if amount < 0]
    # Read conservatively: a negative sign counts as the same debt, so nothing offered on it is too generous.
    existing = sum((abs(amount) for amount in installments), Decimal(0))
    # The applicant's open contracts with the company (any branch) are debts too: their installments count.
    contracts = own_contracts(app.applicant_nik, exclude_application_id=app.pk)
    existing += sum((c.monthly_installment for c in contracts), Decimal(0))
    if contracts:
        notes.append(
            _("Existing customer: the installments of %(contracts)s are counted in the DSR.")
            % {"contracts": ", ".join(f"{c.contract_number} ({c.branch_code})" for c in contracts)}
        )
    if bad_installments:
        notes.append(
            _(
                "An existing loan is stored with a negative monthly installment (%(amounts)s): the DSR cannot be "
                "computed and its rule fails until the existing loans are corrected."
            )
            % {"amounts": ", ".join(str(amount) for amount in bad_installments)}
        )
    if survey is not None:
        income, household = from_minor(survey.verified_income_sen), from_minor(survey.household_income_sen)
        expenses, dependents = from_minor(survey.household_expense_sen), survey.dependents
        residence_months, employment_months = survey.residence_months, survey.employment_months
        ownership = survey.residence_ownership
    else:
        # Before the survey: the applicant's declared income, and the household's (spouse + other) as declared.
        spouse = app.parties.filter(role=PartyRole.SPOUSE).first()
        income = app.declared_income
        household = (from_minor(spouse.monthly_income_sen) if spouse else Decimal(0)) + app.declared_other_income
        expenses, dependents = app.household_expense, app.dependents
        residence_months = app.residence_months
        employment_months = applicant.employment_months if applicant else 0
        ownership = app.residence_ownership
    ratio = ratio_household = per_dependent = None
    if income <= 0:
        notes.append(_("No verified income yet: the DSR cannot be computed."))
    elif not bad_installments:
        try:
            ratio = dsr(app.installment, existing, income)
            ratio_household = dsr(app.installment, existing, income, household) if household > 0 else None
            per_dependent = disposable_income_per_dependent(
                income=income + household, expenses=expenses, installments=app.installment + existing, dependents=dependents
            )
        except (FinanceError, ScoringError) as error:
            # A stored value the finance core refuses (a negative amount): report it, and the DSR rule fails.
            ratio = ratio_household = per_dependent = None
            notes.append(_("A stored amount cannot be used (%(problem)s): the rules that depend on it fail.") % {"problem": error.message})
    flags = list(app.flags.all())
    try:
        down_payment_pct = dp_pct(app.otr, app.down_payment)
    except FinanceError as error:
        down_payment_pct = Decimal(0)  # fails the minimum-DP rule rather than the whole analysis
        notes.append(_("A stored amount cannot be used (%(problem)s): the rules that depend on it fail.") % {"problem": error.message})
    policy = ()
    if applicant is not None:
        policy = evaluate_policy(
            PolicyInput(
                as_of=as_of,
                birth_date=applicant.birth_date,
                marital_status=applicant.marital_status,
                employment_type=applicant.employment_type,
                tenor_months=app.tenor_months,
                dp_pct=down_payment_pct,
                min_dp_pct=app.min_dp_pct,
                dsr_pct=ratio if ratio is not None else Decimal("999"),
                residence_months=residence_months,
                employment_months=employment_months,
                negative_list_hits=tuple(f.kind for f in flags if f.kind.startswith("negative")),
                bureau_kol=bureau.worst_collectibility if bureau else None,
                bureau_enquiry_date=bureau.enquiry_date if bureau else None,
                bureau_consent=bool(bureau and bureau.consent_given),
                # A SLIK result entered with no Kol: the bureau has no credit history for the applicant.
                bureau_no_record=bool(bureau and bureau.consent_given and bureau.worst_collectibility is None),
            ),
            cfg,
        )
    age = age_in_years(applicant.birth_date, as_of) if applicant else None
    values = {
        "age": Decimal(age) if age is not None else None,
        "dsr_pct": ratio,
        "residence_ownership": ownership or None,
        "residence_months": Decimal(residence_months),
        "employment_months": Decimal(employment_months),
        "employment_type": applicant.employment_type if applicant else None,
        "dependents": Decimal(dependents),
        "dp_pct": down_payment_pct,
        "bureau_kol": Decimal(bureau.worst_collectibility) if bureau and bureau.worst_collectibility else None,
        "vehicle_kind": app.vehicle_kind,
    }
    scorecard = scorecard_in_force(as_of)
    result = score(scorecard, values) if scorecard is not None else None
    if result is None:
        notes.append(_("No scorecard is configured for this date: the application cannot be scored, and nobody may approve it."))
    grade = result.grade if result is not None else ""
    missing = missing_documents(app)
    return Analysis(
        income=income,
        household_income=household,
        existing_installments=existing,
        dsr_ratio=ratio,
        dsr_household_ratio=ratio_household,
        disposable_per_dependent=per_dependent,
        dependents=dependents,
        policy=policy,
        score=result,
        grade=grade,
        required_level=required_level(financed_sen=app.financed_principal_sen, grade=grade, product_id=app.product_id),
        missing_documents=missing,
        survey=survey,
        bureau=bureau,
        flags=flags,
        distance_m=survey.distance_from_address_m if survey else None,
        policy_config=cfg,
        notes=notes,
        own_contracts=contracts,
    )


@dataclass(frozen=True)
class SlaStatus:
    label: str
    hours: float | None
    target: int
    over: bool


def service_levels(app: Application, *, now: dt.datetime | None = None) -> list[SlaStatus]:
    """Order → survey → decision durations against the branch's targets (running clocks for open steps)."""
    now = now or timezone.now()
    target = (
        ServiceLevelTarget.objects.filter(branch_id=app.branch_id).first()
        or ServiceLevelTarget.objects.filter(branch__isnull=True).first()
        or ServiceLevelTarget()
    )

    def hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
        if start is None:
            return None
        return round(((end or now) - start).total_seconds() / 3600, 1)

    rows = [
        (_("Order → survey"), hours(app.submitted_at, app.surveyed_at), target.submit_to_survey_hours),
        (_("Survey → decision"), hours(app.surveyed_at, app.decided_at), target.survey_to_decision_hours),
        (_("Order → decision"), hours(app.submitted_at, app.decided_at), target.submit_to_decision_hours),
    ]
    return [SlaStatus(label, h, t, h is not None and h > t) for label, h, t in rows]


def condition_rows(app: Application) -> list[dict[str, Any]]:
    """The approval's conditions, oldest first, as every viewer of the application sees them (dealer included)."""
    return [
        {
            "id": c.pk,
            "kind": c.kind,
            "label": c.get_kind_display(),
            "detail": c.detail,
            "status": c.status,
            "status_label": c.get_status_display(),
            "created_at": c.created_at,
            "resolved_at": c.resolved_at,
            "resolution_note": c.resolution_note,
        }
        for c in Condition.objects.filter(application=app).order_by("created_at", "id")
    ]


def dealer_timeline(app: Application, *, survey: Survey | None) -> list[dict[str, Any]]:
    """The order's milestones the dealer may follow, in time order (no analysis content, no people's data)."""
    events: list[tuple[dt.datetime | None, str, str]] = [
        (app.created_at, "created", _("Order received")),
        (app.submitted_at, "submitted", _("Submitted for survey and analysis")),
        (app.survey_assigned_at, "survey_scheduled", _("Survey scheduled")),
        (app.surveyed_at, "surveyed", _("Survey done")),
        (app.analysis_started_at, "in_analysis", _("Under credit analysis")),
        (app.decided_at, "decided", _("Decided: %(status)s") % {"status": Status(app.status).label} if app.decided_at else ""),
    ]
    rows = [{"at": at, "event": event, "label": label} for at, event, label in events if at is not None]
    return sorted(rows, key=lambda row: row["at"])


def dealer_notice(app: Application) -> dict[str, Any]:
    """What the dealer may know: status, the assigned CMO, the survey date, the timeline, the conditions and documents,
    and for a rejection or condition a privacy-safe explanation. The dealer's page and API read this one projection."""
    last = app.decisions.exclude(outcome="escalate").order_by("-created_at", "-id").first()
    survey = app.surveys.order_by("-scheduled_for", "-id").first()
    notice: dict[str, Any] = {
        "number": app.number,
        "status": app.status,
        "status_label": str(Status(app.status).label),
        "explanations": [],
        "counter_offer": None,
        "cmo_name": app.cmo.get_full_name() or app.cmo.username,
        "survey_scheduled_for": survey.scheduled_for if survey is not None else None,
        "timeline": dealer_timeline(app, survey=survey),
        "conditions": [{k: row[k] for k in ("kind", "label", "detail", "status", "status_label")} for row in condition_rows(app)],
        "documents": [
            {"kind": d.kind, "label": d.get_kind_display(), "uploaded_at": d.uploaded_at}
            for d in app.documents.order_by("uploaded_at", "id")
        ],
    }
    if last is not None and app.status in {Status.REJECTED, Status.APPROVED_WITH_CONDITIONS}:
        notice["explanations"] = dealer_explanations(last.reason_codes, counter_offer=bool(last.counter_offer))
        if app.status == Status.APPROVED_WITH_CONDITIONS and last.counter_offer:
            notice["counter_offer"] = _dealer_counter_offer(last.counter_offer, ceiling_pct=_ceiling_of(last))
    return notice


# How far below the DSR ceiling an offer's installment must lie for the dealer to be shown it (percentage points).
DEALER_INSTALLMENT_MARGIN_PCT = Decimal(1)


def _ceiling_of(decision: Any) -> Decimal | None:
    """The DSR ceiling the decision's counter-offer was computed against (its analysis snapshot's DSR rule)."""
    for rule in (decision.analysis or {}).get("policy", []):
        if rule.get("code") == "dsr_ceiling":
            try:
                return Decimal(str(rule["params"]["limit"]))
            except (KeyError, TypeError, ArithmeticError):
                return None
    return None


def _dealer_counter_offer(offer: dict[str, Any], *, ceiling_pct: Decimal | None) -> dict[str, Any]:
    """The new terms for the dealer: DP, tenor and TDP; the installment only when income does not follow from it.

    A counter-offer is the smallest DP (or shortest tenor) whose installment fits the DSR ceiling, so a
    "dp" offer's installment sits at the ceiling, and installment / ceiling is the verified income
    (1,386,000 / 33 % = 4,200,000). Within DEALER_INSTALLMENT_MARGIN_PCT of the ceiling (or when the
    ceiling is not known) the installment is left out: the dealer gets the terms, not the income.
    """
    shown = {k: offer[k] for k in ("kind", "down_payment", "tenor_months", "tdp")}
    margin = getattr(settings, "ANGSUR_DEALER_INSTALLMENT_MARGIN_PCT", DEALER_INSTALLMENT_MARGIN_PCT)
    try:
        far_below = ceiling_pct is not None and Decimal(str(offer["dsr_pct"])) <= ceiling_pct - Decimal(str(margin))
    except (KeyError, ArithmeticError):
        far_below = False
    shown["installment"] = offer["installment"] if far_below else None
    return shown


def distance_m(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> int:
    """Great-circle distance in metres (haversine; display only, not money)."""
    r = 6_371_000.0
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * r * math.asin(math.sqrt(a)))


def parties_by_role(app: Application) -> dict[str, Party]:
    return {p.role: p for p in app.parties.all()}


# --- what the screens read (views and API hold no queries of their own) ---------------------------


def application_list(*, viewer: Any, status: str = "", limit: int = 100) -> list[Application]:
    """The viewer's applications, newest first, optionally of one status (the list page's default view)."""
    # Only what the list shows (not each row's ~3.5 kB priced quote), in a stable order.
    qs = application_scope(viewer=viewer).select_related("dealer").only(*LIST_FIELDS, "dealer__name").order_by("-created_at", "-id")
    if status in Status.values:
        qs = qs.filter(status=status)
    return list(qs[:limit])


def surveyors_for(app: Application) -> QuerySet:
    """The active marketing staff of the application's branch who may carry out its survey."""
    from angsur.org.models import User
    from angsur.org.roles import ROLE_CAPABILITIES

    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.SURVEY_DO in caps and role != Role.DEALER]
    return User.objects.filter(branch_id=app.branch_id, role__in=roles, is_active=True).order_by("username")


def application_detail_parts(app: Application) -> dict[str, Any]:
    """The records the detail page shows beside the application, each read in one query."""
    return {
        "obligations": list(app.obligations.all()),
        "documents": list(app.documents.all()),
        "surveys": list(app.surveys.select_related("surveyor").prefetch_related("informants", "photos")),
        "open_survey": app.surveys.filter(status__in=[SurveyStatus.SCHEDULED, SurveyStatus.DRAFT]).select_related("surveyor").first(),
        "decisions": list(app.decisions.select_related("decided_by")),
        "appeals": list(app.appeals.select_related("appellant")),
        "flags": list(app.flags.select_related("other_application")),
        "conditions": condition_rows(app),
    }


def decision_trail(decisions: list[Any], appeals: list[Any]) -> list[tuple[str, Any]]:
    """Decisions and appeals as one trail in time order: ("decision", d) and ("appeal", a)."""
    steps = [("decision", d) for d in decisions] + [("appeal", a) for a in appeals]
    return sorted(steps, key=lambda step: (step[1].created_at, step[1].pk))


def _in_scope(found: Any) -> Any:
    if found is None:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    return found


def survey_get(*, viewer: Any, pk: Any) -> Survey:
    """A survey of an application in the viewer's scope (404 otherwise, no leak)."""
    surveys = Survey.objects.select_related("application", "surveyor").prefetch_related("photos")
    return _in_scope(surveys.filter(pk=pk, application__in=application_scope(viewer=viewer)).first())


def document_get(*, viewer: Any, pk: Any) -> Document:
    """A document of an application in the viewer's scope; a dealer user only their own uploads."""
    document = Document.objects.filter(pk=pk, application__in=application_scope(viewer=viewer)).first()
    if document is not None and viewer.role == Role.DEALER and document.uploaded_by_id != viewer.pk:
        document = None
    return _in_scope(document)


def survey_photo_get(*, viewer: Any, pk: Any) -> SurveyPhoto:
    """A survey photo of an application in the viewer's scope; never for dealers (survey material)."""
    if viewer.role == Role.DEALER:
        return _in_scope(None)
    return _in_scope(SurveyPhoto.objects.filter(pk=pk, survey__application__in=application_scope(viewer=viewer)).first())


def open_conditions(app: Application) -> list[Condition]:
    """The approval's conditions not yet fulfilled or waived, oldest first."""
    return list(Condition.objects.filter(application=app, status=ConditionStatus.OPEN).order_by("created_at", "id"))


def booking_blockers(app: Application) -> list[str]:
    """Why this application cannot be booked as a contract yet, in the user's language; empty when it can.

    The one place servicing asks before booking: the application must be approved (a conditional
    approval's counter-offer accepted), and every condition of the approval fulfilled or waived.
    Servicing adds its own check that the application is not booked already.
    """
    blockers: list[str] = []
    if app.status != Status.APPROVED:
        blockers.append(_("Only an approved application can be booked (this one is %(status)s).") % {"status": app.get_status_display()})
    for condition in open_conditions(app):
        label = condition.get_kind_display()
        blockers.append(
            _("Condition not yet fulfilled: %(condition)s%(detail)s.")
            % {"condition": label, "detail": f" ({condition.detail})" if condition.detail else ""}
        )
    return blockers


def condition_get(*, viewer: Any, application_id: Any, pk: Any) -> Condition:
    """A condition of an application the viewer may see (404 otherwise, whatever the reason)."""
    app = application_get(viewer=viewer, pk=application_id)
    try:
        return Condition.objects.select_related("application").get(pk=int(pk), application=app)
    except (Condition.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("not_found", _("The record was not found or is outside your branch.")) from None


# Rules whose findings come from the bureau or the negative list: deciders' information, not the CMO's.
DECIDER_ONLY_RULES = frozenset({"bureau_kol", "bureau_enquiry_fresh", "bureau_consent", "negative_list"})


@dataclass(frozen=True)
class PreCheck:
    """The CMO's own check of an order before and after submitting it: the same DSR and policy rules the
    analysis applies (``application_analysis`` computes them; nothing is recomputed here), without the
    bureau and negative-list findings, and the documents still missing."""

    income: Decimal
    income_verified: bool
    existing_installments: Decimal
    dsr_ratio: Decimal | None
    max_dsr_pct: Decimal
    rules: tuple
    missing_documents: list[str]

    @property
    def dsr_pct(self) -> Decimal | None:
        return pct_shown_up(self.dsr_ratio) if self.dsr_ratio is not None else None

    @property
    def dsr_fits(self) -> bool:
        return self.dsr_ratio is not None and dsr_within(self.dsr_ratio, self.max_dsr_pct)

    @property
    def passes(self) -> bool:
        return all(r.passed for r in self.rules if r.knock_out) and not self.missing_documents

    def as_dict(self) -> dict[str, Any]:
        return {
            "income": str(self.income),
            "income_verified": self.income_verified,
            "existing_installments": str(self.existing_installments),
            "dsr_pct": str(self.dsr_pct) if self.dsr_pct is not None else None,
            "max_dsr_pct": str(self.max_dsr_pct),
            "dsr_fits": self.dsr_fits,
            "rules": [
                {"code": r.code, "passed": r.passed, "knock_out": r.knock_out, "params": r.params, "message": r.message} for r in self.rules
            ],
            "missing_documents": self.missing_documents,
            "passes": self.passes,
        }


def application_precheck(app: Application, *, as_of: dt.date) -> PreCheck:
    """The pre-check the CMO sees on their order (issue 15, item 6): what the analyst will find, minus the bureau."""
    analysis = application_analysis(app, as_of=as_of)
    return PreCheck(
        income=analysis.income,
        income_verified=analysis.survey is not None,
        existing_installments=analysis.existing_installments,
        dsr_ratio=analysis.dsr_ratio,
        max_dsr_pct=analysis.policy_config.max_dsr_pct,
        rules=tuple(r for r in analysis.policy if r.code not in DECIDER_ONLY_RULES),
        missing_documents=analysis.missing_documents,
    )


def application_with_records(app: Application) -> Application:
    """The application with every record the staff projection shows, each read in one query (API detail)."""
    from django.db.models import Prefetch, prefetch_related_objects

    from angsur.origination.models import Appeal, Decision, Flag

    prefetch_related_objects(
        [app],
        Prefetch("parties", queryset=Party.objects.order_by("id")),
        "obligations",
        Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
        Prefetch("surveys", queryset=Survey.objects.select_related("surveyor", "assigned_by").prefetch_related("photos", "informants")),
        Prefetch("decisions", queryset=Decision.objects.select_related("decided_by").order_by("created_at", "id")),
        Prefetch("appeals", queryset=Appeal.objects.select_related("appellant").order_by("created_at", "id")),
        Prefetch("flags", queryset=Flag.objects.order_by("created_at", "id")),
    )
    return app


def bureau_checks(app: Application) -> list[BureauCheck]:
    """The application's SLIK results, with who entered them (deciders' projection)."""
    return list(app.bureau_checks.select_related("entered_by"))


def survey_for_staff(*, viewer: Any, pk: Any) -> Survey:
    """A survey of an application in the viewer's scope, with its people; dealer users never see surveys."""
    if viewer.role == Role.DEALER:
        return _in_scope(None)
    surveys = Survey.objects.select_related("application", "surveyor", "assigned_by")
    return _in_scope(surveys.filter(pk=pk, application__in=application_scope(viewer=viewer).values("pk")).first())


def application_page(*, viewer: Any, status: str = "", limit: int = 100) -> list[Application]:
    """The API list: the viewer's scope newest first, the list columns and the dealer's name only."""
    qs = application_scope(viewer=viewer).select_related("dealer").only(*LIST_FIELDS, "dealer__name")
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-created_at", "-id")[:limit])


def surveyor_of_branch(app: Application, pk: Any) -> Any:
    """An active person of the application's branch by id (the service checks they may survey), or None."""
    from angsur.org.models import User

    return User.objects.filter(pk=pk, branch_id=app.branch_id, is_active=True).first()


def document_with_uploader(pk: int) -> Document:
    """A document just stored, with who uploaded it (the API's answer to an upload)."""
    return Document.objects.select_related("uploaded_by").get(pk=pk)
