"""The phone's entry module: ``flet build apk`` and ``flet run`` start here.

``[tool.flet.app]`` in pyproject.toml packages the repository root (``fieldapp/`` plus
``data/`` and ``assets/``, read by path) and runs this file; it only hands over to
:func:`fieldapp.ui.main.main`. It imports nothing of the server (checked by
``tests/app/test_phone_bundle.py``).
"""

from __future__ import annotations

import flet as ft

from fieldapp.ui.main import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover - run by Flet on the phone
    ft.run(main)
