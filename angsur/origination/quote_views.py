"""Quote screens for the CMO (phone width): price, compare, save for a prospect, follow up; the quote sheet PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from angsur.documents.pdf import render_pdf
from angsur.errors import DomainError
from angsur.org.clock import branch_today
from angsur.org.roles import Capability
from angsur.org.scoping import require, user_can
from angsur.origination.models import SavedQuote
from angsur.origination.quote_forms import FollowUpForm, QuoteForm, SaveQuoteForm
from angsur.origination.quote_selectors import prospect_list, quote_get
from angsur.origination.quote_services import quote_follow_up_set, quote_save
from angsur.products.selectors import pricing_terms_for_code
from angsur.products.services import quote_compare, quote_price


@login_required
@require_http_methods(["GET", "POST"])
def quote_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.QUOTE_CREATE)
    saving = request.method == "POST" and "save" in request.POST
    form_class = SaveQuoteForm if saving else QuoteForm
    # GET parameters pre-fill the form (a repeat order's link: performance.selectors.repeat_quote_params).
    initial = {name: request.GET[name] for name in QuoteForm.base_fields if name in request.GET} if request.method == "GET" else None
    form = form_class(request.POST or None, user=request.user, initial=initial)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            as_of = branch_today(request.user)
            try:
                if saving:
                    saved = quote_save(
                        actor=request.user,
                        product=data["product"],
                        as_of=as_of,
                        otr=data["otr"],
                        down_payment=data["down_payment"],
                        tenor_months=data["tenor_months"],
                        vehicle_year=data["vehicle_year"],
                        vehicle_condition=data["vehicle_condition"],
                        prospect_name=data["prospect_name"],
                        prospect_phone=data["prospect_phone"],
                        vehicle_brand=data["vehicle_brand"],
                        vehicle_model=data["vehicle_model"],
                        dealer=data.get("dealer"),
                    )
                    if request.htmx:
                        return HttpResponseClientRedirect(reverse("quote_detail", args=[saved.pk]))
                    return redirect("quote_detail", pk=saved.pk)
                # Shown, not stored: priced on the cached terms (saving above loads them afresh).
                common = {
                    "terms": pricing_terms_for_code(code=data["product"].code, branch_id=request.user.branch_id, as_of=as_of),
                    "as_of": as_of,
                    "otr": data["otr"],
                    "down_payment": data["down_payment"],
                    "vehicle_year": data["vehicle_year"],
                }
                context["priced"] = quote_price(tenor_months=data["tenor_months"], **common)
                context["comparison"] = quote_compare(**common)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = 400
        else:
            status = 400
    template = "origination/_quote_result.html" if request.htmx else "origination/quote_new.html"
    return render(request, template, context, status=status)


@login_required
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.QUOTE_VIEW)
    return _detail(request, quote_get(viewer=request.user, pk=pk))


@login_required
def quote_list(request: HttpRequest) -> HttpResponse:
    """The viewer's saved quotes as prospects (cards at phone width), the next follow-up first."""
    require(request.user, Capability.QUOTE_VIEW)
    context = {
        "prospects": prospect_list(viewer=request.user),
        "today": branch_today(request.user),
        "can_follow_up": user_can(request.user, Capability.QUOTE_CREATE),
        "can_order": user_can(request.user, Capability.ORDER_CREATE),
        "title": _("My prospects"),
    }
    return render(request, "origination/quote_list.html", context)


@login_required
@require_http_methods(["POST"])
def quote_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a saved quote's follow-up date and note; back to the list (or the quote, when set from there)."""
    require(request.user, Capability.QUOTE_CREATE)
    quote = quote_get(viewer=request.user, pk=pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            quote_follow_up_set(
                actor=request.user,
                quote_id=quote.pk,
                follow_up_on=form.cleaned_data["follow_up_on"],
                note=form.cleaned_data["follow_up_note"],
                today=branch_today(request.user),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Follow-up saved."))
            if request.POST.get("from") == "detail":
                return redirect("quote_detail", pk=quote.pk)
            return redirect(f"{reverse('quote_list')}#prospect-{quote.pk}")
    return _detail(request, quote, follow_up_form=form, status=400)


def _detail(request: HttpRequest, quote: SavedQuote, *, follow_up_form: FollowUpForm | None = None, status: int = 200) -> HttpResponse:
    if follow_up_form is None:
        follow_up_form = FollowUpForm(initial={"follow_up_on": quote.follow_up_on, "follow_up_note": quote.follow_up_note})
    context = {
        "quote": quote,
        "result": quote.result,
        "follow_up_form": follow_up_form,
        "can_follow_up": user_can(request.user, Capability.QUOTE_CREATE),
        "can_order": user_can(request.user, Capability.ORDER_CREATE),
    }
    return render(request, "origination/quote_detail.html", context, status=status)


@login_required
def quote_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.QUOTE_VIEW)
    quote = quote_get(viewer=request.user, pk=pk)
    pdf = render_pdf("origination/quote_sheet.html", {"quote": quote, "result": quote.result, "user": request.user}, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="simulasi-kredit-{quote.pk}.pdf"'
    return response
