"""The service worker and the offline page (issue 14): served from the app, at root scope, no personal data."""

import json
import re

import pytest
from django.test import Client

from angsur.web.offline import FIELD_SCREENS, FIELD_STATIC

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_at_root_scope_as_javascript(cmo_a):
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    for path in FIELD_STATIC:
        assert f'"/static/{path}"' in script
    assert '"/offline/"' in script
    # the field screens it keeps, and nothing else: no API answer, no document, no photo
    for screen in FIELD_SCREENS:
        assert json.dumps(screen) in script
    assert "/api/" not in script and "/files/" not in script


def test_the_service_worker_version_follows_the_static_files():
    version = re.search(r'var VERSION = "([0-9a-f]{12})"', Client().get("/sw.js").content.decode())
    assert version is not None


def test_the_offline_page_holds_no_personal_data(web, cmo_a):
    page = web(cmo_a).get("/offline/").content.decode()
    assert "Tidak ada sinyal" in page
    assert cmo_a.username not in page and (cmo_a.get_full_name() or "@@") not in page
    assert "data-device-user" not in page


def test_logout_does_not_wipe_the_whole_site_storage(web, cmo_a):
    # device.js deletes the user's own copies; a colleague's unsent work on the same phone must survive
    response = web(cmo_a).post("/logout/")
    assert response.status_code == 302
    assert "Clear-Site-Data" not in response


def test_the_survey_copy_on_the_phone_is_keyed_to_its_user(web, cmo_a, products, dealer_a):
    import datetime as dt

    from django.utils import timezone

    from angsur.devdata.factories import make_application, make_credit_config
    from angsur.origination.services import survey_assign

    make_credit_config()
    app = make_application(actor=cmo_a, dealer=dealer_a, as_of=dt.date.today())
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    page = web(cmo_a).get(f"/surveys/{survey.pk}/").content.decode()
    assert f'data-draft-key="angsur-u{cmo_a.pk}-survey-{survey.pk}"' in page


def test_pages_name_their_user_for_the_phones_copies_and_the_login_page_none(web, cmo_a):
    assert f'data-device-user="{cmo_a.pk}"' in web(cmo_a).get("/").content.decode()
    assert 'data-device-user=""' in Client().get("/login/").content.decode()
