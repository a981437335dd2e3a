"""The app of one worker process of ``fieldapp serve --workers N``.

uvicorn starts each worker as a fresh process and calls :func:`app_from_env` (a factory)
in it: the settings come from the environment the parent exported
(:meth:`Settings.to_env`), the storage is the worker's own and is closed when it stops.
The parent has already applied the migrations and created the code secret.
"""

from __future__ import annotations

from fastapi import FastAPI

from fieldapp.server.app import create_app
from fieldapp.server.logs import setup_logging
from fieldapp.server.open_storage import open_storage
from fieldapp.server.settings import Settings

__all__ = ["app_from_env"]


def app_from_env() -> FastAPI:
    settings = Settings.from_env()
    setup_logging(settings.log_level)
    storage = open_storage(settings.database, token_idle_days=settings.token_idle_days)
    return create_app(
        storage,
        worker_threads=settings.worker_threads,
        close_storage=True,
        console_idle_hours=settings.console_idle_hours,
    )
