"""The server's error types and its message catalogue (Vietnamese first).

Every refusal becomes ``{"ok": false, "error": {...}, "status": N}`` (see
:mod:`fieldapp.server.app`). Codes are stable; messages say what to do.
"""

from __future__ import annotations

from typing import Any

from fieldapp.messages import words

__all__ = ["MESSAGES", "STATUS", "ApiError", "SecretError", "invalid_field"]

# code → HTTP status; the words are the catalogue's (fieldapp.messages, flat codes).
STATUS: dict[str, int] = {
    "unauthenticated": 401,
    "token_expired": 401,
    "forbidden": 403,
    "device_mismatch": 403,
    "not_found": 404,
    "bad_code": 400,
    "device_in_use": 409,
    "sequence_gap": 409,
    "device_reset": 409,
    "protocol_version": 426,
    "too_large": 413,
    "invalid_request": 422,
    "bad_body": 400,
    "conflict": 409,
    "rate_limited": 429,
    "internal": 500,
}
# code → (HTTP status, Vietnamese, English), as before the catalogue moved.
MESSAGES: dict[str, tuple[int, str, str]] = {
    code: (status, *words(code)) for code, status in STATUS.items()
}


class ApiError(Exception):
    """A refusal with a stable code, an HTTP status and messages in both languages."""

    def __init__(
        self,
        code: str,
        *,
        field: str | None = None,
        status: int | None = None,
        message_vi: str | None = None,
        message_en: str | None = None,
        problems: list[dict[str, Any]] | None = None,
        expected_seq: int | None = None,
        retry_after: int | None = None,
    ):
        default_status, vi, en = MESSAGES[code]
        self.code = code
        self.status = status or default_status
        self.message_vi = message_vi or vi
        self.message_en = message_en or en
        self.field = field
        self.problems = problems
        self.expected_seq = expected_seq
        # Seconds until a refused request may be retried: sent as the Retry-After header.
        self.retry_after = retry_after
        super().__init__(f"{code}: {self.message_en}")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "field": self.field,
        }
        if self.problems is not None:
            error["problems"] = self.problems
        if self.expected_seq is not None:
            error["expected_seq"] = self.expected_seq
        return {"ok": False, "error": error, "status": self.status}


class SecretError(ValueError):
    """The server secret cannot be used: commands print one line in both languages."""

    def __init__(self, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


def invalid_field(field: str, code: str, message_vi: str, message_en: str) -> ApiError:
    """A 422 naming one field, shaped like the request validator's answers."""
    problem = {"field": field, "code": code, "message_vi": message_vi, "message_en": message_en}
    return ApiError(
        "invalid_request",
        field=field,
        message_vi=message_vi,
        message_en=message_en,
        problems=[problem],
    )
