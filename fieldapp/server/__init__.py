"""The central server: FastAPI routes over a narrow storage interface (SQLite today).

Never imports :mod:`fieldapp.ui` or the device store's connection logic.
"""

__all__: list[str] = []
