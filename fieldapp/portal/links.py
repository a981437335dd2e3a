"""Links to the national public-service portal, built from configurable URL templates.

The templates live in ``data/portal.json`` (with provenance) because the portal changes its
URLs: a template is checked before use (https only, host on the allowed list, ``{code}``
present in the procedure template), so a typo in the data file cannot put a phishing or
dead link on a village poster.

>>> procedure_link("1.001193").url.startswith("https://dichvucong.gov.vn/")
True
>>> portal_link("vneid").url
'https://vneid.gov.vn'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

from fieldapp.domain.model import Procedure, ProcedureLevel
from fieldapp.portal.errors import PortalError
from fieldapp.reference import load_json, load_procedures, search_procedures
from fieldapp.text import nfc

__all__ = [
    "LEVEL_LABELS",
    "SPECIAL_KEYS",
    "PortalConfig",
    "PortalLink",
    "check_url",
    "dossier_lookup_link",
    "load_portal_config",
    "portal_link",
    "procedure_link",
    "search_links",
]

PLACEHOLDER = "{code}"
DOSSIER_PLACEHOLDER = "{dossier_no}"
_CODE_RE = re.compile(r"^\d\.\d{6}$")

# Vietnamese first, English second; shown on posters and the QR screen.
LEVEL_LABELS: dict[ProcedureLevel, tuple[str, str]] = {
    ProcedureLevel.FULL: ("Toàn trình", "Full online"),
    ProcedureLevel.PARTIAL: ("Một phần", "Partly online"),
}

# Fixed portal pages a team shows often; key → (config field, title_vi, title_en).
SPECIAL_KEYS: dict[str, tuple[str, str, str]] = {
    "home": ("home", "Cổng Dịch vụ công quốc gia", "National public-service portal"),
    "payment": ("payment", "Thanh toán trực tuyến", "Online payment"),
    "lookup": ("dossier_lookup", "Tra cứu hồ sơ", "Dossier look-up"),
    "vneid": ("vneid", "Ứng dụng định danh VNeID", "VNeID identity app"),
}


@dataclass(frozen=True)
class PortalConfig:
    """Validated URL templates for the portal (see ``data/portal.json``)."""

    procedure_template: str
    home: str
    payment: str
    vneid: str
    allowed_hosts: tuple[str, ...]
    # The portal's own dossier look-up page; may contain {dossier_no} (see dossier_lookup_link).
    dossier_lookup: str

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> PortalConfig:
        """Build and validate; raises :class:`PortalError` naming the bad field."""
        hosts = tuple(str(h).strip().lower() for h in doc.get("allowed_hosts", ()))
        if not hosts:
            raise PortalError(
                "no_allowed_hosts",
                "allowed_hosts",
                "Chưa cấu hình danh sách máy chủ được phép (allowed_hosts).",
                "No allowed hosts configured (allowed_hosts).",
            )
        values: dict[str, str] = {}
        for name in ("procedure_template", "home", "payment", "vneid", "dossier_lookup"):
            raw = doc.get(name)
            if not isinstance(raw, str) or not raw.strip():
                raise PortalError(
                    "missing_template",
                    name,
                    f"Thiếu đường dẫn mẫu «{name}» trong cấu hình cổng.",
                    f"Portal configuration lacks the URL template '{name}'.",
                )
            values[name] = check_url(raw.strip(), hosts, field=name)
        check_procedure_template(values["procedure_template"])
        return cls(allowed_hosts=hosts, **values)


def check_url(url: str, allowed_hosts: Iterable[str], field: str = "url") -> str:
    """Return ``url`` if it is https on an allowed host, else raise :class:`PortalError`.

    >>> check_url("http://dichvucong.gov.vn", ["dichvucong.gov.vn"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fieldapp.portal.errors.PortalError: Đường dẫn «url» phải dùng https: ...
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise PortalError(
            "not_https",
            field,
            f"Đường dẫn «{field}» phải dùng https: {url}",
            f"URL '{field}' must use https: {url}",
        )
    host = (parts.hostname or "").lower()
    allowed = [h.lower() for h in allowed_hosts]
    if host not in allowed:
        raise PortalError(
            "host_not_allowed",
            field,
            f"Máy chủ «{host or '?'}» trong «{field}» không nằm trong danh sách được phép "
            f"({', '.join(allowed)}).",
            f"Host '{host or '?'}' in '{field}' is not on the allowed list ({', '.join(allowed)}).",
        )
    return url


def check_procedure_template(template: str) -> str:
    """The procedure template must contain ``{code}`` exactly where the code goes."""
    if PLACEHOLDER not in template:
        raise PortalError(
            "missing_placeholder",
            "procedure_template",
            f"Đường dẫn mẫu cho thủ tục thiếu chỗ điền mã {PLACEHOLDER}: {template}",
            f"Procedure URL template lacks the {PLACEHOLDER} placeholder: {template}",
        )
    return template


@cache
def load_portal_config() -> PortalConfig:
    """The validated templates from ``data/portal.json``."""
    return PortalConfig.from_dict(load_json("portal.json"))


@dataclass(frozen=True)
class PortalLink:
    """One thing to put in a QR code: a procedure's search page or a fixed portal page."""

    key: str
    url: str
    title_vi: str
    title_en: str
    procedure: Procedure | None = None

    @property
    def level_vi(self) -> str:
        """'Toàn trình' / 'Một phần' for a procedure, '' for a fixed page."""
        return LEVEL_LABELS[self.procedure.level][0] if self.procedure else ""

    @property
    def level_en(self) -> str:
        return LEVEL_LABELS[self.procedure.level][1] if self.procedure else ""


def _unknown_code(code: str, specials: bool = False) -> PortalError:
    extra_vi = "; hoặc dùng home, payment, lookup, vneid" if specials else ""
    extra_en = "; or use home, payment, lookup, vneid" if specials else ""
    return PortalError(
        "unknown_procedure",
        "code",
        f"Không có thủ tục mã «{code}» trong danh mục. Mã thủ tục có dạng 1.001193{extra_vi}.",
        f"No procedure with code '{code}' in the catalogue. Codes look like 1.001193{extra_en}.",
    )


def procedure_link(code: str, config: PortalConfig | None = None) -> PortalLink:
    """The portal search link for one procedure of the catalogue, by national code."""
    clean = nfc(code)
    procedure = load_procedures().get(clean) if _CODE_RE.match(clean) else None
    if procedure is None:
        raise _unknown_code(clean)
    cfg = config or load_portal_config()
    template = check_procedure_template(cfg.procedure_template)
    url = template.replace(PLACEHOLDER, quote(procedure.code, safe=""))
    # The filled-in URL is checked again: a template could smuggle a host in via {code}.
    check_url(url, cfg.allowed_hosts, field="procedure_template")
    return PortalLink(procedure.code, url, procedure.name_vi, procedure.name_en, procedure)


def portal_link(key: str, config: PortalConfig | None = None) -> PortalLink:
    """A link by key: a procedure code, or ``home`` / ``payment`` / ``lookup`` / ``vneid``."""
    clean = nfc(key).lower()
    if clean in SPECIAL_KEYS:
        cfg = config or load_portal_config()
        field, title_vi, title_en = SPECIAL_KEYS[clean]
        if clean == "lookup":
            return dossier_lookup_link(None, cfg)
        url = check_url(getattr(cfg, field), cfg.allowed_hosts, field=field)
        return PortalLink(clean, url, title_vi, title_en)
    try:
        return procedure_link(key, config)
    except PortalError as exc:
        if exc.code == "unknown_procedure":
            raise _unknown_code(nfc(key), specials=True) from None
        raise


def dossier_lookup_link(dossier_no: str | None, config: PortalConfig | None = None) -> PortalLink:
    """The portal's dossier look-up page, for a household's slip.

    No parameter is known today that opens one dossier, so the template has none and the
    citizen types the number printed on the slip. A template that does contain
    ``{dossier_no}`` gets it filled in (URL-quoted; empty when there is no number), and
    the result is checked again like a procedure link.

    >>> from dataclasses import replace
    >>> cfg = replace(load_portal_config(),
    ...               dossier_lookup="https://dichvucong.gov.vn/tra-cuu-ho-so?so={dossier_no}")
    >>> dossier_lookup_link("H42.18/2026 01", cfg).url
    'https://dichvucong.gov.vn/tra-cuu-ho-so?so=H42.18%2F2026%2001'
    """
    cfg = config or load_portal_config()
    _, title_vi, title_en = SPECIAL_KEYS["lookup"]
    number = quote(nfc(dossier_no or ""), safe="")
    url = cfg.dossier_lookup.replace(DOSSIER_PLACEHOLDER, number)
    check_url(url, cfg.allowed_hosts, field="dossier_lookup")
    return PortalLink("lookup", url, title_vi, title_en)


def search_links(query: str, config: PortalConfig | None = None) -> list[PortalLink]:
    """Accent-insensitive search of the catalogue, as ready-to-show links."""
    return [procedure_link(p.code, config) for p in search_procedures(query, limit=1000)]
