import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from angsur.devdata.factories import make_application, make_credit_config, make_user
from angsur.org.roles import Role
from angsur.origination.services import InformantData, survey_assign, survey_complete, survey_photo_add

AS_OF = dt.date(2026, 11, 2)


def _small_jpeg() -> bytes:
    """A real 32 x 24 JPEG: uploaded images are decoded (pixel limit, re-encoding), a signature alone is refused."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (180, 120, 60)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


JPEG = _small_jpeg()


@pytest.fixture
def credit(products):
    make_credit_config()
    return products


@pytest.fixture
def staff(branch_a):
    return {
        "ms": make_user(Role.MARKETING_SUPERVISOR, branch_a, username="ms.a"),
        "mh": make_user(Role.MARKETING_HEAD, branch_a, username="mh.a"),
        "ca": make_user(Role.CREDIT_ANALYST, branch_a, username="ca.a"),
        "ca2": make_user(Role.CREDIT_ANALYST, branch_a, username="ca2.a"),
        "cca": make_user(Role.CHIEF_CREDIT_ANALYST, branch_a, username="cca.a"),
        "bm": make_user(Role.BRANCH_MANAGER, branch_a, username="bm.x"),
    }


@pytest.fixture
def new_application(credit, cmo_a, dealer_a):
    def factory(**kwargs):
        return make_application(actor=cmo_a, dealer=dealer_a, as_of=AS_OF, **kwargs)

    return factory


def photo(name: str = "rumah.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


SURVEY_DATA = {
    "residence_ownership": "own",
    "residence_months": 48,
    "house_type": "Rumah permanen",
    "house_condition": "Baik",
    "road_access": "Mobil bisa masuk",
    "employer_verified": True,
    "employment_verification": "Telepon HRD PT Maju Jaya",
    "employment_months": 36,
    "dependents": 2,
    "verified_income": Decimal("6000000"),
    "household_income": Decimal("0"),
    "household_expense": Decimal("2000000"),
    "recommendation": "recommend",
    "recommendation_reason": "Rumah sendiri, kerja tetap.",
    "latitude": Decimal("-6.200500"),
    "longitude": Decimal("106.900400"),
}

INFORMANTS = [
    InformantData("Pak RT Slamet", "Ketua RT", True, "Benar tinggal di sini sejak 2022, baik."),
    InformantData("Ibu Wati", "Tetangga", True, "Kenal baik, tidak pernah ada masalah."),
]


@pytest.fixture
def surveyed(new_application, cmo_a):
    """An application through survey, with the CMO's recommendation."""

    def factory(data: dict | None = None, **kwargs):
        app = new_application(**kwargs)
        survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
        survey_photo_add(
            actor=cmo_a,
            survey=survey,
            uploaded=photo(),
            taken_at=timezone.now(),
            latitude=Decimal("-6.2005"),
            longitude=Decimal("106.9004"),
        )
        survey_complete(actor=cmo_a, survey=survey, data={**SURVEY_DATA, **(data or {})}, informants=INFORMANTS)
        app.refresh_from_db()
        return app

    return factory


__all__ = ["AS_OF", "io"]
