"""The end-of-day screens (issue 11): Admin sees the runs and starts the next date (on the task queue)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from angsur.errors import DomainError
from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.servicing import eod_selectors
from angsur.servicing.eod_services import eod_start


@login_required
def eod_overview(request: HttpRequest) -> HttpResponse:
    """The runs (date, status, chunks done/total, contracts, duration) and the form that starts the next date."""
    runs = eod_selectors.eod_runs(viewer=request.user)
    rows = [(run, (run.finished_at - run.started_at).total_seconds() if run.finished_at else None) for run in runs]
    context = {"rows": rows, "next_date": eod_selectors.eod_next_date(), "last_closed": eod_selectors.eod_last_closed()}
    return render(request, "servicing/eod_runs.html", context)


@login_required
@require_POST
def eod_start_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.EOD_RUN)  # a 403 page, not a message
    try:
        day = dt.date.fromisoformat(request.POST.get("business_date", "").strip()[:10])
    except ValueError:
        messages.error(request, _("Enter a valid date."))
        return redirect("eod_overview")
    try:
        run = eod_start(actor=request.user, business_date=day, rerun=request.POST.get("rerun") == "on")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("End-of-day of %(date)s started: %(status)s.") % {"date": day, "status": run.get_status_display()})
    return redirect("eod_overview")
