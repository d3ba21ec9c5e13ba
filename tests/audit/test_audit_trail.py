"""The audit trail: written in the change's transaction, never changed afterwards."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from angsur.audit.models import AuditEvent, AuditImmutableError
from angsur.audit.services import AuditOutsideTransactionError, audit_record
from angsur.dealers.models import Dealer
from angsur.dealers.services import dealer_create
from angsur.devdata.factories import DEMO_PASSWORD


class Boom(Exception):
    pass


def test_event_is_written_in_the_same_transaction_as_the_change(branch_a, bm_a):
    # given a dealer created through its service
    dealer = dealer_create(actor=bm_a, branch=branch_a, code="D-1", name="Honda Satu", brand="Honda", vehicle_kind="motorcycle")
    # then exactly one event records it, with actor, role, branch and the after-image
    event = AuditEvent.objects.get(action="dealer.create", object_id=str(dealer.pk))
    assert event.actor == bm_a
    assert event.actor_role == "branch_manager"
    assert event.branch == branch_a
    assert event.after["name"] == "Honda Satu"


def test_no_event_when_the_change_rolls_back(branch_a, bm_a):
    before = AuditEvent.objects.count()
    with pytest.raises(Boom), transaction.atomic():
        dealer_create(actor=bm_a, branch=branch_a, code="D-2", name="Rolled back", brand="Honda", vehicle_kind="motorcycle")
        raise Boom
    assert not Dealer.objects.filter(code="D-2").exists()
    assert AuditEvent.objects.count() == before


def test_audit_record_refuses_to_run_outside_a_transaction(transactional_db, branch_a):
    assert not connection.in_atomic_block
    with pytest.raises(AuditOutsideTransactionError):
        audit_record(actor=None, action="x.y", object_type="t", object_id="1")


def test_events_cannot_be_updated_or_deleted_through_the_orm(branch_a, bm_a):
    dealer_create(actor=bm_a, branch=branch_a, code="D-3", name="Honda Tiga", brand="Honda", vehicle_kind="motorcycle")
    event = AuditEvent.objects.latest("id")
    event.action = "tampered"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "dealer.create"


def test_database_trigger_refuses_raw_update(branch_a, bm_a):
    dealer_create(actor=bm_a, branch=branch_a, code="D-4", name="Honda Empat", brand="Honda", vehicle_kind="motorcycle")
    event = AuditEvent.objects.latest("id")
    with pytest.raises(Exception, match="append-only") as info, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["tampered", event.pk])
    assert not isinstance(info.value, IntegrityError) or "append-only" in str(info.value)
    assert AuditEvent.objects.get(pk=event.pk).action == "dealer.create"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger exists on PostgreSQL only (see migration 0003)")
def test_database_trigger_refuses_raw_delete_on_postgresql(branch_a, bm_a):
    dealer_create(actor=bm_a, branch=branch_a, code="D-5", name="Honda Lima", brand="Honda", vehicle_kind="motorcycle")
    event = AuditEvent.objects.latest("id")
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def _token_request(user, request_id: str):
    return Client().post(
        "/api/auth/token",
        {"username": user.username, "password": DEMO_PASSWORD},
        content_type="application/json",
        headers={"X-Request-ID": request_id},
    )


def test_request_id_is_generated_by_the_server_and_the_clients_is_kept_apart(cmo_a):
    # given a caller that sends its own correlation id, when it changes something (a token is issued)
    response = _token_request(cmo_a, "req-12345678")
    # then the trail and the answer carry the server's id, and the caller's is kept beside it
    event = AuditEvent.objects.filter(action="auth.token_create", actor=cmo_a).latest("id")
    assert event.request_id == response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", event.request_id)
    assert event.client_request_id == "req-12345678"


def test_a_client_cannot_give_two_requests_the_same_request_id(web, cmo_a):
    client = web(cmo_a)
    first = client.get("/", headers={"X-Request-ID": "same-id-123"})
    second = client.get("/", headers={"X-Request-ID": "same-id-123"})
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize("sent", ["x" * 65, "a b<script>", "id\twith\ttabs", "é-unicode-id"])
def test_an_overlong_or_odd_client_request_id_is_not_stored(cmo_a, sent):
    _token_request(cmo_a, sent)
    event = AuditEvent.objects.filter(action="auth.token_create", actor=cmo_a).latest("id")
    assert event.client_request_id == ""
    assert len(event.request_id) == 32


def test_branch_manager_filters_the_audit_screen_and_sees_only_their_branch(web, bm_a, branch_a, branch_b, cmo_b):
    dealer_create(actor=bm_a, branch=branch_a, code="D-6", name="Honda Enam", brand="Honda", vehicle_kind="motorcycle")
    dealer_create(actor=None, branch=branch_b, code="D-7", name="Honda Makassar Tujuh", brand="Honda", vehicle_kind="motorcycle")
    client = web(bm_a)
    page = client.get("/audit/", {"object_type": "dealers.dealer"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Honda Enam" in body
    assert "Honda Makassar Tujuh" not in body
    by_actor = client.get("/audit/", {"actor": "nobody"}).content.decode()
    assert "Honda Enam" not in by_actor


def test_audit_screen_refuses_a_cmo(web, cmo_a):
    response = web(cmo_a).get("/audit/")
    assert response.status_code == 403


def test_audit_screen_rejects_reversed_dates_with_a_message(web, bm_a):
    response = web(bm_a).get("/audit/", {"date_from": "2026-11-20", "date_to": "2026-11-01"})
    assert response.status_code == 400
    assert "sebelum" in response.content.decode() or "before" in response.content.decode()


def test_head_office_sees_every_branch_via_api(api, ho_admin, branch_a, branch_b):
    dealer_create(actor=None, branch=branch_a, code="D-8", name="A8", brand="Honda", vehicle_kind="motorcycle")
    dealer_create(actor=None, branch=branch_b, code="D-9", name="B9", brand="Honda", vehicle_kind="motorcycle")
    rows = api(ho_admin).get("/api/audit-events", {"action": "dealer.create"}).json()
    assert {r["object_repr"][:2] for r in rows} >= {"A8", "B9"}


def test_admin_change_is_audited_with_before_and_after(web, ho_admin, branch_a):
    client = web(ho_admin)
    response = client.post(
        f"/config/org/branch/{branch_a.pk}/change/",
        {
            "company": branch_a.company_id,
            "code": "JKT",
            "name": "Jakarta Timur Baru",
            "time_zone": "Asia/Jakarta",
            "is_active": "on",
            "address": "",
            "phone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(action="config.branch_change").latest("id")
    assert event.before["name"] == "Jakarta Timur"
    assert event.after["name"] == "Jakarta Timur Baru"
    assert event.actor == ho_admin


def test_admin_offers_no_change_or_delete_of_audit_events(web, ho_admin, branch_a, bm_a):
    dealer_create(actor=bm_a, branch=branch_a, code="D-10", name="X", brand="Honda", vehicle_kind="motorcycle")
    event = AuditEvent.objects.latest("id")
    client = web(ho_admin)
    assert client.post(f"/config/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/config/audit/auditevent/add/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
