"""Safety net (issue 17): every object type reachable by URL or API × every role × own/other branch, dealer, CMO.

A record outside the viewer's scope answers 403 (the role may not see that kind of record at all) or 404
(it may, but not this one) — never its data, in the API or on a page, in a list or by id. The sweep reads
the routes that take an id from the URL configuration and the OpenAPI document: a new object type
(servicing's contracts, collection's cases) fails `test_every_route_that_takes_an_id_is_swept` until it is
added to ROUTES below, and from then on is swept for every role.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from angsur.devdata.factories import make_application, make_dealer_user, make_user
from angsur.devdata.seed_contracts import booked_contract
from angsur.org.roles import Role
from angsur.org.services import api_token_create
from angsur.origination.models import Condition, Decision
from angsur.origination.quote_services import quote_save
from angsur.origination.services import document_upload, survey_assign, survey_photo_add
from angsur.performance.models import IncentiveRun, IncentiveScheme, IncentiveStatement
from angsur.products.models import Product
from angsur.servicing.imports import payment_import_start
from angsur.servicing.models import UnmatchedPayment
from angsur.servicing.services import disbursement_prepare, payment_post, payment_reverse_request, settlement_quote_create
from tests.conftest import login_client, token_client
from tests.security.conftest import real_jpeg

# Every route that takes an object's id, by object type: (method, path with {id}).
ROUTES: dict[str, list[tuple[str, str]]] = {
    "application": [
        ("get", "/api/applications/{id}"),
        ("get", "/api/applications/{id}/analysis"),
        ("get", "/api/applications/{id}/precheck"),
        ("post", "/api/applications/{id}/submit"),
        ("post", "/api/applications/{id}/cancel"),
        ("post", "/api/applications/{id}/survey-assignment"),
        ("post", "/api/applications/{id}/analysis-start"),
        ("post", "/api/applications/{id}/bureau-checks"),
        ("post", "/api/applications/{id}/obligations"),
        ("post", "/api/applications/{id}/decisions"),
        ("post", "/api/applications/{id}/appeals"),
        ("post", "/api/applications/{id}/accept-conditions"),
        ("post", "/api/applications/{id}/documents"),
        ("get", "/applications/{id}/"),
        ("post", "/applications/{id}/submit/"),
        ("post", "/applications/{id}/cancel/"),
        ("post", "/applications/{id}/assign-survey/"),
        ("post", "/applications/{id}/start-analysis/"),
        ("post", "/applications/{id}/bureau/"),
        ("post", "/applications/{id}/decide/"),
        ("post", "/applications/{id}/appeal/"),
        ("post", "/applications/{id}/accept-conditions/"),
        ("post", "/applications/{id}/documents/"),
        ("get", "/applications/{id}/survey-report.pdf"),
        ("get", "/applications/{id}/credit-memo.pdf"),
        ("get", "/contracts/book/{id}/"),
        ("post", "/contracts/book/{id}/"),
    ],
    "contract": [
        ("get", "/api/contracts/{id}"),
        ("get", "/api/contracts/{id}/days"),  # end-of-day: the daily history
        ("post", "/api/contracts/{id}/payments"),
        ("post", "/api/contracts/{id}/late-fee-waivers"),
        ("post", "/api/contracts/{id}/settlement-quotes"),
        ("get", "/contracts/{id}/"),
        ("get", "/contracts/{id}/statement.pdf"),
        ("post", "/contracts/{id}/pay/"),
        ("post", "/contracts/{id}/waive/"),
        ("post", "/contracts/{id}/settlement-quote/"),
        ("post", "/api/contracts/{id}/disbursement"),
        ("post", "/contracts/{id}/disbursement/"),
        ("post", "/api/contracts/{id}/fiduciary"),
        ("post", "/api/contracts/{id}/bpkb"),
        ("post", "/contracts/{id}/fiduciary/"),
        ("post", "/contracts/{id}/bpkb/"),
        # remedial: warning letters, default evidence, repossession of a contract
        ("post", "/api/contracts/{id}/warning-letters"),
        ("post", "/api/contracts/{id}/default-evidence"),
        ("get", "/api/contracts/{id}/repossession-blockers"),
        ("post", "/api/contracts/{id}/repossessions"),
        ("get", "/remedial/contracts/{id}/"),
        ("post", "/remedial/contracts/{id}/letters/"),
        ("post", "/remedial/contracts/{id}/evidence/"),
        ("post", "/remedial/contracts/{id}/repossession/"),
        ("post", "/performance/repeat-orders/{id}/quote/"),
    ],
    "unmatched": [("post", "/api/unmatched-payments/{id}/match"), ("post", "/payments/unmatched/{id}/match/")],
    "collection_case": [
        ("get", "/api/collection/cases/{id}"),
        ("post", "/api/collection/cases/{id}/contacts"),
        ("post", "/api/collection/cases/{id}/hand-over"),
        ("post", "/api/collection/cases/{id}/assignment"),
        ("post", "/api/collection/cases/{id}/consents"),
        ("get", "/collection/cases/{id}/"),
        ("post", "/collection/cases/{id}/contact/"),
        ("post", "/collection/cases/{id}/hand-over/"),
        ("post", "/collection/cases/{id}/assign/"),
        ("post", "/collection/cases/{id}/consent/"),
    ],
    "field_receipt": [("get", "/api/field-receipts/{id}"), ("get", "/field-cash/receipts/{id}/receipt.pdf")],
    "cash_deposit": [("get", "/api/cash-deposits/{id}")],
    "warning_letter": [
        ("get", "/api/warning-letters/{id}"),
        ("post", "/api/warning-letters/{id}/send"),
        ("post", "/api/warning-letters/{id}/cancel"),
        ("post", "/remedial/letters/{id}/send/"),
        ("post", "/remedial/letters/{id}/cancel/"),
        ("get", "/remedial/letters/{id}/letter.pdf"),
    ],
    "repossession": [
        ("get", "/api/repossessions/{id}"),
        ("post", "/api/repossessions/{id}/secure"),
        ("post", "/api/repossessions/{id}/finish"),
        ("post", "/remedial/repossessions/{id}/secure/"),
        ("post", "/remedial/repossessions/{id}/finish/"),
        ("get", "/remedial/repossessions/{id}/report.pdf"),
    ],
    "payment_import": [("get", "/api/payment-imports/{id}"), ("get", "/payments/imports/{id}/")],
    "disbursement": [
        ("get", "/api/disbursements/{id}"),
        ("post", "/api/disbursements/{id}/release"),
        ("post", "/api/disbursements/{id}/paid"),
        ("post", "/disbursements/{id}/release/"),
        ("post", "/disbursements/{id}/paid/"),
        ("get", "/disbursements/{id}/po.pdf"),
    ],
    "payment": [
        ("post", "/api/payments/{id}/reversal"),
        ("post", "/payments/{id}/reverse/"),
        ("get", "/payments/{id}/receipt.pdf"),
    ],
    "reversal": [("post", "/api/reversals/{id}/decision"), ("post", "/reversals/{id}/decide/")],
    "settlement_quote": [
        ("get", "/api/settlement-quotes/{id}"),
        ("post", "/api/settlement-quotes/{id}/execute"),
        ("post", "/settlement-quotes/{id}/execute/"),
        ("get", "/settlement-quotes/{id}/pdf/"),
    ],
    # {application} is the condition's own application (the sweep fills it in): the condition is out of scope with it.
    "condition": [
        ("post", "/api/applications/{application}/conditions/{id}"),
        ("post", "/applications/{application}/conditions/{id}/"),
    ],
    "document": [("get", "/files/documents/{id}/")],
    "survey_photo": [("get", "/files/survey-photos/{id}/")],
    "survey": [
        ("get", "/api/surveys/{id}/draft"),
        ("put", "/api/surveys/{id}/draft"),
        ("post", "/api/surveys/{id}/photos"),
        ("post", "/api/surveys/{id}/complete"),
        ("get", "/surveys/{id}/"),
        ("post", "/surveys/{id}/draft/"),
        ("post", "/surveys/{id}/photos/"),
    ],
    "quote": [
        ("get", "/api/quotes/{id}"),
        ("post", "/api/quotes/{id}/follow-up"),
        ("get", "/quotes/{id}/"),
        ("get", "/quotes/{id}/pdf/"),
        ("post", "/quotes/{id}/follow-up/"),
    ],
    "dealer": [
        ("get", "/api/dealers/{id}"),
        ("get", "/dealers/{id}/"),
        ("get", "/api/performance/dealers/{id}/scorecard"),
        ("get", "/performance/dealers/{id}/"),
        ("get", "/performance/dealers/{id}/scorecard.xlsx"),
        # the dealer report (issue 12): the scorecard's readers, a dealer user only its own
        ("get", "/api/performance/dealers/{id}/report.pdf"),
        ("get", "/api/performance/dealers/{id}/report.xlsx"),
        ("get", "/performance/dealers/{id}/report.pdf"),
        ("get", "/performance/dealers/{id}/report.xlsx"),
    ],
    "incentive_statement": [
        ("get", "/api/performance/incentive-statements/{id}"),
        ("post", "/api/performance/incentive-statements/{id}/decision"),
        ("get", "/performance/incentives/statements/{id}/"),
        ("get", "/performance/incentives/statements/{id}/statement.pdf"),
        ("post", "/performance/incentives/statements/{id}/decide/"),
    ],
    "branch": [
        ("get", "/api/branches/{id}"),
        # the monthly branch report (issue 12): performance viewers of the branch, head office any
        ("get", "/api/performance/branches/{id}/report.pdf"),
        ("get", "/api/performance/branches/{id}/report.xlsx"),
        ("get", "/performance/branches/{id}/report.pdf"),
        ("get", "/performance/branches/{id}/report.xlsx"),
    ],
    "token": [("delete", "/api/auth/tokens/{id}")],
    "user": [("post", "/api/users/{id}/unlock"), ("get", "/api/performance/cmos/{id}"), ("get", "/performance/cmos/{id}/")],
}
# Lists, and the key of each row's id: a record out of scope must not be in them.
LISTS = {
    "application": "/api/applications",
    "quote": "/api/quotes",
    "dealer": "/api/dealers",
    "branch": "/api/branches",
    "contract": "/api/contracts",
    "disbursement": "/api/disbursements",
    "collection_case": "/api/collection/cases",
    "field_receipt": "/api/field-receipts",
    "cash_deposit": "/api/cash-deposits",
    "warning_letter": "/api/warning-letters",
    "repossession": "/api/repossessions",
}
# Routes that take an id but are no object's: the admin (/config/, head office, audited) is its own screen.
NOT_OBJECTS = re.compile(r"^/config/")

SERVICING = ["contract", "payment", "reversal", "settlement_quote", "disbursement", "unmatched", "payment_import"]
ROLES_IN_BRANCH = [r for r in Role.values if r not in {Role.HO_ADMIN, Role.DEALER}]


@dataclass
class Records:
    """One of each object type, made through the real services, all owned by `owner` at `dealer`."""

    ids: dict[str, int]
    markers: list[str]  # text that only this record's data would show


def _incentive_statement(*, owner, branch):
    """A CMO's incentive statement of the month (rows made directly: the run needs a month of bookings)."""
    scheme, _created = IncentiveScheme.objects.get_or_create(effective_from=dt.date(2026, 1, 1), defaults={"created_by": owner})
    run = IncentiveRun.objects.create(branch=branch, month=dt.date(2026, 11, 1), scheme=scheme, created_by=owner)
    return IncentiveStatement.objects.create(run=run, branch=branch, cmo=owner, month=run.month, total_sen=123_456_00)


def _remedial_records(*, owner, dealer, branch, cashier, admin, tag: str) -> tuple[dict[str, int], list[str]]:
    """On a contract of its own (its collection case assigned to the collector): a field receipt and its deposit,
    a sent SP1, the certificate and a court order, a repossession task."""
    from datetime import timedelta

    from angsur.collection.models import CollectionCase
    from angsur.remedial.services import (
        booklet_assign,
        default_evidence_record,
        deposit_receive,
        receipt_issue,
        repossession_create,
        warning_letter_create,
        warning_letter_send,
    )
    from angsur.servicing.services import fiduciary_record

    contract = booked_contract(cmo=owner, dealer=dealer, signing_date=timezone.localdate(), admin=admin)
    day = contract.signing_date
    collector = make_user(Role.COLLECTOR, branch, username=f"sweep.coll.{tag}")
    case = CollectionCase.objects.create(
        contract=contract, branch=branch, cmo=owner, stage="field", assignee=collector, business_date=day, opened_on=day
    )
    remedial = make_user(Role.REMEDIAL, branch, username=f"sweep.rem.{tag}")
    manager = make_user(Role.BRANCH_MANAGER, branch, username=f"sweep.bm.{tag}")
    first = 1 if tag == "A" else 101
    booklet_assign(actor=manager, collector=collector, first_number=first, last_number=first + 9, as_of=day)
    receipt = receipt_issue(actor=collector, contract=contract, number=first, amount=Decimal(1000), as_of=day)
    deposit = deposit_receive(actor=cashier, collector=collector, receipt_ids=[receipt.pk], counted=Decimal(1000), as_of=day)
    late = contract.first_due_date + timedelta(days=10)
    letter = warning_letter_create(actor=remedial, contract=contract, level=1, as_of=late)
    warning_letter_send(actor=remedial, letter=letter, sent_on=late, channel="hand", as_of=late)
    fiduciary_record(
        actor=admin, contract=contract, deed_number="S", deed_date=day, certificate_number=f"W-{tag}", registered_on=day, as_of=day
    )
    default_evidence_record(actor=remedial, contract=contract, kind="court_order", dated=late, document=f"PN-{tag}", as_of=late)
    task = repossession_create(actor=remedial, contract=contract, officer=remedial, as_of=late)
    ids = {"field_receipt": receipt.pk, "cash_deposit": deposit.pk, "warning_letter": letter.pk, "repossession": task.pk}
    ids["collection_case"] = case.pk
    return ids, [contract.number, letter.number, task.number]


def _records(*, owner, dealer, branch, tag: str) -> Records:
    app = make_application(actor=owner, dealer=dealer)
    document = document_upload(actor=owner, application=app, kind="ektp", uploaded=SimpleUploadedFile("k.jpg", real_jpeg()))
    survey = survey_assign(actor=owner, application=app, surveyor=owner, scheduled_for=timezone.now())
    upload = SimpleUploadedFile("r.jpg", real_jpeg())
    photo = survey_photo_add(actor=owner, survey=survey, uploaded=upload, taken_at=timezone.now(), latitude=None, longitude=None)
    quote = quote_save(
        actor=owner,
        product=Product.objects.get(code="NMC"),
        as_of=timezone.localdate(),
        otr=Decimal("23400000"),
        down_payment=Decimal("4700000"),
        tenor_months=24,
        vehicle_year=timezone.localdate().year,
        vehicle_condition="new",
        prospect_name=f"Prospek {tag}",
        dealer=dealer,
    )
    token, _raw = api_token_create(user=owner)
    contract = booked_contract(cmo=owner, dealer=dealer, signing_date=timezone.localdate())
    fo = make_user(Role.FRONT_OFFICE, branch, username=f"sweep.fo.{tag}")
    day = contract.signing_date
    paid = payment_post(actor=fo, contract=contract, amount=Decimal(1000), channel="counter", value_date=day, as_of=day)
    reversal = payment_reverse_request(actor=fo, payment=paid, reason="Sweep")
    settlement = settlement_quote_create(actor=fo, contract=contract, as_of=day)
    statement = f"date,amount,reference,account\n{day.isoformat()},1000,SWEEP-{tag},000{tag}\n".encode()
    payment_import = payment_import_start(actor=fo, content=statement, name="sweep.csv", bank="SWEEP", as_of=day)
    unmatched = UnmatchedPayment.objects.get(reference=f"SWEEP-{tag}")
    admin = make_user(Role.ADMIN, branch, username=f"sweep.adm.{tag}")
    disbursement = disbursement_prepare(actor=admin, contract=contract)
    remedial, remedial_markers = _remedial_records(owner=owner, dealer=dealer, branch=branch, cashier=fo, admin=admin, tag=tag)
    # A condition of an approval (rows made directly: reaching a conditional approval takes the whole flow).
    decision = Decision.objects.create(
        application=app, decided_by=owner, role="credit_analyst", level=1, outcome="approve_conditions", rationale="Syarat"
    )
    condition = Condition.objects.create(application=app, decision=decision, kind="guarantor", detail=f"Penjamin {tag}")
    statement = _incentive_statement(owner=owner, branch=branch)
    return Records(
        ids={
            "application": app.pk,
            "condition": condition.pk,
            "document": document.pk,
            "survey_photo": photo.pk,
            "survey": survey.pk,
            "quote": quote.pk,
            "dealer": dealer.pk,
            "branch": branch.pk,
            "token": token.pk,
            "user": owner.pk,
            "contract": contract.pk,
            "payment": paid.pk,
            "reversal": reversal.pk,
            "settlement_quote": settlement.pk,
            "disbursement": disbursement.pk,
            "unmatched": unmatched.pk,
            **remedial,
            "payment_import": payment_import.pk,
            "incentive_statement": statement.pk,
        },
        markers=[app.number, f"Prospek {tag}", dealer.name, f"Penjamin {tag}", contract.number, *remedial_markers],
    )


@pytest.fixture
def world(credit, branch_a, branch_b, cmo_a, cmo_b, dealer_a, dealer_a2, dealer_b):
    """Branch A (the viewers' branch) and branch B, each with an owner CMO's records at a dealer."""
    return {
        "own_branch": _records(owner=cmo_a, dealer=dealer_a, branch=branch_a, tag="A"),
        "other_branch": _records(owner=cmo_b, dealer=dealer_b, branch=branch_b, tag="B"),
        "branch_a": branch_a,
        "dealer_a2": dealer_a2,
    }


# A valid body for each API write, so that the call gets past input validation to the scope check.
BODIES: dict[str, dict] = {
    "cancel": {"reason": "Beli tunai"},
    "survey-assignment": {"surveyor_id": 1, "scheduled_for": "2026-11-03T10:00:00+07:00"},
    "bureau-checks": {"enquiry_date": "2026-11-02", "consent_given": True},
    "decisions": {"outcome": "approve", "rationale": "Layak"},
    "appeals": {"argument": "Mohon ditinjau"},
    "obligations": {"obligations": [{"lender": "Bank", "monthly_installment": "100000"}], "reason": "SLIK"},
    "payments": {"amount": "1000"},
    "reversal": {"reason": "Sweep"},
    "decision": {"approve": True},
    "late-fee-waivers": {"amount": "1000", "reason": "Sweep"},
    "paid": {"bank_reference": "Sweep"},
    "fiduciary": {"deed_number": "Sweep", "deed_date": "2026-11-02"},
    "bpkb": {"action": "borrow", "note": "Sweep"},
    "match": {"contract_id": 1},
    "contacts": {"channel": "call", "result_code": "no_answer"},
    "hand-over": {"to_stage": "remedial", "reason": "Sweep"},
    "assignment": {"assignee_id": 1},
    "consents": {"note": "Sweep", "valid_until": "2026-12-31"},
    "warning-letters": {"level": 1},
    "default-evidence": {"kind": "court_order", "dated": "2026-11-02", "document": "Sweep"},
    "repossessions": {"officer_id": 1},
    "send": {"channel": "hand"},
    "secure": {"place": "Sweep", "condition": "Sweep"},
    "finish": {"action": "cancel", "note": "Sweep"},
}
BODIES_BY_PATTERN = [(re.compile(r"/conditions/\d+$"), {"resolution": "fulfilled", "note": "Sudah"})]


def _call(client: Client, method: str, path: str) -> Any:
    if method == "get":
        return client.get(path)
    if not path.startswith("/api/"):
        return client.post(path, {})
    action = path.rstrip("/").rsplit("/", 1)[-1]
    if action in {"documents", "photos"}:
        upload = SimpleUploadedFile("k.jpg", real_jpeg())
        return client.post(path, {"kind": "ektp", "file": upload, "taken_at": "2026-11-02T10:00:00+07:00"})
    body = next((b for pattern, b in BODIES_BY_PATTERN if pattern.search(path)), BODIES.get(action, {}))
    return getattr(client, method)(path, body, content_type="application/json")


def _refusals(viewer, records: Records, object_types: list[str]) -> list[str]:
    """Every route of these object types, called by the viewer on these records: what was not refused."""
    leaks = []
    clients = {"api": token_client(viewer), "web": login_client(viewer)}
    for object_type in object_types:
        for method, template in ROUTES[object_type]:
            path = template.format(id=records.ids[object_type], application=records.ids["application"])
            response = _call(clients["api" if path.startswith("/api/") else "web"], method, path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            shown = [m for m in records.markers if m.encode() in body]
            if response.status_code not in {403, 404} or shown:
                leaks.append(f"{viewer.role} {method.upper()} {path} -> {response.status_code} {shown}")
    for object_type, path in LISTS.items():
        if object_type not in object_types:
            continue
        response = clients["api"].get(path)
        if response.status_code == 200 and records.ids[object_type] in {row["id"] for row in response.json()}:
            leaks.append(f"{viewer.role} GET {path} lists {object_type} {records.ids[object_type]}")
    return leaks


@pytest.mark.parametrize("role", ROLES_IN_BRANCH + [Role.DEALER])
def test_nothing_of_another_branch_reaches_any_role(world, role, dealer_a):
    if role == Role.DEALER:
        viewer = make_dealer_user(dealer_a, username="sweep.dealer")
    else:
        viewer = make_user(role, world["branch_a"], username=f"sweep.{role}")
    object_types = [t for t in ROUTES if t != "user" or role != Role.HO_ADMIN]
    assert _refusals(viewer, world["other_branch"], object_types) == []


@pytest.mark.parametrize("role", [Role.CMO, Role.DEALER])
def test_nothing_of_another_cmo_or_dealer_in_the_branch_reaches_them(world, role):
    """A CMO sees only their own orders and quotes; a dealer only its own dealer's."""
    if role == Role.DEALER:
        viewer = make_dealer_user(world["dealer_a2"], username="sweep.dealer.a2")
        object_types = [
            "application",
            "condition",
            "document",
            "survey_photo",
            "survey",
            "quote",
            "dealer",
            "token",
            "user",
            "incentive_statement",
        ]
    else:
        viewer = make_user(Role.CMO, world["branch_a"], username="sweep.cmo2")
        object_types = ["application", "condition", "document", "survey_photo", "survey", "quote", "token", "user", "incentive_statement"]
        object_types.append("collection_case")
    assert _refusals(viewer, world["own_branch"], object_types) == []


def test_another_users_token_is_out_of_reach_even_for_head_office(world, head_office):
    viewer = make_user(Role.HO_ADMIN, None, username="sweep.ho")
    for records in (world["own_branch"], world["other_branch"]):
        response = token_client(viewer).delete(f"/api/auth/tokens/{records.ids['token']}")
        assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.BRANCH_MANAGER, Role.CMO])
def test_the_audit_trail_of_another_branch_is_never_listed(world, role):
    viewer = make_user(role, world["branch_a"], username=f"sweep.audit.{role}")
    other_app = world["other_branch"].ids["application"]
    response = token_client(viewer).get("/api/audit-events", {"object_id": str(other_app), "object_type": "origination.application"})
    assert response.status_code == 403 or response.json() == []
    page = login_client(viewer).get("/audit/", {"object_id": str(other_app)})
    assert page.status_code == 403 or world["other_branch"].markers[0].encode() not in page.content


def test_in_scope_records_are_reached_so_the_sweep_is_not_vacuous(world, cmo_a, bm_a, head_office):
    """The owner, their branch manager and head office do see the records (a 404 for all would pass the sweep)."""
    own, other = world["own_branch"], world["other_branch"]
    assert token_client(cmo_a).get(f"/api/applications/{own.ids['application']}").status_code == 200
    assert token_client(cmo_a).get(f"/api/collection/cases/{own.ids['collection_case']}").status_code == 200
    assert token_client(bm_a).get(f"/api/collection/cases/{own.ids['collection_case']}").status_code == 200
    assert login_client(cmo_a).get(f"/files/survey-photos/{own.ids['survey_photo']}/").status_code == 200
    assert token_client(bm_a).get(f"/api/quotes/{own.ids['quote']}").status_code == 200
    assert login_client(bm_a).get(f"/files/documents/{own.ids['document']}/").status_code == 200
    assert token_client(bm_a).get(f"/api/warning-letters/{own.ids['warning_letter']}").status_code == 200
    assert token_client(bm_a).get(f"/api/field-receipts/{own.ids['field_receipt']}").status_code == 200
    assert login_client(bm_a).get(f"/remedial/repossessions/{own.ids['repossession']}/report.pdf").status_code == 200
    head = make_user(Role.HO_ADMIN, None, username="sweep.ho.reach")
    assert token_client(head).get(f"/api/dealers/{other.ids['dealer']}").status_code == 200


def _django_routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<int:" in route:
                found.add("/" + re.sub(r"<int:\w+>", "{id}", route.lstrip("^").rstrip("$")))

    walk(get_resolver().url_patterns, "")
    return {r for r in found if not r.startswith("/api/") and not NOT_OBJECTS.match(r)}


def test_every_route_that_takes_an_id_is_swept(db):
    document = Client().get("/api/openapi.json").json()
    api_routes = {
        (method, re.sub(r"{\w+}", "{id}", path)) for path, operations in document["paths"].items() for method in operations if "{" in path
    }
    swept = {(method, re.sub(r"{\w+}", "{id}", path)) for routes in ROUTES.values() for method, path in routes}
    assert api_routes - swept == set(), "add these API routes to ROUTES"
    assert _django_routes() - {path for _method, path in swept} == set(), "add these pages to ROUTES"
