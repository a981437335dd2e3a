"""Dates and numbers the Vietnamese way (``dd/mm/yyyy``, ``1.234``), shared by all screens.

>>> fmt_date("2026-03-09")
'09/03/2026'
>>> fmt_int(12345)
'12.345'
>>> fmt_int(12345, "en")
'12,345'
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

__all__ = [
    "fmt_date",
    "fmt_datetime",
    "fmt_int",
    "local_now_iso",
    "parse_user_date",
    "week_start",
]


def _as_datetime(value: str | datetime | date | None) -> datetime | date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def fmt_date(value: str | date | datetime | None) -> str:
    """``dd/mm/yyyy``; empty string for nothing, the input itself when unreadable."""
    parsed = _as_datetime(value)
    if parsed is None:
        return "" if not value else str(value)
    return parsed.strftime("%d/%m/%Y")


def fmt_datetime(value: str | datetime | None) -> str:
    """``dd/mm/yyyy HH:MM`` in the device's local time."""
    parsed = _as_datetime(value)
    if not isinstance(parsed, datetime):
        return fmt_date(value)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone()
    return parsed.strftime("%d/%m/%Y %H:%M")


def fmt_int(number: int, lang: str = "vi") -> str:
    """Thousands separated by ``.`` in Vietnamese, ``,`` in English."""
    text = f"{number:,}"
    return text if lang == "en" else text.replace(",", ".")


def local_now_iso() -> str:
    """Now, in local time with its UTC offset: the date part is the member's day."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def parse_user_date(text: str) -> date | None:
    """Read ``dd/mm/yyyy`` (also ``d/m/yyyy``, ``dd-mm-yyyy``) or ISO; None when unreadable.

    >>> parse_user_date("9/3/2026")
    datetime.date(2026, 3, 9)
    """
    clean = (text or "").strip().replace("-", "/").replace(".", "/")
    for fmt in ("%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(clean, fmt).date()
        except ValueError:
            continue
    return None


def week_start(day: date) -> date:
    """Monday of ``day``'s week (Vietnamese calendars start the week on Monday)."""
    return day - timedelta(days=day.weekday())
