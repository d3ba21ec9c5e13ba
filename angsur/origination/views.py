"""Origination screens: order form, application page (per role), mobile survey, analysis and decision, files.

Views only parse input, call one service or selector, and render; a refused step comes back as a
message on the page it was tried from (DomainError → translated text), never a 500.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from angsur.errors import DomainError, NotFound
from angsur.formatting import format_rupiah
from angsur.org.clock import branch_today
from angsur.org.roles import Capability, Role
from angsur.org.scoping import require, user_can
from angsur.origination import selectors, services
from angsur.origination.files import attachment_response, download_name
from angsur.origination.forms import (
    AppealForm,
    ApplicantForm,
    ApplicationForm,
    BureauForm,
    CancelForm,
    ConditionResolveForm,
    DecisionForm,
    DocumentForm,
    OptionalPartyForm,
    PhotoForm,
    SurveyAssignForm,
    SurveyForm,
)
from angsur.origination.models import Application, Survey, SurveyStatus
from angsur.origination.quote_selectors import quote_get
from angsur.origination.selectors import (
    application_analysis,
    application_get,
    application_search,
    dealer_notice,
    missing_documents,
    parties_by_role,
    service_levels,
)
from angsur.origination.visibility import Part, sees, visibility
from angsur.origination.workflow import OPEN_STATES, Status, allowed_actions
from angsur.scoring import mask_nik, mask_phone


def _error_to_form(form: Any, error: DomainError, party_forms: dict[str, Any] | None = None) -> None:
    """Put a service's refusal next to the field it names (or at the top of the form)."""
    field = error.field or ""
    prefix, _dot, name = field.partition(".")
    if party_forms and prefix in party_forms and name in party_forms[prefix].fields:
        party_forms[prefix].add_error(name, error.message)
    elif field in form.fields:
        form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.APPLICATION_VIEW)
    query = request.GET.get("q", "")[:100].strip()
    status = request.GET.get("status", "")
    if query:
        rows = list(application_search(viewer=request.user, query=query))
    else:
        rows = selectors.application_list(viewer=request.user, status=status)
    for app in rows:
        app.masked_nik, app.masked_phone = mask_nik(app.applicant_nik), mask_phone(app.applicant_phone)
    context = {"rows": rows, "q": query, "status": status, "statuses": Status.choices}
    # Analysts, admin and the branch manager read the list; only the roles that take orders may start one.
    context["can_order"] = user_can(request.user, Capability.ORDER_CREATE)
    return render(request, "origination/list.html", context)


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.ORDER_CREATE)
    user = request.user
    initial: dict[str, Any] = {"vehicle_year": branch_today(user).year, "vehicle_condition": "new", "tenor_months": 12}
    if request.method == "GET" and request.GET.get("quote"):
        quote = quote_get(viewer=user, pk=request.GET["quote"])
        initial.update(
            product=quote.product.code,
            dealer=quote.dealer_id,
            vehicle_brand=quote.vehicle_brand,
            vehicle_model=quote.vehicle_model,
            vehicle_year=quote.vehicle_year,
            vehicle_condition=quote.vehicle_condition,
            otr=int(quote.otr),
            down_payment=int(quote.down_payment),
            tenor_months=quote.tenor_months,
        )
        party_initial = {"full_name": quote.prospect_name, "phone": quote.prospect_phone}
    else:
        party_initial = {}
    if user.role == Role.DEALER and getattr(user, "dealer_link", None):
        initial["dealer"] = user.dealer_link.dealer_id
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, user=user, initial=initial)
    parties = {
        "applicant": ApplicantForm(data, prefix="applicant", initial=party_initial),
        "spouse": OptionalPartyForm(data, prefix="spouse"),
        "guarantor": OptionalPartyForm(data, prefix="guarantor"),
    }
    status = 200
    if request.method == "POST":
        if form.is_valid() and all(p.is_valid() for p in parties.values()):
            d = form.cleaned_data
            try:
                app = services.application_create(
                    actor=user,
                    dealer=d["dealer"],
                    product=d["product"],
                    as_of=branch_today(user),
                    vehicle=form.vehicle(),
                    otr=d["otr"],
                    down_payment=d["down_payment"],
                    tenor_months=d["tenor_months"],
                    applicant=parties["applicant"].to_data(),
                    household=form.household(),
                    spouse=parties["spouse"].to_data(),
                    guarantor=parties["guarantor"].to_data(),
                    submit="submit" in request.POST,
                    idempotency_key=d["idempotency_key"],  # a double tap on the phone saves one order
                )
            except DomainError as error:
                _error_to_form(form, error, parties)
            else:
                messages.success(request, _("Order %(number)s saved.") % {"number": app.number})
                return redirect("application_detail", pk=app.pk)
        status = 400
    return render(request, "origination/new.html", {"form": form, "parties": parties}, status=status)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    app = application_get(viewer=user, pk=pk)
    if user.role == Role.DEALER:
        context = {
            "app": app,
            "notice": dealer_notice(app),
            "document_form": DocumentForm(),
            # documents can be attached until the order is booked, rejected or cancelled (services.document_upload)
            "can_attach": app.status in {*OPEN_STATES, Status.APPROVED},
        }
        return render(request, "origination/dealer_detail.html", context)
    return render(request, "origination/detail.html", _detail_context(request, app))


def _detail_context(request: HttpRequest, app: Application, **forms: Any) -> dict[str, Any]:
    user = request.user
    as_of = branch_today(user)
    can_decide = user_can(user, Capability.CREDIT_DECIDE)
    # The analysis carries bureau data: deciders only (origination/visibility.py), as in the API and the memo.
    analysis = application_analysis(app, as_of=as_of) if sees(user, Part.ANALYSIS) else None
    # The CMO's own check of the order (the analysis without the bureau), for staff who do not see the analysis.
    precheck = selectors.application_precheck(app, as_of=as_of) if analysis is None and sees(user, Part.PRECHECK) else None
    offers = []
    if (
        can_decide
        and analysis is not None
        and analysis.income > 0
        and app.status in {Status.IN_ANALYSIS, Status.ESCALATED, Status.APPEALED}
    ):
        offers = selectors.analysis_counter_offers(app, analysis, as_of=as_of)
    parts = selectors.application_detail_parts(app)
    parts["trail"] = selectors.decision_trail(parts["decisions"], parts["appeals"])
    version = {"version": app.version}
    return {
        "app": app,
        "parties": parties_by_role(app),
        **parts,
        "analysis": analysis,
        "precheck": precheck,
        "sees": visibility(user),
        "missing_documents": analysis.missing_documents if analysis is not None else missing_documents(app),
        "offers": offers,
        "sla": service_levels(app),
        "notice": dealer_notice(app),
        "actions": allowed_actions(app, user),
        "can_decide": can_decide,
        "can_order": user_can(user, Capability.ORDER_CREATE),
        "can_resolve_conditions": user_can(user, Capability.ORDER_CREATE) or can_decide,
        # servicing books it (its page shows what still blocks it); origination only links to it by URL name
        "can_book": app.status == Status.APPROVED and user_can(user, Capability.CONTRACT_BOOK),
        "assign_form": forms.get("assign_form")
        or SurveyAssignForm(
            surveyors=selectors.surveyors_for(app),
            initial={"surveyor": app.cmo_id, "scheduled_for": timezone.localtime().replace(minute=0, second=0) + dt.timedelta(hours=1)},
        ),
        "document_form": forms.get("document_form") or DocumentForm(),
        "bureau_form": forms.get("bureau_form") or BureauForm(initial={"enquiry_date": as_of}),
        "decision_form": forms.get("decision_form") or DecisionForm(initial=version),
        "appeal_form": forms.get("appeal_form") or AppealForm(initial=version),
        "cancel_form": forms.get("cancel_form") or CancelForm(initial=version),
    }


def _step(handler: Callable[[HttpRequest, Application], str | None]) -> Callable[..., HttpResponse]:
    """A POST step on an application: run the service, report the outcome, go back to the application."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        app = application_get(viewer=request.user, pk=pk)
        try:
            done = handler(request, app)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("application_detail", pk=app.pk)
        if done:
            messages.success(request, done)
        return redirect("application_detail", pk=app.pk)

    view.__name__ = handler.__name__
    return view


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


def _invalid(form: Any) -> DomainError:
    first = next(iter(form.errors.items()))
    label = form.fields[first[0]].label if first[0] in form.fields else ""
    return DomainError("invalid_input", f"{label}: {first[1][0]}" if label else first[1][0])


@_step
def step_submit(request: HttpRequest, app: Application) -> str:
    services.application_submit(actor=request.user, application=app, expected_version=_version(request))
    return _("Submitted for survey and analysis.")


@_step
def step_cancel(request: HttpRequest, app: Application) -> str:
    form = CancelForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    services.application_cancel(
        actor=request.user, application=app, reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]
    )
    return _("Order cancelled.")


@_step
def step_assign_survey(request: HttpRequest, app: Application) -> str:
    form = SurveyAssignForm(request.POST, surveyors=selectors.surveyors_for(app))
    if not form.is_valid():
        raise _invalid(form)
    services.survey_assign(
        actor=request.user,
        application=app,
        surveyor=form.cleaned_data["surveyor"],
        scheduled_for=form.cleaned_data["scheduled_for"],
        expected_version=_version(request),
    )
    return _("Survey assigned.")


@_step
def step_start_analysis(request: HttpRequest, app: Application) -> str:
    services.analysis_start(actor=request.user, application=app, expected_version=_version(request))
    return _("Analysis started.")


@_step
def step_bureau(request: HttpRequest, app: Application) -> str:
    form = BureauForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    d = form.cleaned_data
    services.bureau_check_record(
        actor=request.user,
        application=app,
        enquiry_date=d["enquiry_date"],
        consent_given=d["consent_given"],
        worst_collectibility=d["worst_collectibility"],
        outstanding=d.get("outstanding") or Decimal(0),
        note=d["note"],
        as_of=branch_today(request.user),
    )
    return _("SLIK result recorded.")


@login_required
@require_POST
def step_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision; a refused one comes back on the page with everything the decider typed, the reason on top."""
    app = application_get(viewer=request.user, pk=pk)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        d = form.cleaned_data
        decision = services.decision_record(
            actor=request.user,
            application=app,
            outcome=d["outcome"],
            reason_codes=d["reason_codes"],
            rationale=d["rationale"],
            as_of=branch_today(request.user),
            counter_offer_kind=d["counter_offer_kind"] or None,
            counter_offer_tenor=d["counter_offer_tenor"],
            conditions=form.conditions(),
            reasons_override=d["reasons_override"],
            documents_override=d["documents_override"],
            expected_version=d["version"],
        )
    except DomainError as error:
        if not form.errors:
            _error_to_form(form, error)
        app = application_get(viewer=request.user, pk=pk)
        return render(request, "origination/detail.html", _detail_context(request, app, decision_form=form), status=400)
    messages.success(request, _("Decision recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display()})
    return redirect("application_detail", pk=app.pk)


@login_required
@require_POST
def step_condition_resolve(request: HttpRequest, pk: int, condition_id: int) -> HttpResponse:
    """Mark a condition of the approval fulfilled or waived."""
    condition = selectors.condition_get(viewer=request.user, application_id=pk, pk=condition_id)
    form = ConditionResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise _invalid(form)
        resolved = services.condition_resolve(
            actor=request.user, condition=condition, resolution=form.cleaned_data["resolution"], note=form.cleaned_data["note"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        labels = {"condition": resolved.get_kind_display(), "status": resolved.get_status_display()}
        messages.success(request, _("Condition “%(condition)s”: %(status)s.") % labels)
    return redirect("application_detail", pk=pk)


@_step
def step_appeal(request: HttpRequest, app: Application) -> str:
    form = AppealForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    services.appeal_file(
        actor=request.user, application=app, argument=form.cleaned_data["argument"], expected_version=form.cleaned_data["version"]
    )
    return _("Appeal filed; it goes to the next level.")


@_step
def step_accept_conditions(request: HttpRequest, app: Application) -> str:
    services.conditions_accept(actor=request.user, application=app, as_of=branch_today(request.user), expected_version=_version(request))
    return _("Counter-offer accepted: the application is approved on the new terms.")


@_step
def step_upload_document(request: HttpRequest, app: Application) -> str:
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise _invalid(form)
    services.document_upload(actor=request.user, application=app, kind=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"])
    return _("Document uploaded.")


def _survey_for_viewer(request: HttpRequest, pk: int) -> Survey:
    return selectors.survey_get(viewer=request.user, pk=pk)


def _from_outbox(request: HttpRequest) -> bool:
    """A send from the device's outbox (outbox.js): it is answered in JSON, which the outbox shows."""
    return request.headers.get("X-Angsur-Outbox") == "1"


def _outbox_key(request: HttpRequest, form_key: str | None) -> str:
    return (form_key or request.headers.get("Idempotency-Key") or "").strip()[:64]


def _outbox_error(error: DomainError) -> JsonResponse:
    return JsonResponse(error.as_dict(), status=error.status)


def _outbox_invalid(form: Any) -> JsonResponse:
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return JsonResponse({"code": "invalid", "message": _("Check the fields marked."), "errors": errors}, status=400)


def _outbox_survey_gone() -> JsonResponse:
    # A survey reassigned meanwhile is deleted (its draft and photos kept in the audit trail): the device
    # learns that what it holds can no longer be sent, and shows it instead of dropping it.
    message = _(
        "This survey is no longer assigned to you (reassigned or removed). What you typed stays on this phone; call your supervisor."
    )
    return JsonResponse({"code": "survey_gone", "message": message}, status=410)


def _survey_or_gone(request: HttpRequest, pk: int) -> Survey | JsonResponse:
    try:
        return _survey_for_viewer(request, pk)
    except NotFound:
        if _from_outbox(request):
            return _outbox_survey_gone()
        raise


def _show_declared(form: Any, app: Application) -> None:
    """Beside each figure the surveyor verifies, what the order declared (issue 15, item 5: one income model)."""
    spouse = parties_by_role(app).get("spouse")
    spouse_income = spouse.monthly_income if spouse else Decimal(0)
    declared = {
        "verified_income": _("Declared on the order: %(amount)s") % {"amount": format_rupiah(app.declared_income)},
        "household_income": _("Declared on the order: spouse %(spouse)s, other %(other)s")
        % {"spouse": format_rupiah(spouse_income), "other": format_rupiah(app.declared_other_income)},
        "household_expense": _("Declared on the order: %(amount)s") % {"amount": format_rupiah(app.household_expense)},
        "dependents": _("Declared on the order: %(count)s") % {"count": app.dependents},
    }
    for name, text in declared.items():
        if name in form.fields:
            form.fields[name].help_text = text


@login_required
def survey_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The mobile survey form: saved as you go, photos with GPS and time, completed with a recommendation.

    field.js sends the completed form through the device's outbox (X-Angsur-Outbox: 1, with its
    idempotency key in `submit_key`): that send is answered in JSON; a plain form post (no JavaScript)
    gets the page as before.
    """
    require(request.user, Capability.SURVEY_DO)
    survey = _survey_or_gone(request, pk)
    if isinstance(survey, JsonResponse):
        return survey
    app = survey.application
    status = 200
    if request.method == "POST":
        form = SurveyForm(request.POST)
        outbox = _from_outbox(request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                done = services.survey_complete(
                    actor=request.user,
                    survey=survey,
                    data=form.values(),
                    informants=form.informants(),
                    expected_version=_version(request),
                    submit_key=_outbox_key(request, d.get("submit_key")),
                    gps_taken_at=d.get("gps_taken_at"),
                    device_captured_at=d.get("device_captured_at"),
                )
            except DomainError as error:
                if outbox:
                    return _outbox_error(error)
                _error_to_form(form, error)
            else:
                message = _("Survey completed and sent to the credit analyst.")
                messages.success(request, message)
                if outbox:
                    return JsonResponse(
                        {
                            "status": "accepted",
                            "replayed": done.replayed,
                            "message": message,
                            "url": reverse("application_detail", args=[app.pk]),
                            "received_at": done.received_at.isoformat() if done.received_at else None,
                        }
                    )
                return redirect("application_detail", pk=app.pk)
        elif outbox:
            return _outbox_invalid(form)
        status = 400
    else:
        form = SurveyForm(
            initial={
                **{
                    "residence_ownership": app.residence_ownership,
                    "residence_months": app.residence_months,
                    "dependents": app.dependents,
                    "verified_income": int(app.declared_income),
                },
                **survey.draft,
            }
        )
    _show_declared(form, app)
    return render(
        request,
        "origination/survey.html",
        {
            "survey": survey,
            "app": app,
            "form": form,
            "photo_form": PhotoForm(),
            "photos": list(survey.photos.all()),
            "parties": parties_by_role(app),
            "editable": survey.surveyor_id == request.user.pk and survey.status != SurveyStatus.COMPLETED,
        },
        status=status,
    )


@login_required
@require_POST
def survey_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave endpoint of the survey form (htmx, on every change)."""
    survey = _survey_for_viewer(request, pk)
    try:
        services.survey_save_draft(actor=request.user, survey=survey, data=request.POST.dict())
    except DomainError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return HttpResponse(_("Draft saved at %(time)s") % {"time": timezone.localtime().strftime("%H:%M:%S")})


@login_required
@require_POST
def survey_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A survey photo with its GPS position and time; from the outbox (JSON answer) or a plain form post."""
    survey = _survey_or_gone(request, pk)
    if isinstance(survey, JsonResponse):
        return survey
    outbox = _from_outbox(request)
    form = PhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            if outbox:
                return _outbox_invalid(form)
            raise _invalid(form)
        d = form.cleaned_data
        photo = services.survey_photo_add(
            actor=request.user,
            survey=survey,
            uploaded=d["file"],
            taken_at=d.get("taken_at") or timezone.now(),
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            caption=d.get("caption", ""),
            client_key=_outbox_key(request, d.get("client_key")),
        )
        if outbox:
            body = {"status": "accepted", "replayed": photo.replayed, "id": photo.pk, "url": reverse("photo_file", args=[photo.pk])}
            return JsonResponse(body, status=200 if photo.replayed else 201)
        messages.success(request, _("Photo saved."))
    except DomainError as error:
        if outbox:
            return _outbox_error(error)
        messages.error(request, error.message)
    return redirect("survey_form", pk=survey.pk)


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a document only to users who may see its application (files live outside the web root)."""
    document = selectors.document_get(viewer=request.user, pk=pk)
    filename = download_name(document.original_name, document.content_type, default_stem=document.kind)
    return attachment_response(document.file, content_type=document.content_type, filename=filename)


@login_required
def photo_file(request: HttpRequest, pk: int) -> FileResponse:
    photo = selectors.survey_photo_get(viewer=request.user, pk=pk)
    filename = download_name("", photo.content_type, default_stem=f"foto-{photo.pk}")
    return attachment_response(photo.file, content_type=photo.content_type, filename=filename)


@login_required
def survey_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from angsur.origination.documents import survey_report_pdf as render_report

    if request.user.role == Role.DEALER:
        raise NotFound("not_found", _("The record was not found or is outside your branch."))
    app = application_get(viewer=request.user, pk=pk)
    response = HttpResponse(render_report(app, viewer=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-survei-{app.number}.pdf"'
    return response


@login_required
def credit_memo_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from angsur.origination.documents import credit_memo_pdf as render_memo

    require(request.user, Capability.CREDIT_DECIDE)
    app = application_get(viewer=request.user, pk=pk)
    response = HttpResponse(render_memo(app, viewer=request.user, as_of=branch_today(request.user)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="memo-analisa-kredit-{app.number}.pdf"'
    return response
