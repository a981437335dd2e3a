"""The officers' console's strings: a thin lookup into the one catalogue.

The console's strings are :data:`fieldapp.messages.CONSOLE` (new ones go there), its
audit actions :data:`fieldapp.messages.AUDIT`; a key that is neither is a shared code
(``data_label``, an error code). Downloads always use the Vietnamese headings.

>>> t("nav_overview")
'Tổng quan'
>>> t("n_rows", "en", n=3)
'3 rows'
"""

from __future__ import annotations

from fieldapp.messages import AUDIT, CONSOLE, text

__all__ = [
    "LANGS",
    "STRINGS",
    "action_text",
    "lang_of",
    "t",
]

LANGS = ("vi", "en")

# key → (Vietnamese, English): the catalogue's ``console.*`` section
# (fieldapp.messages.CONSOLE), where the console's new strings go.
STRINGS: dict[str, tuple[str, str]] = CONSOLE


# Audit actions → (Vietnamese, English): the catalogue's ``audit.*``.
ACTIONS: dict[str, tuple[str, str]] = AUDIT


def t(key: str, /, lang: str = "vi", **fmt: object) -> str:
    """The string for ``key`` in ``lang`` (Vietnamese unless ``"en"``), formatted."""
    # The console's own strings first, then the shared codes (``data_label``, errors).
    return text(f"console.{key}" if key in CONSOLE else key, lang, **fmt)


def action_text(action: str, lang: str = "vi") -> str:
    vi, en = AUDIT.get(action, (action, action))
    return en if lang == "en" else vi


def lang_of(value: str | None) -> str:
    """The cookie's language, Vietnamese unless it says ``en``."""
    return "en" if value == "en" else "vi"
