"""Validate uploaded files at the edge: images (JPEG, PNG, WebP) and PDF only, size-limited, by content not name.

Images are also limited in pixels, read from their header before anything is decoded (a 17.6 KB PNG can
declare 12,000 × 12,000 pixels and take over 1.1 GB to decode), and are stored re-encoded and downscaled
once (`normalise_image`): what is kept and later rendered (survey report PDF) is a bounded JPEG that the
app wrote itself, whatever else the uploaded file carried.
"""

import hashlib
import io
import warnings
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from angsur.errors import DomainError

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)

# The format Pillow must find for each sniffed type: a JPEG signature on a file Pillow reads as
# something else is refused, not decoded as that something else.
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}

# Extension of a stored file, from its real (sniffed or re-encoded) type, never from the client's name.
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}

JPEG_QUALITY = 85


def sniff_content_type(head: bytes) -> str | None:
    """The real type of a file from its first bytes (None when not allowed)."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _image_too_large() -> DomainError:
    megapixels = settings.ANGSUR_MAX_IMAGE_PIXELS / 1_000_000
    return DomainError(
        "image_too_large",
        _("The image has too many pixels (at most %(megapixels)s megapixels).") % {"megapixels": f"{megapixels:g}"},
        field="file",
    )


def _image_unreadable() -> DomainError:
    return DomainError("upload_unreadable", _("The image could not be read; take or choose the photo again."), field="file")


def _open_image(uploaded: Any, content_type: str) -> Image.Image:
    """Open an image lazily (header only) and check its pixel count against ANGSUR_MAX_IMAGE_PIXELS."""
    uploaded.seek(0)
    # A copy (the upload is at most ANGSUR_MAX_UPLOAD_BYTES): closing the image must not close the upload.
    data = io.BytesIO(uploaded.read())
    uploaded.seek(0)
    try:
        # Pillow's own bomb guard warns, then raises at twice its limit: ours is checked below from the
        # header, so its warning is only noise and its error one more way of saying "too large".
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(data, formats=[PILLOW_FORMATS[content_type]])
    except Image.DecompressionBombError as error:
        raise _image_too_large() from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise _image_unreadable() from error
    width, height = image.size
    if width < 1 or height < 1:
        raise _image_unreadable()
    if width * height > settings.ANGSUR_MAX_IMAGE_PIXELS:
        image.close()
        raise _image_too_large()
    return image


def validate_upload(uploaded: Any, *, images_only: bool = False) -> tuple[str, int, str]:
    """Check size, type and (images) pixel count; return (content_type, size, sha256). Raises DomainError."""
    limit = settings.ANGSUR_MAX_UPLOAD_BYTES
    size = getattr(uploaded, "size", None) or 0
    if size == 0:
        raise DomainError("upload_empty", _("The file is empty."), field="file")
    if size > limit:
        raise DomainError("upload_too_large", _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, field="file")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None or (images_only and not content_type.startswith("image/")):
        allowed = _("JPEG, PNG or WebP images") if images_only else _("JPEG, PNG or WebP images, or PDF")
        raise DomainError("upload_type", _("Only %(allowed)s are accepted.") % {"allowed": allowed}, field="file")
    if content_type in PILLOW_FORMATS:
        _open_image(uploaded, content_type).close()
        uploaded.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return content_type, size, digest.hexdigest()


def normalise_image(uploaded: Any, content_type: str) -> ContentFile:
    """Return the image re-encoded as JPEG, upright, its longest side at most ANGSUR_IMAGE_MAX_SIDE.

    Done once, when the file is stored. Metadata is dropped: the app takes a photo's GPS position and
    time from the form fields the survey screen sends, never from EXIF, and the applicant's location in a
    document's EXIF is nobody's business. Transparency is flattened on white. Only the first frame of an
    animated image is kept. The file is named by its type (`.jpg`); the storage layer names it further.
    """
    max_side = settings.ANGSUR_IMAGE_MAX_SIDE
    with _open_image(uploaded, content_type) as image:
        try:
            # JPEG: decode at a reduced scale straight away (1/2, 1/4, 1/8) when the image is large.
            image.draft("RGB", (max_side, max_side))
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            if image.mode in {"RGBA", "LA", "P", "PA"}:
                image = image.convert("RGBA")
                flattened = Image.new("RGB", image.size, (255, 255, 255))
                flattened.paste(image, mask=image.getchannel("A"))
                image = flattened
            elif image.mode != "RGB":
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise _image_unreadable() from error
    uploaded.seek(0)
    return ContentFile(out.getvalue(), name="image.jpg")
