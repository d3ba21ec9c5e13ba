"""The origination fixtures (credit configuration, staff, applications through the real services)."""

import io

import pytest
from PIL import Image

import tests.origination.conftest as origination_fixtures
from tests.origination.conftest import credit, new_application, staff, surveyed  # noqa: F401


def real_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (180, 120, 60)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _survey_photos_are_real_images(monkeypatch):
    # Uploaded images are decoded now (pixel limit, re-encoding): a JPEG signature alone is refused.
    monkeypatch.setattr(origination_fixtures, "JPEG", real_jpeg())
