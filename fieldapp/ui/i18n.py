"""The phone app's strings: a thin lookup into the one catalogue (:mod:`fieldapp.messages`).

New strings for the app's screens go in :data:`fieldapp.messages.APP`.

>>> t("log_visit")
'Ghi lượt thăm'
>>> t("pending_n", "en", n=3)
'3 not yet synced'
"""

from __future__ import annotations

from fieldapp.messages import APP, text

__all__ = ["STRINGS", "t"]

# key → (Vietnamese, English): the catalogue's ``app.*`` section (fieldapp.messages.APP),
# where the phone app's new strings go.
STRINGS: dict[str, tuple[str, str]] = APP


def t(key: str, /, lang: str = "vi", **fmt: object) -> str:
    """The string for ``key`` in ``lang`` (Vietnamese unless ``"en"``), formatted."""
    return text(f"app.{key}", lang, **fmt)
