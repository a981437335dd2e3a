"""The console's coverage pages (overview, villages, dossiers by procedure and their
downloads) given a period ending in year 9999 show the default period with the period
error, never a 500."""

from __future__ import annotations

import pytest

PATHS = [
    "/console/",
    "/console/villages",
    "/console/procedures",
    "/console/download/procedures.csv",
    "/console/download/procedures.xlsx",
]


@pytest.mark.parametrize("path", PATHS)
def test_period_at_the_calendar_end_is_no_server_error(cw, path: str):
    c = cw.signed_in("officer_b")
    r = c.get(path, params={"period": "custom", "from": "31/12/9999", "to": "31/12/9999"})
    assert r.status_code == 200, r.text[:300]
