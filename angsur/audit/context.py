"""Per-request context the audit trail reads: the request id."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("angsur_request_id", default="")


def current_request_id() -> str:
    """Return the id of the request being served ('' outside a request)."""
    return request_id_var.get()
