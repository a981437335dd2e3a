"""One error type for everything in :mod:`fieldapp.portal`, bilingual and machine-readable.

Every message is Vietnamese first with an English twin, and names the problem and the
offending field so the CLI and the Flet views can show it as is.
"""

from __future__ import annotations

__all__ = ["PortalError"]


class PortalError(ValueError):
    """A bad portal link, template, enrolment link or poster input.

    ``code`` is stable for programs (``unknown_procedure``, ``missing_placeholder``,
    ``not_https``, ``host_not_allowed``, ``text_too_long``, ...); ``field`` names the input.
    """

    def __init__(self, code: str, field: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} ({message_en})")
        self.code = code
        self.field = field
        self.message_vi = message_vi
        self.message_en = message_en
