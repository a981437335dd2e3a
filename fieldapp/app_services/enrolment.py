"""Enrolment input: what the member typed or pasted, or a link that opened the app.

A pasted enrolment link (``vn.fieldapp://app/enrol?server=…&code=…``, or the older
``{server}/enrol?code={CODE}``) in either box wins over the separate fields; otherwise the
server address and code are checked on their own. Errors come back per field, in the
member's language.

:func:`link_action` decides what a route handed over by Flet means (the leader's QR
scanned with the camera opens the app on ``/enrol?server=…&code=…``, at start or while it
runs): ask the member to confirm enrolling, or say this phone is already enrolled.

>>> parse_enrol_input("", "https://sync.example.vn/enrol?code=AB12-CD34")
EnrolInput(server_url='https://sync.example.vn', code='AB12-CD34', errors={})
>>> link_action("/enrol?server=https%3A%2F%2Fsync.example.vn&code=AB12-CD34", None).kind
'confirm'
>>> link_action("/", None) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fieldapp.app_services.identity import Identity
from fieldapp.portal.enrol_link import is_enrol_link, normalize_base_url, parse_enrol_link
from fieldapp.portal.errors import PortalError

__all__ = ["EnrolInput", "LinkAction", "link_action", "parse_enrol_input"]


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


def parse_enrol_input(server_text: str, code_text: str, lang: str = "vi") -> EnrolInput:
    """Return the server URL and code, or errors keyed ``server`` / ``code``."""
    for text in (code_text, server_text):
        if text and is_enrol_link(text):
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


@dataclass(frozen=True)
class LinkAction:
    """What to do with an enrolment link that opened the app.

    ``confirm``: show the Enrol screen filled in, one tap to enrol (typing stays possible);
    ``already_enrolled``: this phone belongs to someone: say so, change nothing (signing
    out first is the member's decision, never a side effect of a scanned code);
    ``bad_link``: the link is damaged; ``message`` says what to do.
    """

    kind: Literal["confirm", "already_enrolled", "bad_link"]
    server_url: str = ""
    code: str = ""
    message: str = ""


def link_action(
    route: str | None, identity: Identity | None, lang: str = "vi"
) -> LinkAction | None:
    """The action for a route Flet gives the app (``page.route`` at start, the route of
    ``on_route_change`` while running); None for any route that is not an enrolment link."""
    if not is_enrol_link(route):
        return None
    if identity is not None:
        message = (
            f"Máy này đã đăng ký cho {identity.member_name}. Muốn đăng ký cho người khác, "
            "hãy đăng xuất ở mục Thêm trước."
            if lang != "en"
            else f"This phone is already enrolled for {identity.member_name}. To enrol it "
            "for someone else, sign out under More first."
        )
        return LinkAction("already_enrolled", message=message)
    try:
        server, code = parse_enrol_link(route or "")
    except PortalError as exc:
        return LinkAction("bad_link", message=_message(exc, lang))
    return LinkAction("confirm", server_url=server, code=code)
