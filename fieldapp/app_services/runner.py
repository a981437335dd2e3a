"""Run blocking work (SQLite, HTTP) off the Flet event loop, one store call at a time.

The device store's connection is shared by every handler of the app; SQLite connections
are not safe for concurrent use, so calls are serialised with one lock and executed in a
worker thread via :func:`asyncio.to_thread`.

>>> import asyncio
>>> asyncio.run(StoreRunner().call(sum, [1, 2]))
3
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["StoreRunner"]

T = TypeVar("T")


class StoreRunner:
    """Serialises blocking calls and runs them in a thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def call_blocking(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` under the lock in the current thread (for tests and scripts)."""
        with self._lock:
            return fn(*args, **kwargs)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` under the lock in a worker thread and await its result."""
        return await asyncio.to_thread(self.call_blocking, fn, *args, **kwargs)
