"""Errors the sync client raises, each with a Vietnamese and an English message.

``SyncError`` is the base; the subclasses say what the user must do: log in again
(:class:`SyncAuthError`), update the app (:class:`ProtocolVersionError`), get a new
enrolment code (:class:`EnrolmentError`). Transient network trouble is retried inside
the client and only surfaces as a plain :class:`SyncError` once retries run out.
"""

from __future__ import annotations

__all__ = [
    "DeviceResetError",
    "EnrolmentError",
    "ProtocolVersionError",
    "SyncAuthError",
    "SyncError",
]


class SyncError(Exception):
    """A sync that stopped. ``code`` is machine-readable; messages are for people."""

    def __init__(self, code: str, message_vi: str, message_en: str, status: int | None = None):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.status = status


class SyncAuthError(SyncError):
    """The server refused the device (401/403): token revoked, expired or out of scope."""


class ProtocolVersionError(SyncError):
    """The server speaks another protocol version (426): the app must be updated."""


class EnrolmentError(SyncError):
    """The enrolment code was wrong, used or expired, or the server could not be reached."""


class DeviceResetError(SyncError):
    """The server saw this device id reuse sequence numbers with other content."""
