"""Collection screens (phone-sized for the CMO and collectors): the case list, the case page with its contact
form (sent through the phone's outbox, idempotent), hand-over, assignment, consent, and the views with Excel.

Views parse input, call one selector or service and render; a refusal (a forbidden hour, a promise in the
past, a hand-over without a reason) comes back as a message, or as JSON to the outbox, never a 500.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from angsur.collection import clock, selectors
from angsur.collection.exports import XLSX, views_workbook
from angsur.collection.forms import AssignForm, ConsentForm, ContactForm, HandOverForm
from angsur.collection.services import case_assign, case_hand_over, consent_record, contact_log, contact_time_refusal, window_message
from angsur.collection.workflow import CaseStage
from angsur.errors import DomainError, NotFound
from angsur.org.clock import branch_today, business_date
from angsur.org.roles import Capability
from angsur.org.scoping import require, user_can

# The case page asks for the GPS (a visit records where it was made); every other feature stays denied.
# (settings.ANGSUR_SENSOR_PAGES could name the page instead; the middleware keeps a header a view set.)
GPS_ONLY = "camera=(), geolocation=(self), microphone=(), payment=(), usb=(), serial=(), midi=(), display-capture=()"


def _from_outbox(request: HttpRequest) -> bool:
    """A send from the phone's outbox (outbox.js): answered in JSON, which the outbox shows."""
    return request.headers.get("X-Angsur-Outbox") == "1"


def _outbox_invalid(form: Any) -> JsonResponse:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return JsonResponse({"code": "invalid", "message": _("Check the fields marked."), "errors": errors}, status=400)


def _first_error(form: Any) -> str:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields and form.fields[field].label else ""
    return f"{label}: {errors[0]}" if label else str(errors[0])


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The viewer's open cases (a CMO their own, a collector theirs, the branch for the others), by priority and DPD."""
    stage = request.GET.get("stage", "")
    cases = selectors.case_list(viewer=request.user, stage=stage)
    return render(
        request,
        "collection/list.html",
        {"cases": cases, "stage": stage, "stages": CaseStage.choices, "may_view": user_can(request.user, Capability.COLLECTION_VIEW)},
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    response = _case_page(request, case)
    response["Permissions-Policy"] = GPS_ONLY
    return response


def _case_page(request: HttpRequest, case: Any, *, contact_form: ContactForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    page = selectors.case_page(case, viewer=user)
    window, consent = contact_time_refusal(case, at=clock.now())
    targets = selectors.handover_targets(case, page.actions)
    contact_form = contact_form or ContactForm(
        result_codes=page.result_codes,
        initial={
            "client_key": uuid.uuid4().hex,
            "channel": "visit" if case.assignee_id == user.pk and case.stage == CaseStage.FIELD else "call",
        },
    )
    return render(
        request,
        "collection/case.html",
        {
            "case": case,
            "contract": case.contract,
            "page": page,
            "contact_form": contact_form,
            "contact_allowed": window.allowed or consent is not None,
            "contact_refusal": "" if window.allowed or consent is not None else window_message(window),
            "debtor_time": window.local_label,
            "consent": consent,
            "whatsapp_url": selectors.whatsapp_link(case, sender=user) if page.may_work else "",
            "handover_form": HandOverForm(targets=targets, initial={"expected_version": case.version}) if targets else None,
            "assign_form": AssignForm(collectors=page.collectors, initial={"expected_version": case.version}) if page.collectors else None,
            "consent_form": ConsentForm() if page.may_work else None,
            "overdue_total": case.overdue_sen + case.late_fee_sen,
        },
        status=status,
    )


@login_required
@require_POST
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a contact: from the outbox (JSON answer, idempotent by its key) or a plain form post."""
    outbox = _from_outbox(request)
    try:
        case = selectors.case_get(viewer=request.user, pk=pk)
    except NotFound as error:
        if outbox:
            return JsonResponse(error.as_dict(), status=error.status)
        raise
    form = ContactForm(request.POST, result_codes=selectors.result_codes())
    if not form.is_valid():
        if outbox:
            return _outbox_invalid(form)
        messages.error(request, _first_error(form))
        return _case_page(request, case, contact_form=form, status=400)
    key = (form.cleaned_data.get("client_key") or request.headers.get("Idempotency-Key") or "").strip()[:64]
    try:
        contact = contact_log(
            actor=request.user,
            case=case,
            data=form.data_for_service(),
            at=clock.now(),
            as_of=business_date(case.branch),
            client_key=key,
        )
    except DomainError as error:
        if outbox:
            return JsonResponse(error.as_dict(), status=error.status)
        messages.error(request, error.message)
        return _case_page(request, case, contact_form=form, status=error.status)
    message = _("Contact recorded.")
    url = reverse("collection_case", args=[case.pk])
    if outbox:
        return JsonResponse({"status": "accepted", "replayed": contact.replayed, "message": message, "url": url})
    messages.success(request, message)
    return redirect(url)


def _case_step(request: HttpRequest, pk: int, run: Any) -> HttpResponse:
    case = selectors.case_get(viewer=request.user, pk=pk)
    try:
        message = run(case)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return redirect("collection_case", pk=case.pk)


@login_required
@require_POST
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    def run(case: Any) -> str:
        form = HandOverForm(request.POST, targets=[(s, s) for s in ("desk", "field", "remedial")])
        if not form.is_valid():
            raise DomainError("invalid_input", _first_error(form))
        d = form.cleaned_data
        done = case_hand_over(
            actor=request.user,
            case=case,
            to_stage=d["to_stage"],
            reason=d.get("reason") or "",
            as_of=business_date(case.branch),
            expected_version=d.get("expected_version"),
        )
        return _("Case handed over to %(stage)s.") % {"stage": CaseStage(done.stage).label}

    return _case_step(request, pk, run)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    def run(case: Any) -> str:
        require(request.user, Capability.COLLECTION_ASSIGN)
        form = AssignForm(request.POST, collectors=selectors.assignable_collectors(case))
        if not form.is_valid():
            raise DomainError("invalid_input", _first_error(form))
        assignee = selectors.assignee_get(viewer=request.user, pk=form.cleaned_data["assignee"])
        case_assign(
            actor=request.user,
            case=case,
            assignee=assignee,
            as_of=business_date(case.branch),
            expected_version=form.cleaned_data.get("expected_version"),
        )
        return _("Case assigned to %(name)s.") % {"name": assignee.get_full_name() or assignee.username}

    return _case_step(request, pk, run)


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    def run(case: Any) -> str:
        form = ConsentForm(request.POST)
        if not form.is_valid():
            raise DomainError("invalid_input", _first_error(form))
        consent_record(
            actor=request.user,
            case=case,
            note=form.cleaned_data["note"],
            valid_until=form.cleaned_data["valid_until"],
            as_of=business_date(case.branch),
        )
        return _("The debtor's consent is recorded.")

    return _case_step(request, pk, run)


def _group(request: HttpRequest) -> str:
    group = request.GET.get("group", "")
    return group if group in selectors.GROUPS else "branch"


@login_required
def collection_views(request: HttpRequest) -> HttpResponse:
    """Per CMO, collector or branch: accounts and amounts by bucket, FPD, today's visits, promise-kept rate."""
    group = _group(request)
    as_of = branch_today(request.user)
    view = selectors.collection_view(viewer=request.user, group=group, as_of=as_of)
    return render(request, "collection/views.html", {"view": view, "group": group, "as_of": as_of, "groups": selectors.GROUPS})


@login_required
def collection_views_xlsx(request: HttpRequest) -> HttpResponse:
    """The three views as one Excel workbook."""
    as_of = branch_today(request.user)
    views = [selectors.collection_view(viewer=request.user, group=group, as_of=as_of) for group in selectors.GROUPS]
    response = HttpResponse(views_workbook(views, as_of=as_of), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="penagihan-{as_of.isoformat()}.xlsx"'
    return response
