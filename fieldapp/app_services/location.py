"""The visit form's optional "Lấy vị trí" (get my location): ask a position provider
for permission and one fix, with a time limit, and turn every way it can fail into a
Vietnamese message (English available) while the form stays as it was.

The provider is the edge: on a phone or in a browser it is the ``flet-geolocator``
service (:mod:`fieldapp.ui.location_provider`); tests inject a plain object. Providers
are awaited on the event loop (they exchange messages with the client, they do not
block), bounded by ``timeout``.

>>> import asyncio
>>> class Fake:
...     async def request_permission(self): return "whileInUse"
...     async def current_position(self): return PositionFix(18.0656, 106.3005, 12.0)
>>> asyncio.run(locate(Fake())).fix
PositionFix(lat=18.0656, lon=106.3005, accuracy_m=12.0)
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Protocol

from fieldapp.messages import words

__all__ = [
    "LOCATE_TIMEOUT_S",
    "LocateResult",
    "PositionFix",
    "PositionProvider",
    "PositionUnavailable",
    "locate",
]

# A phone outdoors usually has a fix within seconds; indoors it may never come.
LOCATE_TIMEOUT_S = 20.0

# Permission answers (flet-geolocator's GeolocatorPermissionStatus values).
_GRANTED = {"whileInUse", "always"}
_DENIED_FOREVER = "deniedForever"
# The web's Permissions API may be missing: then only trying tells.
_UNKNOWN = "unableToDetermine"


@dataclass(frozen=True)
class PositionFix:
    lat: float
    lon: float
    accuracy_m: float | None = None


class PositionUnavailable(Exception):
    """The provider cannot give a position here (no service, unsupported platform)."""


class PositionProvider(Protocol):
    async def request_permission(self) -> str:
        """Ask for location access; one of the ``GeolocatorPermissionStatus`` values."""
        ...

    async def current_position(self) -> PositionFix:
        """One position fix; raises on failure."""
        ...


# problem → (Vietnamese, English), the catalogue's ``location.*``.
_MESSAGES: dict[str, tuple[str, str]] = {
    problem: words(f"location.{problem}")
    for problem in ("denied", "denied_forever", "timeout", "unavailable", "bad_fix")
}


@dataclass(frozen=True)
class LocateResult:
    fix: PositionFix | None = None
    problem: str = ""  # a key of _MESSAGES; empty when ``fix`` is set
    seconds: float = LOCATE_TIMEOUT_S

    @property
    def ok(self) -> bool:
        return self.fix is not None

    def message(self, lang: str = "vi") -> str:
        if not self.problem:
            return ""
        vi, en = _MESSAGES[self.problem]
        return (en if lang == "en" else vi).format(s=f"{self.seconds:g}")


def _valid(fix: object) -> PositionFix | None:
    """The fix when its numbers are real coordinates (providers report 0/None oddly)."""
    if not isinstance(fix, PositionFix):
        return None
    try:
        lat, lon = float(fix.lat), float(fix.lon)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    acc = fix.accuracy_m
    # Accuracy 0 means "not available" on some devices: keep none rather than a lie.
    accuracy = float(acc) if isinstance(acc, int | float) and 0 < acc <= 100_000 else None
    return PositionFix(round(lat, 6), round(lon, 6), round(accuracy, 1) if accuracy else None)


async def locate(provider: PositionProvider, *, timeout: float = LOCATE_TIMEOUT_S) -> LocateResult:
    """Permission, then one fix, within ``timeout`` seconds overall. Never raises for
    the provider's failures: the result names the problem."""
    try:
        async with asyncio.timeout(timeout):
            status = str(await provider.request_permission())
            if status == _DENIED_FOREVER:
                return LocateResult(problem="denied_forever")
            if status not in _GRANTED and status != _UNKNOWN:
                return LocateResult(problem="denied")
            raw = await provider.current_position()
    except TimeoutError:
        return LocateResult(problem="timeout", seconds=timeout)
    except asyncio.CancelledError:
        raise
    except PermissionError:
        return LocateResult(problem="denied")
    except Exception:  # unsupported platform, no location service, client error
        return LocateResult(problem="unavailable")
    fix = _valid(raw)
    return LocateResult(fix=fix) if fix else LocateResult(problem="bad_fix")
