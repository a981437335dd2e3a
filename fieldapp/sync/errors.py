"""The phone's exception tree for sync and enrolment, and the one reader of server errors.

Every exception the sync client or enrolment raises is a :class:`SyncError`; the
subclass says what the member must do::

    SyncError                 a sync or enrolment that stopped; ``code`` for programs,
    │                         ``message_vi`` / ``message_en`` for people, ``status`` the
    │                         HTTP status when the server answered
    ├── NetworkError          the server could not be reached (after the client's retries):
    │                         nothing was lost, try again later — the only retryable one
    ├── SyncAuthError         401/403: token expired, revoked or out of scope → a new code
    ├── ProtocolVersionError  426: the app is too old for the server → update the app
    ├── EnrolmentError        the enrolment code was refused (wrong, used, expired)
    └── DeviceResetError      this device reused sequence numbers with other content
                              (restored from a copy) → enrol again

A plain :class:`SyncError` is any other refusal (4xx) or a server error (5xx) once the
retries ran out. Messages come from the one catalogue (:mod:`fieldapp.messages`) by code,
or from the server's error body; :func:`error_from_response` is the one place that turns
that body (``{"ok": false, "error": {"code", "message_vi", "message_en", ...}}``) into
an exception. Each raise builds a fresh exception (:meth:`SyncError.of`): a shared
instance re-raised from several threads would carry one thread's traceback into another.
"""

from __future__ import annotations

from typing import Any, Self

import httpx

from fieldapp.messages import words

__all__ = [
    "AUTH_MESSAGES",
    "DeviceResetError",
    "EnrolmentError",
    "NetworkError",
    "ProtocolVersionError",
    "SyncAuthError",
    "SyncError",
    "error_body",
    "error_from_response",
]


class SyncError(Exception):
    """A sync that stopped. ``code`` is machine-readable; messages are for people."""

    def __init__(self, code: str, message_vi: str, message_en: str, status: int | None = None):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.status = status

    @classmethod
    def of(
        cls, code: str, *, message: str | None = None, status: int | None = None, **fmt: object
    ) -> Self:
        """A new exception for ``code`` worded by the catalogue's ``message`` (default: code).

        >>> NetworkError.of("network").message_en.startswith("Cannot reach the server")
        True
        """
        vi, en = words(message or code)
        return cls(code, vi.format(**fmt), en.format(**fmt), status=status)


class NetworkError(SyncError):
    """The server could not be reached; the outbox is kept, a later sync sends it."""


class SyncAuthError(SyncError):
    """The server refused the device (401/403): token revoked, expired or out of scope.

    ``code`` is the server's: ``token_expired`` (unused too long), ``unauthenticated``
    (revoked or unknown), ``forbidden``/``device_mismatch`` (not allowed). For the first
    two the message is the phone's own (:data:`AUTH_MESSAGES`), so the member hears the
    reason and that nothing was lost, whatever the server's wording.
    """

    @property
    def expired(self) -> bool:
        """The token ran out from disuse (not revoked): a new code from the leader fixes it."""
        return self.code == "token_expired"


# Server error code → (Vietnamese, English) shown when a sync stops on it. Both cures are
# a new enrolment code; re-enrolling keeps the device's numbering, so nothing is sent twice.
AUTH_MESSAGES: dict[str, tuple[str, str]] = {
    "token_expired": words("token_expired_on_phone"),
    "unauthenticated": words("unauthenticated_on_phone"),
}


class ProtocolVersionError(SyncError):
    """The server speaks another protocol version (426): the app must be updated."""


class EnrolmentError(SyncError):
    """The enrolment code was wrong, used or expired."""


class DeviceResetError(SyncError):
    """The server saw this device id reuse sequence numbers with other content."""


def error_body(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of a server's error answer, or ``{}`` when it has none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def error_from_response(
    response: httpx.Response, cls: type[SyncError], *, fallback: str = "server_status"
) -> SyncError:
    """The exception for a server's error answer: its code and words, as ``cls``.

    Without a readable body (a proxy's page) the code is ``http_<status>`` and the words
    the catalogue's ``fallback``. A 401's ``token_expired`` / ``unauthenticated`` read as
    the phone words them (:data:`AUTH_MESSAGES`).
    """
    status = response.status_code
    error = error_body(response)
    code = str(error.get("code") or f"http_{status}")
    vi, en = (s.format(status=status) for s in words(fallback))
    message_vi = str(error.get("message_vi") or vi)
    message_en = str(error.get("message_en") or en)
    if cls is SyncAuthError and code in AUTH_MESSAGES:
        # Expired and revoked read differently, by the server's code (see AUTH_MESSAGES).
        message_vi, message_en = AUTH_MESSAGES[code]
    return cls(code, message_vi, message_en, status=status)
