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

from fieldapp.ui.coverage_views import build_coverage_screen

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp

__all__ = ["coverage_screen"]


async def coverage_screen(app: FieldApp) -> ft.Control:
    store = await app.side_store()
    return build_coverage_screen(store, lang=app.ctx.lang).control
