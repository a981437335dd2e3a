"""The procedure picker: accent-insensitive search over the catalogue, with level shown.

>>> [o.code for o in procedure_options("khai sinh")][:1]
['1.001193']
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldapp.domain.model import Procedure, ProcedureLevel
from fieldapp.reference import load_procedures, search_procedures

__all__ = ["ProcedureOption", "procedure_option", "procedure_options"]


@dataclass(frozen=True)
class ProcedureOption:
    code: str
    name: str
    full_online: bool
    fee_vnd: int | None


def _option(p: Procedure, lang: str) -> ProcedureOption:
    return ProcedureOption(
        code=p.code,
        name=p.name_en if lang == "en" else p.name_vi,
        full_online=p.level == ProcedureLevel.FULL,
        fee_vnd=p.fee_vnd,
    )


def procedure_options(query: str, lang: str = "vi", limit: int = 20) -> list[ProcedureOption]:
    """Procedures matching ``query`` (code or name, either language, accents ignored)."""
    return [_option(p, lang) for p in search_procedures(query, limit=limit)]


def procedure_option(code: str, lang: str = "vi") -> ProcedureOption | None:
    proc = load_procedures().get(code)
    return _option(proc, lang) if proc else None
