"""Errors the sync client raises, each with a Vietnamese and an English message.

``SyncError`` is the base; the subclasses say what the user must do: log in again
(:class:`SyncAuthError`), update the app (:class:`ProtocolVersionError`), get a new
enrolment code (:class:`EnrolmentError`). Transient network trouble is retried inside
the client and only surfaces as a plain :class:`SyncError` once retries run out.
"""

from __future__ import annotations

__all__ = [
    "AUTH_MESSAGES",
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
    "token_expired": (
        "Phiên đăng nhập của máy đã hết hạn vì lâu không dùng. Nhờ tổ trưởng cấp mã đăng ký "
        "mới. Dữ liệu chưa gửi vẫn được giữ trên máy.",
        "This phone's sign-in expired after a long time unused. Ask your team leader for a "
        "new enrolment code. Unsent data is kept on the phone.",
    ),
    "unauthenticated": (
        "Máy này đã bị thu hồi quyền đồng bộ hoặc chưa đăng nhập. Hãy xin tổ trưởng mã đăng ký "
        "mới. Dữ liệu chưa gửi vẫn được giữ trên máy.",
        "This phone's access was revoked or it is not signed in. Ask your team leader for a "
        "new enrolment code. Unsent data is kept on the phone.",
    ),
}


class ProtocolVersionError(SyncError):
    """The server speaks another protocol version (426): the app must be updated."""


class EnrolmentError(SyncError):
    """The enrolment code was wrong, used or expired, or the server could not be reached."""


class DeviceResetError(SyncError):
    """The server saw this device id reuse sequence numbers with other content."""
