"""A coverage period that ends at the calendar's last days (year 9999) is a bad date, not
a server error: the API answers 422 naming ``to`` and the console falls back to its
default period, for every coverage page the dossiers follow-through added to."""

from __future__ import annotations

import pytest
from fieldapp_harness import World


@pytest.mark.parametrize("kind", ["procedures", "villages", "teams", "members"])
@pytest.mark.parametrize("span", [("9999-12-31", "9999-12-31"), ("9999-12-01", "9999-12-30")])
def test_api_period_at_the_calendar_end_is_422_naming_to(world: World, kind: str, span):
    officer = world.device("officer")
    r = world.client.get(
        f"/api/v1/coverage/{kind}",
        params={"from": span[0], "to": span[1]},
        headers=world.token_headers(officer),
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == "to"
