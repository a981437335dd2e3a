"""Allows ``python -m fieldapp``."""

from fieldapp.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
