"""What a JSON value sent to the server may be: standard JSON, valid Unicode, bounded.

One record never needs more than a few levels of nesting or a few thousand characters
in one string. Anything beyond that — a value nested hundreds of levels deep, a string
holding a lone surrogate (``"\\ud800"``, which no database or JSON encoder can write
back), ``NaN`` — would be stored in a quarantined record and break every page that lists
it. So it is refused where the body is read (:mod:`fieldapp.server.body`, every route)
and where a cursor is decoded, with a 4xx naming the field, before anything is stored.

>>> json_problem(b'{"batch": [{"payload": {"notes": "\\\\ud800"}}]}').field
'batch.0.payload.notes'
>>> json_problem(b'{"a": [1, 2, "ok"]}') is None
True
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from fieldapp.server.errors import ApiError

__all__ = ["MAX_JSON_DEPTH", "MAX_TEXT_CHARS", "json_problem", "loads_checked", "value_problem"]

# A push is body → batch → mutation → payload → activities → activity (6 levels).
MAX_JSON_DEPTH = 16
# The longest text a record holds is a visit's notes (1,000 characters).
MAX_TEXT_CHARS = 4_000


def _error(field: str, vi: str, en: str, status: int = 422) -> ApiError:
    return ApiError("invalid_request", field=field, status=status, message_vi=vi, message_en=en)


def _too_deep(field: str) -> ApiError:
    return _error(
        field,
        f"Dữ liệu lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp).",
        f"Nested too deep (at most {MAX_JSON_DEPTH} levels).",
    )


def _bad_text(field: str) -> ApiError:
    return _error(
        field,
        "Chuỗi ký tự không hợp lệ (không phải Unicode hợp lệ).",
        "This text is not valid Unicode.",
    )


def _too_long(field: str) -> ApiError:
    return _error(
        field,
        f"Chuỗi quá dài: tối đa {MAX_TEXT_CHARS} ký tự.",
        f"Text too long: at most {MAX_TEXT_CHARS} characters.",
        status=413,
    )


def _path(parts: tuple[Any, ...]) -> str:
    # A key may itself be the invalid text: the path names it with the escape (\\ud800).
    text = ".".join(str(p) for p in parts) or "body"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _text_problem(text: str, parts: tuple[Any, ...]) -> ApiError | None:
    if len(text) > MAX_TEXT_CHARS:
        return _too_long(_path(parts))
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return _bad_text(_path(parts))
    return None


def value_problem(value: Any) -> ApiError | None:
    """The first thing in a parsed JSON value no record may hold, or ``None``.

    Walked without recursion, so no depth can make this check itself fail.
    """
    if isinstance(value, str):
        return _text_problem(value, ())
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(value, 1, ())]
    while stack:
        node, depth, parts = stack.pop()
        if isinstance(node, dict):
            items: Any = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            return _too_deep(_path(parts))
        for key, child in items:
            here = (*parts, key)
            if isinstance(key, str) and (problem := _text_problem(key, here)):
                return problem
            if isinstance(child, str):
                if problem := _text_problem(child, here):
                    return problem
            elif isinstance(child, dict | list):
                stack.append((child, depth + 1, here))
    return None


def json_problem(body: bytes) -> ApiError | None:
    """Why ``body`` (JSON text) must be refused, or ``None`` when it is fine or is not
    JSON at all (the route then answers as it does for any unreadable body)."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        # orjson refuses lone surrogates, NaN and invalid UTF-8; the standard parser
        # (what the routes use) takes the first two, so it is asked where the problem is.
        try:
            value = json.loads(body)
        except RecursionError:  # deeper than any parser goes: the body is unreadable
            deep = _too_deep("body")
            return ApiError(
                "bad_body", field="body", message_vi=deep.message_vi, message_en=deep.message_en
            )
        except UnicodeDecodeError:
            return ApiError("bad_body", field="body")
        except ValueError:
            return None
        return value_problem(value) or ApiError(
            "bad_body",
            field="body",
            message_vi="Nội dung không phải JSON chuẩn (ví dụ NaN, Infinity, số quá lớn).",
            message_en="Not standard JSON (e.g. NaN, Infinity, a number out of range).",
        )
    return value_problem(value)


def loads_checked(text: str | bytes) -> Any:
    """Parse JSON that must be standard and within the limits; ``ValueError`` otherwise.

    For values the server decodes itself (page cursors) and for stored values read back.
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    problem = json_problem(data)
    if problem is not None:
        raise ValueError(problem.message_en)
    return orjson.loads(data)
