"""The dealer portal follows its order (issue 15, item 12): survey date, CMO, timeline, conditions, documents.

Before: the dealer's page showed the status and, for a decision, why; the dealer could not attach the
customer's documents, nor see when the survey was, who the CMO was, or what happened when.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from angsur.origination.models import Document
from angsur.origination.services import survey_assign

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def test_the_dealer_sees_the_cmo_the_survey_date_and_the_timeline(new_application, cmo_a, dealer_user_a, web, api):
    app = new_application(documents=False)
    visit = timezone.now().replace(microsecond=0)
    survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=visit)

    page = web(dealer_user_a).get(f"/applications/{app.pk}/").content.decode()
    assert cmo_a.get_full_name() in page.split('data-testid="dealer-cmo"', 1)[1].split("</dd>", 1)[0]
    assert 'data-testid="dealer-survey-date"' in page and 'data-testid="dealer-timeline"' in page

    notice = api(dealer_user_a).get(f"/api/applications/{app.pk}").json()["notice"]
    assert [step["event"] for step in notice["timeline"]] == ["created", "submitted", "survey_scheduled"]
    times = [step["at"] for step in notice["timeline"]]
    assert times == sorted(times)
    assert notice["survey_scheduled_for"] is not None and notice["cmo_name"]


def test_the_dealer_attaches_a_document_from_the_portal(new_application, dealer_user_a, web):
    app = new_application(documents=False)
    client = web(dealer_user_a)
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'data-testid="dealer-upload"' in page

    response = client.post(
        f"/applications/{app.pk}/documents/", {"kind": "ektp", "file": SimpleUploadedFile("ktp.pdf", PDF, content_type="application/pdf")}
    )
    assert response.status_code == 302
    assert list(Document.objects.filter(application=app).values_list("kind", "uploaded_by")) == [("ektp", dealer_user_a.pk)]
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert "e-KTP" in page.split('data-testid="dealer-documents"', 1)[1].split("</ul>", 1)[0]
