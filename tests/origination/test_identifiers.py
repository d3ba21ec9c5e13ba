"""Identifiers are stored in one normalised form at every edge (issue 17 item 2).

A NIK typed in full-width (or another script's) digits used to be stored as typed: the negative list,
the duplicate check and the NIK search compare stored text, so they missed it while the masked NIK
looked normal. Now the form, the API and the service store ASCII digits only, and refuse what does
not normalise.
"""

import datetime as dt
from dataclasses import replace

import pytest

from angsur.devdata.factories import nik_for, party_data
from angsur.errors import DomainError
from angsur.origination.models import Application, FlagKind, NegativeListEntry, Party
from angsur.origination.selectors import application_search
from tests.origination.test_api import order as api_order
from tests.origination.test_api import post
from tests.origination.test_views import order as form_order

NIK = nik_for(dt.date(1990, 1, 12))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
KK = "3175091201000001"


def test_full_width_nik_through_the_service_is_stored_as_ascii_and_hits_the_negative_list(new_application, cmo_a):
    # given a NIK on the negative list, and an order typing it in full-width digits
    NegativeListEntry.objects.create(nik=NIK, reason="Penipuan 2024")
    applicant = replace(party_data(), nik=NIK.translate(FULL_WIDTH), kk_number=KK.translate(ARABIC_INDIC))

    # when the order is created
    app = new_application(applicant=applicant)

    # then the stored NIK, KK and the denormalised NIK are ASCII, and the negative list flags it
    party = Party.objects.get(application=app, role="applicant")
    assert (party.nik, party.kk_number, app.applicant_nik) == (NIK, KK, NIK)
    assert app.flags.filter(kind=FlagKind.NEGATIVE_NIK).exists()
    # and the search by NIK (typed either way) finds it
    assert list(application_search(viewer=cmo_a, query=NIK)) == [app]
    assert list(application_search(viewer=cmo_a, query=NIK.translate(FULL_WIDTH))) == [app]


def test_full_width_nik_is_a_duplicate_of_the_ascii_one(new_application):
    first = new_application()
    second = new_application(applicant=replace(party_data(), nik=NIK.translate(FULL_WIDTH)))
    assert second.flags.filter(kind=FlagKind.DUPLICATE_NIK, other_application=first).exists()


def test_frame_number_is_normalised_and_a_look_alike_is_refused(new_application):
    first = new_application(frame_number="mh1-jm8119 lk123456")
    assert first.frame_number == "MH1JM8119LK123456"
    second = new_application(frame_number="ＭＨ１ＪＭ８１１９ＬＫ１２３４５６")
    assert second.flags.filter(kind=FlagKind.DUPLICATE_FRAME, other_application=first).exists()
    with pytest.raises(DomainError) as info:
        new_application(frame_number="МН1JM8119LK123456")  # Cyrillic М and Н
    assert (info.value.code, info.value.field) == ("vehicle_number_format", "vehicle.frame_number")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"nik": "317509120190000\u200b1"}, "nik_format", "applicant.nik"),
        ({"kk_number": "31750912010000O1"}, "kk_format", "applicant.kk_number"),
        ({"phone_alt": "0812-CALL-7890"}, "phone_invalid", "applicant.phone_alt"),
    ],
)
def test_identifiers_that_do_not_normalise_are_refused_naming_the_field(new_application, change, code, field):
    with pytest.raises(DomainError) as info:
        new_application(applicant=replace(party_data(), **change))
    assert (info.value.code, info.value.field) == (code, field)
    assert Application.objects.count() == 0


def test_api_stores_the_normalised_nik_and_refuses_what_does_not_normalise(api, credit, cmo_a, dealer_a):
    client = api(cmo_a)
    NegativeListEntry.objects.create(nik=NIK, reason="Penipuan 2024")

    created = post(client, "/api/applications", api_order(dealer_a, applicant={"nik": NIK.translate(FULL_WIDTH)}))
    refused = post(client, "/api/applications", api_order(dealer_a, applicant={"nik": NIK[:8] + "\u200b" + NIK[8:]}))

    assert created.status_code == 201, created.content
    assert created.json()["parties"][0]["nik"] == NIK
    assert Application.objects.get().flags.filter(kind=FlagKind.NEGATIVE_NIK).exists()
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("nik_format", "applicant.nik")
    found = client.get("/api/applications", {"q": NIK.translate(FULL_WIDTH)}).json()
    assert [row["id"] for row in found] == [created.json()["id"]]


def test_form_stores_the_normalised_nik_and_shows_a_refusal_at_the_field(web, credit, cmo_a, dealer_a):
    client = web(cmo_a)

    created = client.post("/applications/new/", form_order(dealer_a, **{"applicant-nik": NIK.translate(FULL_WIDTH)}))
    refused = client.post("/applications/new/", form_order(dealer_a, **{"applicant-nik": "3175091201９0000\u200b1"}))

    assert created.status_code == 302, created.content.decode()[:2000]
    assert Application.objects.get().applicant_nik == NIK
    assert refused.status_code == 400
    assert 'data-testid="error-applicant-nik"' in refused.content.decode()
    assert Application.objects.count() == 1


def test_negative_list_entry_is_normalised_when_saved_through_its_form(db):
    entry = NegativeListEntry(nik=NIK.translate(FULL_WIDTH), phone="0812-3456-7890", frame_number="mh1 jm", reason="x")
    entry.full_clean()
    assert (entry.nik, entry.phone, entry.frame_number) == (NIK, "+6281234567890", "MH1JM")


def test_identifiers_stored_before_are_normalised_by_the_migration(new_application):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("angsur.origination.migrations.0005_normalise_stored_identifiers")
    app = new_application()
    Application.objects.filter(pk=app.pk).update(applicant_nik=NIK.translate(FULL_WIDTH), frame_number="mh1 jm")
    Party.objects.filter(application=app).update(nik=NIK.translate(FULL_WIDTH))
    entry = NegativeListEntry.objects.create(nik=NIK.translate(ARABIC_INDIC), phone="0812-3456-7890", reason="x")
    unusable = NegativeListEntry.objects.create(nik="31750912019000\u200b1", reason="y")

    migration.forwards(apps, None)

    app.refresh_from_db()
    entry.refresh_from_db()
    unusable.refresh_from_db()
    assert (app.applicant_nik, app.frame_number, Party.objects.get(application=app).nik) == (NIK, "MH1JM", NIK)
    assert (entry.nik, entry.phone) == (NIK, "+6281234567890")
    assert unusable.nik == "31750912019000\u200b1"  # left as typed: it does not normalise
