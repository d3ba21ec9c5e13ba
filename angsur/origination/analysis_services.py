"""Analysis: an analyst takes a surveyed application, enters the SLIK result, corrects the existing loans."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from angsur.audit.services import audit_record, snapshot
from angsur.errors import Conflict, DomainError
from angsur.finance.money import to_minor
from angsur.org.models import User
from angsur.origination.models import Application, BureauCheck, Obligation
from angsur.origination.transition_services import _lock, _require_decider, _transition
from angsur.origination.workflow import Action, Status
from angsur.workflow.engine import service


@service
def analysis_start(*, actor: User, application: Application, expected_version: int | None = None) -> Application:
    """An analyst takes a surveyed application."""
    app = _lock(application, expected_version, action=Action.START_ANALYSIS, actor=actor)
    app.analysis_started_at = timezone.now()
    _transition(app, Action.START_ANALYSIS, actor=actor, fields=["analysis_started_at"])
    return app


BUREAU_STATES = frozenset({Status.SURVEYED, Status.IN_ANALYSIS, Status.ESCALATED, Status.APPEALED})


@service
def bureau_check_record(
    *,
    actor: User,
    application: Application,
    enquiry_date: dt.date,
    consent_given: bool,
    worst_collectibility: int | None,
    outstanding: Decimal = Decimal(0),
    note: str = "",
    as_of: dt.date,
) -> BureauCheck:
    """Enter a SLIK result with its enquiry date and the applicant's consent (while the application is being analysed)."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    if app.status not in BUREAU_STATES:
        raise Conflict(
            "invalid_transition",
            _("This step is not possible while the application is '%(status)s'.") % {"status": Status(app.status).label},
        )
    _require_decider(actor, app)
    if enquiry_date > as_of:
        raise DomainError("date_future", _("The enquiry date lies in the future."), field="enquiry_date")
    if worst_collectibility is not None and not 1 <= worst_collectibility <= 5:
        raise DomainError("kol_range", _("Collectibility (Kol) is 1 to 5."), field="worst_collectibility")
    if not consent_given:
        raise DomainError("consent_required", _("SLIK may only be queried with the applicant's consent."), field="consent_given")
    check = BureauCheck.objects.create(
        application=app,
        enquiry_date=enquiry_date,
        consent_given=consent_given,
        worst_collectibility=worst_collectibility,
        outstanding_sen=to_minor(outstanding),
        note=note[:2000],
        entered_by=actor,
    )
    audit_record(actor=actor, action="application.bureau_check", obj=app, after=snapshot(check))
    return check


@service
def obligations_correct(
    *,
    actor: User,
    application: Application,
    obligations: tuple[tuple[str, Decimal], ...],
    reason: str,
    expected_version: int | None = None,
) -> Application:
    """The analyst replaces the existing loans (e.g. from the SLIK result) while the application is analysed.

    The way out for an application whose stored loans cannot be used (a negative installment entered
    before the edge refused it): the loans before and after, and the reason, go to the audit trail; the
    version moves on, so a decision taken on the old figures answers 409.
    """
    if not reason.strip():
        raise DomainError("reason_required", _("Give the reason for the correction."), field="reason")
    for index, (lender, amount) in enumerate(obligations):
        if not lender.strip() or amount <= 0:
            raise DomainError(
                "installment_not_positive",
                _("The monthly installment of an existing loan must be greater than zero."),
                field=f"obligations.{index}",
            )
    app = _lock(application, expected_version)
    if app.status not in BUREAU_STATES:
        raise Conflict(
            "invalid_transition",
            _("This step is not possible while the application is '%(status)s'.") % {"status": Status(app.status).label},
        )
    _require_decider(actor, app)
    before = [{"lender": o.lender, "monthly_installment_sen": o.monthly_installment_sen} for o in app.obligations.order_by("id")]
    app.obligations.all().delete()
    created = Obligation.objects.bulk_create(
        Obligation(application=app, lender=lender.strip()[:120], monthly_installment_sen=to_minor(amount)) for lender, amount in obligations
    )
    app.version += 1
    app.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action="application.obligations_correct",
        obj=app,
        before={"obligations": before, "version": app.version - 1},
        after={
            "obligations": [{"lender": o.lender, "monthly_installment_sen": o.monthly_installment_sen} for o in created],
            "version": app.version,
            "reason": reason.strip()[:500],
        },
    )
    return app
