"""The position provider for "Lấy vị trí": the official ``flet-geolocator`` service.

On a phone it asks the OS; in the browser (the web client bundles it) it uses the
browser's Geolocation API, which needs a secure origin — ``127.0.0.1`` counts. All
failure handling lives in :func:`fieldapp.app_services.location.locate`.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from fieldapp.app_services.location import LOCATE_TIMEOUT_S, PositionFix, PositionUnavailable

__all__ = ["GeolocatorProvider"]


class GeolocatorProvider:
    """Create inside a page's event handler (Flet services register with the current
    page) and keep the object on app state: a service held only locally is dropped."""

    def __init__(self) -> None:
        try:
            import flet_geolocator as fg
        except ImportError as exc:  # an install without the extension
            raise PositionUnavailable("flet-geolocator is not installed") from exc
        self._fg = fg
        self.service: Any = fg.Geolocator(
            configuration=fg.GeolocatorConfiguration(
                accuracy=fg.GeolocatorPositionAccuracy.HIGH,
                # A little under locate()'s overall limit, so the client gives up first.
                time_limit=ft.Duration(seconds=int(LOCATE_TIMEOUT_S) - 2),
            )
        )

    async def request_permission(self) -> str:
        status = await self.service.request_permission()
        return str(getattr(status, "value", status))

    async def current_position(self) -> PositionFix:
        p = await self.service.get_current_position()
        if p is None or p.latitude is None or p.longitude is None:
            raise PositionUnavailable("no position")
        return PositionFix(float(p.latitude), float(p.longitude), p.accuracy)
