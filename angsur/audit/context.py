"""Per-request context the audit trail reads: the request id (ours) and the caller's own, if it sent one."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("angsur_request_id", default="")
client_request_id_var: ContextVar[str] = ContextVar("angsur_client_request_id", default="")


def current_request_id() -> str:
    """Return the server-generated id of the request being served ('' outside a request)."""
    return request_id_var.get()


def current_client_request_id() -> str:
    """Return the X-Request-ID the caller sent, when it was a short plain id ('' otherwise)."""
    return client_request_id_var.get()
