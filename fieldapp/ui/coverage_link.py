"""Where the leader's coverage screen (built by :mod:`fieldapp.ui.coverage_views`) is
plugged into the app's navigation, so the shell does not depend on its internals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

if TYPE_CHECKING:
    from fieldapp.ui.shell import FieldApp


def coverage_screen(app: FieldApp) -> ft.Control:
    try:
        from fieldapp.ui import coverage_views
    except ImportError:
        return ft.Text(app.tr("not_available"))
    builder: Any = getattr(coverage_views, "build_coverage_screen", None) or getattr(
        coverage_views, "coverage_view", None
    )
    if builder is None:
        return ft.Text(app.tr("not_available"))
    result = builder(app.ctx.store)
    return getattr(result, "control", result)
