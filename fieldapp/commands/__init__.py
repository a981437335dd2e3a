"""Subcommands of the ``fieldapp`` CLI, one module each, each exposing ``register()``."""

__all__: list[str] = []
