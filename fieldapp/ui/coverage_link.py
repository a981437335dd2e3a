"""Where the leader's coverage screen (built by :mod:`fieldapp.ui.coverage_views`) is
plugged into the app's navigation, so the shell does not depend on its internals.

The contract used: ``coverage_views.build_coverage_screen(store, lang=...)`` returns an object
whose ``.control`` goes on the page and which loads itself (in a thread) when mounted.
It gets the app's *side* store connection: its queries run in worker threads, and the
UI's own connection is only ever used under the store runner's lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import flet as ft

from fieldapp.app_services.identity import Identity
from fieldapp.ui.coverage_views import build_coverage_screen
from fieldapp.ui.i18n import t

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp

__all__ = ["coverage_screen", "coverage_title"]


def coverage_title(identity: Identity | None, lang: str = "vi") -> str:
    """ "Độ phủ của tổ" for a team's leader; an officer (no team) sees their ward(s).

    >>> from dataclasses import replace
    >>> officer = Identity("m", "Võ Thị Giang", "officer", None, "", (), "", ("phường Sông Trí",))
    >>> coverage_title(officer)
    'Độ phủ của phường Sông Trí'
    >>> coverage_title(replace(officer, role="leader", team_id="t1", team_name="Tổ 1"), "en")
    'Team coverage'
    """
    if identity is None or identity.team_id is not None:
        return t("cov_title", lang)
    if identity.ward_names:
        return t("cov_title_ward", lang, wards=", ".join(identity.ward_names))
    return t("cov_title_commune", lang)


async def coverage_screen(app: FieldApp) -> ft.Control:
    store = await app.side_store()
    title = coverage_title(app.ctx.identity, app.ctx.lang)
    return build_coverage_screen(store, lang=app.ctx.lang, title=title).control
