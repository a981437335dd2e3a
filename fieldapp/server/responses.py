"""The error responses every API route documents (one JSON shape, see ``ErrorResponse``)."""

from __future__ import annotations

from typing import Any

from fieldapp.sync.protocol import ErrorResponse

__all__ = ["ERRORS"]

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (400, "Bad request"),
        (401, "Not signed in or revoked"),
        (403, "Not allowed"),
        (404, "Not found or outside your scope"),
        (409, "Sequence gap, reused device id or conflict"),
        (413, "Too large"),
        (415, "Unsupported content encoding"),
        (422, "Invalid request"),
        (426, "Protocol version mismatch: update the app"),
        (500, "Server error"),
    )
}
