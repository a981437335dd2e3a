"""The Flet field app: thin views over :mod:`fieldapp.app_services`.

Entry point: :func:`fieldapp.ui.main.main` (``fieldapp app``). Strings live in
:mod:`fieldapp.ui.i18n`; no view holds a business rule or touches SQL/HTTP directly.
"""

__all__: list[str] = []
