"""The one domain error type every service raises.

The HTML layer turns it into a form error or message, the API layer into a JSON body
``{"code": ..., "message": ...}`` with the matching HTTP status.
"""

from typing import Any


class DomainError(Exception):
    """A refused business operation, with a stable code and a translated message."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None, status: int | None = None, **params: Any):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.field = field
        self.params = params
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON error body."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class PermissionDenied(DomainError):
    """The actor's role does not allow the operation."""

    status = 403


class NotFound(DomainError):
    """The record does not exist or lies outside the actor's scope (same answer, no leak)."""

    status = 404


class Conflict(DomainError):
    """The record changed state under us (wrong state, concurrent decision)."""

    status = 409
