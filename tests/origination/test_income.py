"""One model of the household's income (issue 15, item 5).

Before: the order form asked the applicant's income twice (on the applicant and as "declared income"),
the two could differ, and before the survey the analysis counted no household income at all: a
spouse's salary typed on the order showed nowhere ("household income" was the applicant's alone).
"""

from decimal import Decimal

import pytest

from angsur.origination.models import Application
from angsur.origination.selectors import application_analysis
from tests.origination.conftest import AS_OF
from tests.origination.test_api import order as api_order
from tests.origination.test_api import post

pytestmark = pytest.mark.django_db

SPOUSE = {
    "full_name": "Sri Lestari",
    "nik": "3175095201920001",
    "birth_place": "Jakarta",
    "birth_date": "1992-01-12",
    "sex": "F",
    "marital_status": "married",
    "phone": "0813-2222-3333",
    "ktp_address": "Jl. Pemuda No. 10, Rawamangun, Jakarta Timur",
    "monthly_income": "2000000",
}


def test_the_household_income_before_the_survey_is_the_spouses_and_the_others_as_declared(api, credit, cmo_a, dealer_a, staff, web):
    body = api_order(dealer_a, household={"declared_income": None, "other_income": "500000"}, spouse=SPOUSE)
    response = post(api(cmo_a), "/api/applications", body)
    assert response.status_code == 201, response.content
    app = Application.objects.get(pk=response.json()["id"])

    assert app.declared_income == Decimal("6000000") == app.parties.get(role="applicant").monthly_income
    assert response.json()["household"]["declared_other_income"] == "500000"

    analysis = application_analysis(app, as_of=AS_OF)
    assert analysis.income == Decimal("6000000")
    assert analysis.household_income == Decimal("2500000")  # spouse 2,000,000 + other 500,000
    assert analysis.dsr_household_ratio is not None and analysis.dsr_household_ratio < analysis.dsr_ratio

    page = web(cmo_a).get(f"/applications/{app.pk}/").content.decode()
    assert "Rp2.000.000" in page and "Rp500.000" in page and 'data-testid="household-income"' in page


def test_the_income_given_once_in_the_old_field_is_the_applicants(api, credit, cmo_a, dealer_a):
    body = api_order(dealer_a, applicant={"monthly_income": "0"}, household={"declared_income": "4500000"})
    response = post(api(cmo_a), "/api/applications", body)
    assert response.status_code == 201, response.content
    app = Application.objects.get(pk=response.json()["id"])
    assert app.declared_income == Decimal("4500000") == app.parties.get(role="applicant").monthly_income


def test_the_survey_shows_what_the_order_declared_beside_each_figure_to_verify(api, credit, cmo_a, dealer_a, web):
    from angsur.origination.services import survey_assign

    body = api_order(dealer_a, household={"declared_income": None, "other_income": "500000"}, spouse=SPOUSE)
    app = Application.objects.get(pk=post(api(cmo_a), "/api/applications", body).json()["id"])
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=app.created_at)

    page = web(cmo_a).get(f"/surveys/{survey.pk}/").content.decode()
    declared_income = page.split('data-testid="declared-verified_income"', 1)[1].split("</small>", 1)[0]
    declared_household = page.split('data-testid="declared-household_income"', 1)[1].split("</small>", 1)[0]
    assert "Rp6.000.000" in declared_income
    assert "Rp2.000.000" in declared_household and "Rp500.000" in declared_household
