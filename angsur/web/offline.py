"""The field screens offline (issue 14): the service worker of our own and the page it answers without signal.

`/sw.js` is served from the app's root so that the worker may control every page (scope `/`); it is a
template only to carry the static files' addresses (hashed in production) and a version derived from them,
so a deployment with new static files installs a new worker and drops the old cache. `/offline/` is the page
the worker answers for a screen that was never opened on this phone: it holds no personal data (it is
cached for whoever uses the phone) and lists, from the worker's cache, the screens that are available.
"""

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

# The shell and the field screens' scripts and styles: cached when the worker installs.
FIELD_STATIC = (
    "angsur/app.css",
    "angsur/outbox.css",
    "angsur/shell.js",
    "angsur/device.js",
    "angsur/outbox.js",
    "angsur/field.js",
    "django_htmx/htmx-2.min.js",
)

# The field screens a worker keeps the last copy of (URL paths as regular expressions, for the worker).
# Only the user's own open work is on them; the copies go at logout, when another user logs in and when
# the session ends (device.js, sw.js).
FIELD_SCREENS = (
    r"^/$",
    r"^/surveys/\d+/$",
    r"^/quotes/new/$",
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
            "assets_json": json.dumps([*assets, reverse("offline")]),
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
