"""The REST API under /api/ (django-ninja): session or bearer-token auth, JSON errors only."""

import logging

import orjson
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from angsur.errors import DomainError
from angsur.org.services import api_token_authenticate

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest):
        # ninja's HttpBearer reads request.headers, which builds a dict of every header first;
        # the one header needed is read from META directly (same parsing: "Bearer <token>").
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class JSONParser(Parser):
    """Request bodies are decoded by orjson (the documented way to swap ninja's parser): 3× as fast
    as the json module, and it refuses NaN/Infinity, which json.loads would accept."""

    def parse_body(self, request: HttpRequest) -> dict:
        return orjson.loads(request.body)


api = NinjaAPI(
    title="angsur API",
    version="1",
    description="Field credit for vehicle multifinance. Errors are JSON {code, message}.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    parser=JSONParser(),
)


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None, "message": e.get("msg", "")} for e in exc.errors]
    return _error(request, 400, "invalid_input", _("The request body or parameters are not valid."), errors=errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not_authenticated", _("Log in or send a valid API token."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("The record was not found or is outside your branch."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "invalid_input", 403: "forbidden", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    messages = {
        400: _("The request body is not valid JSON."),
        403: _("The request was refused (CSRF check failed or not allowed)."),
    }
    message = messages.get(exc.status_code, str(exc))
    return _error(request, exc.status_code, code, message)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error", extra={"request_id": getattr(request, "request_id", "")})
    return _error(request, 500, "server_error", _("An unexpected error occurred; it has been logged."))


# Django tries URL patterns in order, so the busiest routes go first: quotes (a CMO prices every
# buyer's question at the dealer, tenor after tenor); the rest are called far less often.
api.add_router("", "angsur.products.api.router")
api.add_router("", "angsur.org.api.router")
api.add_router("", "angsur.dealers.api.router")
api.add_router("", "angsur.audit.api.router")
api.add_router("", "angsur.origination.api.router")


@api.get("/health", auth=None, tags=["system"])
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness probe (also the trivial baseline of the load benchmarks)."""
    return {"status": "ok"}
