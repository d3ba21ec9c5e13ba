"""The field screens offline (issue 14): the service worker of our own and the page it answers without signal.

`/sw.js` is served from the app's root so that the worker may control every page (scope `/`); it is a
template only to carry the static files' addresses (hashed in production) and a version derived from them,
so a deployment with new static files installs a new worker and drops the old cache. `/offline/` is the page
the worker answers for a screen that was never opened on this phone: it holds no personal data (it is
cached for whoever uses the phone) and lists, from the worker's cache, the screens that are available.

Work not sent yet is kept on the phone encrypted under the user's data key (device.js). `/device/key/`
gives the signed-in user the server's wrapping key for it (derived from SECRET_KEY, never stored), so the
work opens online whatever happened to the password-derived copy; `/device/unlock/` is the screen that
opens it without signal (cached by the worker, no personal data on it).
"""

import base64
import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# The shell and the field screens' scripts and styles: cached when the worker installs.
FIELD_STATIC = (
    "angsur/app.css",
    "angsur/outbox.css",
    "angsur/shell.js",
    "angsur/device.js",
    "angsur/outbox.js",
    "angsur/field.js",
    "collection/collection.js",
    "django_htmx/htmx-2.min.js",
)

# The field screens a worker keeps the last copy of (URL paths as regular expressions, for the worker).
# Only the user's own open work is on them; the copies go at logout, when another user logs in and when
# the session ends (device.js, sw.js).
FIELD_SCREENS = (
    r"^/$",
    r"^/surveys/\d+/$",
    r"^/quotes/new/$",
    r"^/collection/cases/\d+/$",
)

# At most this many field screens are kept on the phone (the oldest goes first).
MAX_CACHED_SCREENS = 40


def _assets_version() -> str:
    """A digest of the cached files' addresses and contents: new files, new worker, fresh cache."""
    return _digest() if settings.DEBUG else _digest_once()


def _digest() -> str:
    digest = hashlib.sha256()
    for path in FIELD_STATIC:
        digest.update(static(path).encode())
        found = finders.find(path)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


_digest_once = functools.cache(_digest)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script, at root scope."""
    assets = [static(path) for path in FIELD_STATIC]
    version = _assets_version()
    response = render(
        request,
        "web/offline_sw.js",
        {
            "assets_json": json.dumps([*assets, reverse("offline"), reverse("device_unlock")]),
            "screens_json": json.dumps(list(FIELD_SCREENS)),
            "version": version,
            "max_screens": MAX_CACHED_SCREENS,
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a screen not kept on this phone: what is available without signal."""
    return render(request, "web/offline.html")


@require_GET
def device_unlock(request: HttpRequest) -> HttpResponse:
    """The unlock screen: username and password open the work kept, encrypted, on this phone (no signal needed)."""
    return render(request, "web/device_unlock.html")


DEVICE_KEY_SALT = "angsur.web.offline.device_key"


def device_wrapping_key(*, user_pk: int, secret: str | bytes | None = None) -> bytes:
    """The server's 256-bit key that wraps a user's data key on their phones: derived, never stored."""
    return salted_hmac(DEVICE_KEY_SALT, f"user:{user_pk}", secret=secret, algorithm="sha256").digest()


@never_cache
@require_GET
def device_key(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own wrapping key, and the ones made with the previous secrets (SECRET_KEY_FALLBACKS)."""
    if not request.user.is_authenticated:
        return JsonResponse({"code": "login_required", "message": _("Log in to open the work kept on this phone.")}, status=401)
    current = device_wrapping_key(user_pk=request.user.pk)
    previous = [device_wrapping_key(user_pk=request.user.pk, secret=old) for old in getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return JsonResponse(
        {
            "user": request.user.pk,
            "key": base64.b64encode(current).decode(),
            "previous": [base64.b64encode(key).decode() for key in previous],
        }
    )
