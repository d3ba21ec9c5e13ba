"""The product catalogue. The quote screens live in origination (a quote is the start of an order)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.products.selectors import product_list as select_products


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.PRODUCT_VIEW)
    products = select_products(with_rate_cards=True)
    return render(request, "products/product_list.html", {"products": products, "title": _("Products")})
