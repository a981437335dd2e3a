"""One-line, translated summaries of a visit's activities (no Flet: unit-testable).

>>> from fieldapp.domain.model import Activity, ActivityKind, Outcome, Visit
>>> v = Visit("i", "h", "m", "2026-03-11T09:00:00+07:00", None, Outcome.DONE,
...           activities=(Activity(ActivityKind.VNEID_LEVEL2),))
>>> visit_line(v)
'Kích hoạt VNeID mức 2'
"""

from __future__ import annotations

from fieldapp.app_services.procedures import procedure_option
from fieldapp.domain.model import ActivityKind, Visit
from fieldapp.ui.i18n import t

__all__ = ["visit_line"]


def visit_line(visit: Visit, lang: str = "vi") -> str:
    parts: list[str] = []
    for a in visit.activities:
        label = t(f"act_{a.kind}", lang)
        if a.kind == ActivityKind.DOSSIER_SUBMITTED and a.procedure_code:
            option = procedure_option(a.procedure_code, lang)
            name = option.name if option else a.procedure_code
            level = t("full_online" if a.level == "full" else "partial", lang)
            label = f"{label}: {name} ({level})"
        elif a.kind == ActivityKind.DOSSIER_UPDATE:
            said = [t(f"dstatus_{a.dossier_status}", lang)] if a.dossier_status else []
            said += [t(f"fee_{a.fee_status}", lang)] if a.fee_status else []
            label = f"{label}: {', '.join(said)}" if said else label
        elif a.kind == ActivityKind.FEE_PAID and a.payment_status:
            label = f"{label}: {t(f'pay_{a.payment_status}', lang)}"
        elif a.kind == ActivityKind.OTHER and a.text:
            label = f"{label}: {a.text}"
        parts.append(label)
    if visit.notes:
        parts.append(f"{t('notes', lang)}: {visit.notes}")
    return "; ".join(parts)
