"""Where the leader's coverage screen (built by :mod:`fieldapp.ui.coverage_views`) is
plugged into the app's navigation, so the shell does not depend on its internals.

The contract used: ``coverage_views.build_coverage_screen(store)`` returns an object
whose ``.control`` goes on the page and which loads itself (in a thread) when mounted.
It gets the app's *side* store connection: its queries run in worker threads, and the
UI's own connection is only ever used under the store runner's lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp

__all__ = ["coverage_screen"]


async def coverage_screen(app: FieldApp) -> ft.Control:
    try:
        from fieldapp.ui import coverage_views
    except ImportError:
        return ft.Text(app.tr("not_available"))
    builder: Any = getattr(coverage_views, "build_coverage_screen", None)
    if builder is None:
        return ft.Text(app.tr("not_available"))
    store = await app.side_store()
    return builder(store).control
