"""Give every request an id, for the audit trail and the response header."""

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from angsur.audit.context import client_request_id_var, request_id_var

# A caller's own correlation id (X-Request-ID) is kept beside ours, never instead of it: an id the client
# chose could repeat another request's or forge a trail. Only short, plain ids are kept.
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        incoming = request.headers.get("X-Request-ID", "")
        client_request_id = incoming if _CLIENT_ID.match(incoming) else ""
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        client_token = client_request_id_var.set(client_request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
            client_request_id_var.reset(client_token)
        response["X-Request-ID"] = request_id
        return response
