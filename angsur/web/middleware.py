"""Middleware of the web shell: domain errors as pages, input refused at the edge, security headers."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from angsur.errors import DomainError


class DomainErrorMiddleware:
    """Turn a DomainError that escapes an HTML view into a translated error page (never a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return render(
                request,
                "web/error.html",
                {"title": exception.message, "message": exception.message, "code": exception.code},
                status=exception.status,
            )
        return None


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if request.method != "POST" or request.content_type not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        return False
    # Form fields; a file's content may hold any byte, and Django cleans uploaded files' names.
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.POST.lists())


class RefuseNulMiddleware:
    """Answer 400 to a NUL character in the path, the query string or a form field.

    PostgreSQL refuses NUL in text, so any such input that reached a query or an insert was a 500; no
    field of angsur means one. JSON bodies are checked where the API decodes them (angsur/api.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("Text may not contain NUL characters.")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid_input", "message": message}, status=400)
            return render(request, "web/error.html", {"title": _("Bad request"), "message": message, "code": "invalid_input"}, status=400)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Permissions-Policy per page, and no caching of anything the app answers.

    Field staff share phones: no page, API answer, document or PDF (all of them personal data, or
    behind a login) may stay in the browser's cache. Static files are answered by WhiteNoise before this
    middleware and keep their long cache. Camera and GPS are allowed only on the pages that use them
    (ANGSUR_SENSOR_PAGES: URL name → features); every other page denies them, and every feature the app
    never uses is denied everywhere. The Content-Security-Policy is Django's (SECURE_CSP).
    """

    FEATURES = ("camera", "geolocation", "microphone", "payment", "usb", "serial", "midi", "display-capture")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policies: dict[str | None, str] = {
            name: self._policy(frozenset(features)) for name, features in settings.ANGSUR_SENSOR_PAGES.items()
        }
        self.default_policy = self._policy(frozenset())

    @classmethod
    def _policy(cls, allowed: frozenset[str]) -> str:
        return ", ".join(f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in cls.FEATURES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        response.headers.setdefault("Permissions-Policy", self.policies.get(match.url_name if match else None, self.default_policy))
        patch_cache_control(response, no_store=True)
        return response


class IndonesianFirstMiddleware:
    """Answer pages in Bahasa Indonesia unless the person chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language: a phone set to English would
    get English pages nobody chose. angsur's default is Indonesian (LANGUAGE_CODE); a choice made with
    the switch is kept in the language cookie and wins. Place it just before LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # An API client's Accept-Language is a deliberate request (a dealer's system asking for English).
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person's pages in their own chosen language (``User.language``).

    The language cookie belongs to the browser; a shared phone would hand the last user's choice to the
    next. A person's stored choice wins over the cookie (and the cookie is set to it); logging out deletes
    the cookie, so the next person starts from the default; a person who never chose keeps what the
    browser has (e.g. a choice made on the login page). The API keeps following Accept-Language.
    Place it after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith("/api/"):
            return self.get_response(request)
        wanted = getattr(user, "language", "")
        if not wanted or (request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) == wanted and wanted == request.LANGUAGE_CODE):
            return self.get_response(request)
        translation.activate(wanted)
        request.LANGUAGE_CODE = wanted
        response = self.get_response(request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            wanted,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response
