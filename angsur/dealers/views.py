"""Dealer screens (scoped to the viewer's branch, or a dealer user's own dealer)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from angsur.dealers.selectors import dealer_get, dealer_list
from angsur.org.roles import Capability
from angsur.org.scoping import require


@login_required
def dealer_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.DEALER_VIEW)
    search = request.GET.get("q", "")[:100]
    return render(request, "dealers/list.html", {"dealers": dealer_list(viewer=request.user, search=search), "q": search})


@login_required
def dealer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.DEALER_VIEW)
    return render(request, "dealers/detail.html", {"dealer": dealer_get(viewer=request.user, pk=pk)})
