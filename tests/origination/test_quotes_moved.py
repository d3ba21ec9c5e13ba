"""Saved quotes and the credit-policy tables moved from products to origination (issue 9): what must survive
the move — the rate card a saved quote was priced on stays frozen, the audit trail written under the former
names stays findable, and the content types (admin history, permissions) follow the models."""

import importlib
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from angsur.audit.selectors import audit_event_list
from angsur.audit.services import audit_record
from angsur.org.clock import branch_today
from angsur.origination.quote_services import quote_save
from angsur.products.admin import rate_card_in_use
from angsur.products.selectors import rate_card_in_force

move = importlib.import_module("angsur.origination.migrations.0013_move_quotes_and_policies")


def test_a_rate_card_that_priced_a_saved_quote_is_frozen(cmo_a, products):
    product = products["OJK17"]
    card = rate_card_in_force(product=product, branch_id=cmo_a.branch_id, as_of=branch_today(cmo_a))
    assert not rate_card_in_use(card)

    quote_save(
        actor=cmo_a,
        product=product,
        as_of=branch_today(cmo_a),
        otr=Decimal("15000000"),
        down_payment=Decimal("3000000"),
        tenor_months=12,
        vehicle_year=2026,
        vehicle_condition="new",
        prospect_name="Budi",
    )

    assert rate_card_in_use(card)


def test_the_audit_filter_on_the_new_name_finds_events_written_under_the_former(bm_a):
    with transaction.atomic():
        audit_record(actor=bm_a, action="quote.save", object_type="products.savedquote", object_id="7", object_repr="before the move")
        audit_record(actor=bm_a, action="quote.follow_up", object_type="origination.savedquote", object_id="7", object_repr="after")
        audit_record(actor=bm_a, action="policy.change", object_type="origination.creditpolicy", object_id="1", object_repr="other")

    found = audit_event_list(viewer=bm_a, object_type="origination.savedquote", object_id="7")

    assert sorted(e.object_repr for e in found) == ["after", "before the move"]
    # the former name alone still finds only what was written under it
    assert [e.object_repr for e in audit_event_list(viewer=bm_a, object_type="products.savedquote")] == ["before the move"]


class _Editor:
    connection = connection


def test_the_content_types_follow_the_moved_models(db):
    # Given a database migrated before the move: the content types are the products' ones
    ContentType.objects.filter(app_label="origination", model__in=move.MOVED).delete()
    old = {m: ContentType.objects.create(app_label="products", model=m).pk for m in move.MOVED}

    move.content_types_to_origination(apps, _Editor())

    # the same rows (their ids are what admin history and permissions point at) now name origination
    moved = dict(ContentType.objects.filter(model__in=move.MOVED).values_list("model", "pk"))
    assert moved == old
    assert set(ContentType.objects.filter(pk__in=old.values()).values_list("app_label", flat=True)) == {"origination"}

    move.content_types_to_products(apps, _Editor())
    assert set(ContentType.objects.filter(pk__in=old.values()).values_list("app_label", flat=True)) == {"products"}


def test_an_existing_content_type_of_origination_is_kept_not_duplicated(db):
    ContentType.objects.filter(model="savedquote").delete()
    current = ContentType.objects.create(app_label="origination", model="savedquote")
    stale = ContentType.objects.create(app_label="products", model="savedquote")

    move.content_types_to_origination(apps, _Editor())

    assert ContentType.objects.get(pk=current.pk).app_label == "origination"
    assert ContentType.objects.get(pk=stale.pk).app_label == "products"
