"""API: the product catalogue. Quotes (POST /api/quotes prices by product or by explicit terms) are origination's."""

from django.http import HttpRequest
from ninja import Router

from angsur.org.roles import Capability
from angsur.org.scoping import require
from angsur.products.schemas import ProductOut
from angsur.products.selectors import product_list

router = Router(tags=["quotes"])


@router.get("/products", response=list[ProductOut])
def products(request: HttpRequest) -> list:
    require(request.auth, Capability.PRODUCT_VIEW)
    return list(product_list())
