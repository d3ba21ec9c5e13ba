"""Issue 17 item 7: images are limited in pixels before they are decoded, and stored downscaled once."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from angsur.errors import DomainError
from angsur.origination.services import survey_assign
from angsur.origination.uploads import normalise_image, validate_upload


def jpeg_bytes(size: tuple[int, int] = (32, 24), exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (180, 120, 60))
    image.save(buffer, "JPEG", quality=80, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def png_bomb(side: int = 12_000) -> bytes:
    """A PNG of side × side black pixels: a few KB on disk, side² bytes (and more) once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def test_a_small_png_of_12000_by_12000_pixels_is_refused_before_it_is_decoded():
    bomb = png_bomb()
    assert len(bomb) < 100_000
    with pytest.raises(DomainError) as refused:
        validate_upload(SimpleUploadedFile("rumah.png", bomb, content_type="image/png"), images_only=True)
    assert refused.value.code == "image_too_large"
    assert "40" in refused.value.message


def test_the_pixel_limit_is_configurable(settings):
    settings.ANGSUR_MAX_IMAGE_PIXELS = 32 * 24 - 1
    with pytest.raises(DomainError) as refused:
        validate_upload(SimpleUploadedFile("r.jpg", jpeg_bytes((32, 24))), images_only=True)
    assert refused.value.code == "image_too_large"
    settings.ANGSUR_MAX_IMAGE_PIXELS = 32 * 24
    assert validate_upload(SimpleUploadedFile("r.jpg", jpeg_bytes((32, 24))), images_only=True)[0] == "image/jpeg"


def test_an_image_signature_on_bytes_no_decoder_reads_is_refused():
    with pytest.raises(DomainError) as refused:
        validate_upload(SimpleUploadedFile("r.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200), images_only=True)
    assert refused.value.code == "upload_unreadable"


def test_a_large_photo_is_stored_downscaled_once_as_jpeg_without_its_exif():
    exif = Image.Exif()
    exif[0x010F] = "Kamera HP"  # Make
    exif[0x9003] = "2026:11:02 10:00:00"  # DateTimeOriginal
    stored = normalise_image(SimpleUploadedFile("r.jpg", jpeg_bytes((4000, 3000), exif.tobytes())), "image/jpeg")
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (2048, 1536)
        assert not image.getexif()


def test_a_photo_is_turned_upright_by_its_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    stored = normalise_image(SimpleUploadedFile("r.jpg", jpeg_bytes((40, 20), exif.tobytes())), "image/jpeg")
    with Image.open(stored) as image:
        assert image.size == (20, 40)


def test_a_transparent_png_is_stored_as_a_jpeg_on_white(settings):
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, "PNG")
    stored = normalise_image(SimpleUploadedFile("r.png", buffer.getvalue()), "image/png")
    with Image.open(stored) as image:
        assert image.format == "JPEG" and image.getpixel((5, 5)) == (255, 255, 255)


def test_a_small_photo_keeps_its_size(settings):
    with Image.open(normalise_image(SimpleUploadedFile("r.jpg", jpeg_bytes((640, 480))), "image/jpeg")) as image:
        assert image.size == (640, 480)


def test_the_api_refuses_a_decompression_bomb_as_a_survey_photo(api, new_application, cmo_a):
    app = new_application()
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    upload = SimpleUploadedFile("rumah.png", png_bomb(), content_type="image/png")
    response = api(cmo_a).post(f"/api/surveys/{survey.pk}/photos", {"file": upload, "taken_at": "2026-11-02T10:00:00+07:00"})
    assert response.status_code == 400
    assert response.json()["code"] == "image_too_large"
    assert not survey.photos.exists()
