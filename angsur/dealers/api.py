"""API: dealers."""

from django.http import HttpRequest
from ninja import Router, Schema

from angsur.dealers.selectors import dealer_get, dealer_list
from angsur.org.roles import Capability
from angsur.org.scoping import require

router = Router(tags=["dealers"])


class DealerOut(Schema):
    id: int
    code: str
    name: str
    brand: str
    vehicle_kind: str
    branch_id: int
    parent_id: int | None
    city: str
    phone: str
    contact_name: str


@router.get("/dealers", response=list[DealerOut])
def dealers(request: HttpRequest, q: str = "") -> list:
    require(request.auth, Capability.DEALER_VIEW)
    return list(dealer_list(viewer=request.auth, search=q[:100]))


@router.get("/dealers/{dealer_id}", response=DealerOut)
def dealer_detail(request: HttpRequest, dealer_id: int):
    require(request.auth, Capability.DEALER_VIEW)
    return dealer_get(viewer=request.auth, pk=dealer_id)
