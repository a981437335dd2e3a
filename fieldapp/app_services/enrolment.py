"""Reading what the member typed or pasted on the Enrol screen into (server, code).

A pasted enrolment link (``{server}/enrol?code={CODE}``) in either box wins over the
separate fields; otherwise the server address and code are checked on their own.
Errors come back per field, in the member's language.

>>> parse_enrol_input("", "https://sync.example.vn/enrol?code=AB12-CD34")
EnrolInput(server_url='https://sync.example.vn', code='AB12-CD34', errors={})
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldapp.portal.enrol_link import normalize_base_url, parse_enrol_link
from fieldapp.portal.errors import PortalError

__all__ = ["EnrolInput", "parse_enrol_input"]


@dataclass(frozen=True)
class EnrolInput:
    server_url: str
    code: str
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _message(exc: PortalError, lang: str) -> str:
    return exc.message_en if lang == "en" else exc.message_vi


def _looks_like_link(text: str) -> bool:
    return "enrol" in text and "code=" in text


def parse_enrol_input(server_text: str, code_text: str, lang: str = "vi") -> EnrolInput:
    """Return the server URL and code, or errors keyed ``server`` / ``code``."""
    for text in (code_text, server_text):
        if text and _looks_like_link(text):
            try:
                server, code = parse_enrol_link(text)
            except PortalError as exc:
                key = "server" if exc.field in ("server_base_url", "link") else "code"
                return EnrolInput("", "", {key: _message(exc, lang)})
            return EnrolInput(server, code)
    errors: dict[str, str] = {}
    server = ""
    try:
        server = normalize_base_url(server_text)
    except PortalError as exc:
        errors["server"] = _message(exc, lang)
    code = "".join((code_text or "").split())
    if not code:
        errors["code"] = "Nhập mã đăng ký." if lang != "en" else "Enter the enrolment code."
    return EnrolInput(server, code, errors)
