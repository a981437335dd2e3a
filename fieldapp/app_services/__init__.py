"""Plain-Python services behind the field app's screens (no Flet here).

Each screen of :mod:`fieldapp.ui` is a thin view over one of these modules, so every
behaviour a person sees can be tested without a browser:

- :mod:`.runner` — serialises store calls and moves them off the event loop.
- :mod:`.identity` — who is enrolled on this device (member, team, villages, server).
- :mod:`.home` — the Home screen's figures.
- :mod:`.households` — paged household list, household form, household detail.
- :mod:`.visit_form` — the visit form's state → ``store.save_visit`` dict, errors back.
- :mod:`.procedures` — the procedure picker over the catalogue.
- :mod:`.sync_service` — enrolment, sync runs, reachability and sync issues.
- :mod:`.settings` — language, server, about, sign-out rules.
- :mod:`.formatting` — Vietnamese dates and numbers.
"""

__all__: list[str] = []
