"""The enrolment link a team leader shows as a QR code and a member's phone reads back.

Shape: ``vn.fieldapp://app/enrol?server={server_base_url}&code={CODE}`` — the app's own
scheme, declared for Android and iOS in ``[tool.flet.deep_linking]`` of pyproject.toml,
so scanning the leader's QR with the phone's camera opens the installed app. Flet hands
the app that link as its route, scheme and host dropped: ``/enrol?server=…&code=…``
(at start in ``page.route``, while running through ``on_route_change``); both forms, and
the older ``{server_base_url}/enrol?code={CODE}``, are read back by
:func:`parse_enrol_link`. The server base may carry a path prefix
(``https://example.vn/fieldapp``). Plain http is accepted only for ``localhost`` and
``127.0.0.1`` (development): an enrolment code sent in clear text could be stolen.

>>> link = build_enrol_link("https://sync.example.vn/", "AB12-CD34")
>>> link
'vn.fieldapp://app/enrol?server=https%3A%2F%2Fsync.example.vn&code=AB12-CD34'
>>> parse_enrol_link("  " + link + "\\n")
('https://sync.example.vn', 'AB12-CD34')
>>> parse_enrol_link("/enrol?server=https%3A%2F%2Fsync.example.vn&code=AB12-CD34")
('https://sync.example.vn', 'AB12-CD34')
>>> parse_enrol_link("https://sync.example.vn/enrol?code=AB12-CD34")
('https://sync.example.vn', 'AB12-CD34')
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from fieldapp.portal.errors import PortalError
from fieldapp.portal.qr import qr_png

__all__ = [
    "APP_HOST",
    "APP_SCHEME",
    "DEV_HOSTS",
    "ENROL_PATH",
    "build_enrol_link",
    "enrol_qr",
    "is_enrol_link",
    "normalize_base_url",
    "parse_enrol_link",
]

DEV_HOSTS = frozenset({"localhost", "127.0.0.1"})
ENROL_PATH = "/enrol"
# Must match [tool.flet.deep_linking] in pyproject.toml (checked by tests).
APP_SCHEME = "vn.fieldapp"
APP_HOST = "app"
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{4,64}$")
_SPACE_RE = re.compile(r"\s+")


def _bad_link(problem_vi: str, problem_en: str, field: str = "server_base_url") -> PortalError:
    return PortalError(
        "bad_enrol_link",
        field,
        f"Liên kết đăng ký không hợp lệ: {problem_vi}",
        f"Invalid enrolment link: {problem_en}",
    )


def normalize_base_url(url: str) -> str:
    """Lower-case scheme and host, drop the trailing slash, enforce the https rule."""
    clean = _SPACE_RE.sub("", url or "")
    if not clean:
        raise _bad_link("thiếu địa chỉ máy chủ.", "server address is missing.")
    if "://" not in clean:
        clean = "https://" + clean  # people type the bare host
    parts = urlsplit(clean)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not host:
        raise _bad_link(f"không đọc được tên máy chủ trong «{url}».", f"no host in '{url}'.")
    if scheme not in ("https", "http"):
        raise _bad_link(f"phải dùng https: «{url}».", f"must use https: '{url}'.")
    if scheme == "http" and host not in DEV_HOSTS:
        raise _bad_link(
            f"phải dùng https (http chỉ dùng khi thử trên máy, localhost): «{url}».",
            f"must use https (http only for localhost development): '{url}'.",
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise _bad_link(
            f"địa chỉ máy chủ không được có phần ?…, #… hay tài khoản: «{url}».",
            f"server address must not have a query, fragment or credentials: '{url}'.",
        )
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))


def _check_code(code: str) -> str:
    clean = _SPACE_RE.sub("", code or "")
    if not _CODE_RE.match(clean):
        raise _bad_link(
            "mã đăng ký phải gồm 4–64 chữ cái, chữ số, «-» hoặc «_».",
            "enrolment code must be 4–64 letters, digits, '-' or '_'.",
            field="code",
        )
    return clean


def build_enrol_link(server_base_url: str, code: str) -> str:
    """``vn.fieldapp://app/enrol?server={server_base_url}&code={CODE}``, normalised, checked."""
    query = urlencode({"server": normalize_base_url(server_base_url), "code": _check_code(code)})
    return f"{APP_SCHEME}://{APP_HOST}{ENROL_PATH}?{query}"


def is_enrol_link(text: str | None) -> bool:
    """Whether ``text`` (a route, a pasted or scanned link) is meant as an enrolment link."""
    clean = _SPACE_RE.sub("", text or "")
    return ENROL_PATH in urlsplit(clean).path and "code=" in clean


def parse_enrol_link(text: str) -> tuple[str, str]:
    """Read back ``(server_base_url, code)`` from a scanned or pasted enrolment link, or
    from the route Flet gives the app for one (``/enrol?server=…&code=…``).

    Tolerates surrounding/embedded white space (line-wrapped pastes), ``/enrol/`` with a
    trailing slash and, in the older ``{server}/enrol?code=…`` form, a missing scheme
    (https assumed).
    """
    clean = _SPACE_RE.sub("", text or "")
    app_link = clean.startswith("/") or clean.lower().startswith(f"{APP_SCHEME}://")
    if "://" not in clean and not app_link:
        clean = "https://" + clean
    parts = urlsplit(clean)
    path = parts.path.rstrip("/")
    if not path.endswith(ENROL_PATH):
        raise _bad_link(
            f"đường dẫn phải kết thúc bằng {ENROL_PATH}: «{text.strip()}».",
            f"path must end with {ENROL_PATH}: '{text.strip()}'.",
            field="link",
        )
    query = parse_qs(parts.query)
    codes = query.get("code", [])
    if len(codes) != 1:
        raise _bad_link("thiếu mã đăng ký (code=…).", "the code=… parameter is missing.", "code")
    if app_link:
        servers = query.get("server", [])
        if len(servers) != 1:
            raise _bad_link("thiếu địa chỉ máy chủ (server=…).", "server=… is missing.")
        return normalize_base_url(servers[0]), _check_code(codes[0])
    base = urlunsplit((parts.scheme, parts.netloc, path[: -len(ENROL_PATH)], "", ""))
    return normalize_base_url(base), _check_code(codes[0])


def enrol_qr(server_base_url: str, code: str, module_px: int = 10) -> tuple[str, bytes]:
    """The enrolment link and a PNG of its QR code, for the leader's screen."""
    link = build_enrol_link(server_base_url, code)
    return link, qr_png(link, module_px)
