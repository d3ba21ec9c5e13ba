"""The REST API under /api/ (django-ninja): session or bearer-token auth, JSON errors only."""

import logging
import re
from typing import Any

import orjson
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from angsur.errors import DomainError
from angsur.org.services import api_token_authenticate
from angsur.schemas import ErrorOut

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
        body = request.body
        data = orjson.loads(body)
        # JSON can carry a NUL only as the escape \u0000; PostgreSQL refuses NUL in text (a 500 at the
        # first query), and no field means one. Walk the decoded body only when the escape is there.
        if b"\\u0000" in body and _holds_nul(data):
            raise DomainError("invalid_input", _("Text may not contain NUL characters."))
        return data


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


# The error answers each route can give, added to the OpenAPI document from what the route declares:
# any request can be malformed (400); an authenticated route refuses a missing or expired token (401)
# and a role without the capability or a session without its CSRF token (403); a route with a record id
# in its path, or a body that may name one (dealer_id, surveyor_id, product), answers 404 for a record
# outside the caller's scope; a write to a record in the path answers 409
# when its state or version moved on; the token endpoint refuses credentials (401), a role without the
# API (403), and slows down repeated failures (429).
ERROR_DESCRIPTIONS = {
    400: "Invalid input (code invalid_input, or the domain rule refused)",
    401: "Not authenticated (no valid session or bearer token)",
    403: "Not allowed for this role, or CSRF check failed",
    404: "Not found, or outside your branch or dealer",
    409: "Wrong state, or a newer version (stale_version)",
    429: "Too many failed logins from this address: wait and retry",
}
_PATH_PARAMETER = re.compile(r"{[^}]+}")
# Query parameters that name a record (a filter by branch, dealer, CMO...): one outside the caller's scope is a 404.
RECORD_QUERY_PARAMETERS = frozenset({"branch", "dealer", "cmo", "product", "collector", "assignee", "contract"})


def operation_error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation of the OpenAPI document can answer (see ERROR_DESCRIPTIONS)."""
    statuses = [400]
    if operation.get("security"):
        statuses += [401, 403]
    elif method == "post":  # the token endpoint: wrong credentials, a role without the API, throttled
        statuses += [401, 403, 429]
    in_path = bool(_PATH_PARAMETER.search(path))
    names_record = any(p.get("in") == "query" and p.get("name") in RECORD_QUERY_PARAMETERS for p in operation.get("parameters", []))
    if in_path or names_record or "requestBody" in operation:
        statuses.append(404)
    if in_path and method in {"post", "put", "patch"}:
        statuses.append(409)
    return statuses


class AngsurAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        """The OpenAPI document, with each operation's error answers (ErrorOut) declared."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        schema["components"]["schemas"].update(error_schema.pop("$defs", {}), ErrorOut=error_schema)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                for status in operation_error_statuses(path, method, operation):
                    operation["responses"].setdefault(status, {"description": ERROR_DESCRIPTIONS[status], "content": error})
        return schema


api = AngsurAPI(
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


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # Python's date arithmetic overflows near years 1 and 9999 (a datetime converted to UTC, a due date
    # pushed past 9999): the input was out of range, not the server at fault. Bodies are bounded by
    # InputSchema; this catches a date that reached the code another way.
    return _error(request, 400, "invalid_input", _("A date or number is out of range."))


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
api.add_router("", "angsur.servicing.api.router")
api.add_router("", "angsur.servicing.eod_api.router")
api.add_router("", "angsur.collection.api.router")
api.add_router("", "angsur.remedial.api.router")
api.add_router("", "angsur.performance.api.router")


@api.get("/health", auth=None, tags=["system"])
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness probe (also the trivial baseline of the load benchmarks)."""
    return {"status": "ok"}
