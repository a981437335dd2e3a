"""The server's error types and its message catalogue (Vietnamese first).

Every refusal becomes ``{"ok": false, "error": {...}, "status": N}`` (see
:mod:`fieldapp.server.app`). Codes are stable; messages say what to do.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MESSAGES", "ApiError", "SecretError"]

# code → (HTTP status, Vietnamese, English)
MESSAGES: dict[str, tuple[int, str, str]] = {
    "unauthenticated": (
        401,
        "Máy chưa đăng nhập hoặc đã bị thu hồi. Hãy xin mã đăng ký mới từ tổ trưởng.",
        "This device is not signed in or was revoked. Ask your team leader for a new code.",
    ),
    # A token unused for FIELDAPP_TOKEN_IDLE_DAYS (lost or abandoned phone): distinct from
    # "unauthenticated" so the phone can say why; the cure is the same (a new code).
    "token_expired": (
        401,
        "Phiên đăng nhập của máy đã hết hạn vì lâu không dùng. Nhờ tổ trưởng cấp mã đăng ký mới.",
        "This device's sign-in expired after a long time unused. Ask your team leader for a "
        "new enrolment code.",
    ),
    "forbidden": (
        403,
        "Tài khoản của bạn không có quyền làm việc này.",
        "Your account is not allowed to do this.",
    ),
    "device_mismatch": (
        403,
        "Mã máy không khớp với máy đã đăng ký.",
        "The device id does not match the enrolled device.",
    ),
    "not_found": (404, "Không tìm thấy.", "Not found."),
    "bad_code": (
        400,
        "Mã đăng ký sai, đã dùng hoặc đã hết hạn. Hãy xin mã mới từ tổ trưởng.",
        "The enrolment code is wrong, used or expired. Ask your team leader for a new one.",
    ),
    "device_in_use": (
        409,
        "Mã máy này đang thuộc người khác. Hãy cài lại ứng dụng rồi đăng ký.",
        "This device id belongs to someone else. Reinstall the app, then enrol.",
    ),
    "sequence_gap": (
        409,
        "Thiếu hoặc sai thứ tự dữ liệu gửi lên; máy sẽ gửi lại từ số thứ tự cần thiết.",
        "Missing or out-of-order changes; the device resends from the expected number.",
    ),
    "device_reset": (
        409,
        "Máy này dùng lại số thứ tự cũ với nội dung khác (dữ liệu máy bị khôi phục hoặc cài "
        "lại). Hãy đăng ký lại máy.",
        "This device reused old sequence numbers with other content (restored or reinstalled). "
        "Enrol the device again.",
    ),
    "protocol_version": (
        426,
        "Ứng dụng đã cũ, không đồng bộ được với máy chủ. Hãy cập nhật ứng dụng.",
        "The app is out of date and cannot sync with the server. Please update the app.",
    ),
    "too_large": (
        413,
        "Dữ liệu gửi lên quá lớn. Hãy gửi thành nhiều lần nhỏ hơn.",
        "The request is too large. Send it in smaller batches.",
    ),
    "invalid_request": (
        422,
        "Dữ liệu gửi lên không hợp lệ.",
        "The request is not valid.",
    ),
    "bad_body": (
        400,
        "Không đọc được nội dung gửi lên (cần JSON, có thể nén gzip).",
        "Cannot read the request body (JSON expected, optionally gzip).",
    ),
    "conflict": (
        409,
        "Dữ liệu trùng với bản ghi đã có.",
        "This conflicts with an existing record.",
    ),
    "rate_limited": (
        429,
        "Nhập sai mã đăng ký quá nhiều lần. Hãy đợi vài phút rồi thử lại, hoặc xin tổ trưởng "
        "mã mới.",
        "Too many wrong enrolment codes. Wait a few minutes and try again, or ask your team "
        "leader for a new code.",
    ),
    "internal": (
        500,
        "Máy chủ gặp lỗi. Dữ liệu trên máy vẫn được giữ; hãy thử lại sau.",
        "The server hit an error. Your data is kept on the device; try again later.",
    ),
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
