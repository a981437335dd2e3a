"""Reference data shipped in ``data/``: procedure catalogue, wards, campaign targets.

Each JSON file carries a ``provenance`` block. Files are found in the repository's
``data/`` folder, in ``fieldapp/_data`` inside a built wheel, or in ``$FIELDAPP_DATA_DIR``.

>>> load_procedures()["1.001193"].name_vi
'Đăng ký khai sinh'
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fieldapp.domain.model import Indicator, Procedure, ProcedureLevel, Ward
from fieldapp.text import fold, nfc

__all__ = [
    "Campaign",
    "data_dir",
    "load_campaign",
    "load_json",
    "load_procedures",
    "load_wards",
    "search_procedures",
    "ward_label",
]


def data_dir() -> Path:
    """Where the reference data lives (see module docstring for the search order)."""
    override = os.environ.get("FIELDAPP_DATA_DIR")
    if override:
        return Path(override)
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "data", package / "_data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("fieldapp reference data folder not found; set FIELDAPP_DATA_DIR")


def load_json(relative: str) -> Any:
    """Read one JSON file below :func:`data_dir`."""
    with (data_dir() / relative).open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def load_procedures() -> dict[str, Procedure]:
    """The procedure catalogue, code → :class:`Procedure`, in file order."""
    rows = load_json("procedures.json")["procedures"]
    return {
        r["code"]: Procedure(
            code=r["code"],
            name_vi=nfc(r["name_vi"]),
            name_en=r["name_en"],
            level=ProcedureLevel(r["level"]),
            fee_vnd=r.get("fee_vnd"),
            field_vi=nfc(r.get("field_vi", "")),
            processing_days=r.get("processing_days"),
        )
        for r in rows
    }


def search_procedures(query: str, limit: int = 50) -> list[Procedure]:
    """Accent-insensitive search over code and names (Vietnamese and English).

    >>> [p.code for p in search_procedures("khai sinh")][:2]
    ['1.001193', '1.004884']
    """
    needle = fold(query)
    found = [
        p
        for p in load_procedures().values()
        if not needle or needle in fold(f"{p.code} {p.name_vi} {p.name_en}")
    ]
    return found[:limit]


def load_wards(province_code: str = "42") -> list[Ward]:
    """Wards of one province from ``data/wards/<code>.json`` (2025 NSO codes)."""
    doc = load_json(f"wards/{province_code}.json")
    return [
        Ward(
            code=w["code"],
            name=nfc(w["name"]),
            kind=w["kind"],
            province_code=doc["province"]["code"],
        )
        for w in doc["wards"]
    ]


@cache
def _ward_labels() -> dict[str, str]:
    """NSO code → "phường Sông Trí", over every province shipped in ``data/wards/``."""
    labels = {}
    for path in sorted((data_dir() / "wards").glob("*.json")):
        for ward in load_wards(path.stem):
            labels[ward.code] = f"{ward.kind} {ward.name}"
    return labels


def ward_label(code: str) -> str | None:
    """A ward's kind and name for a heading, or None when its province is not shipped.

    >>> ward_label("18754")
    'phường Sông Trí'
    """
    return _ward_labels().get(code)


@dataclass(frozen=True)
class Campaign:
    key: str
    name_vi: str
    name_en: str
    starts_on: str
    ends_on: str
    indicators: tuple[Indicator, ...]


def load_campaign(key: str = "ha-tinh-2024") -> Campaign:
    """A campaign's indicators and targets from ``data/campaigns/<key>.json``."""
    doc = load_json(f"campaigns/{key}.json")
    return Campaign(
        key=doc["key"],
        name_vi=nfc(doc["name_vi"]),
        name_en=doc["name_en"],
        starts_on=doc["starts_on"],
        ends_on=doc["ends_on"],
        indicators=tuple(
            Indicator(
                key=i["key"],
                name_vi=nfc(i["name_vi"]),
                name_en=i["name_en"],
                target=float(i["target"]),
                metric=i["metric"],
                note_vi=nfc(i.get("note_vi", "")),
            )
            for i in doc["indicators"]
        ),
    )
