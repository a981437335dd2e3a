"""Names with numbers in Vietnamese order on the device: "Tổ dân phố 2" < 10 < 11.

Stored sort keys written before numbers were read as numbers are rewritten by the
device migration ``m002_numeric_sort_keys`` (a store upgraded in place, not recreated).
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date

from openpyxl import load_workbook
from sqlite_utils import Database

from fieldapp.coverage import CoverageService, Period
from fieldapp.coverage.export import export_report
from fieldapp.domain import Village
from fieldapp.store import DeviceStore
from fieldapp.store.schema import migrations

NAMES = ["Tổ dân phố 10", "Tổ dân phố 2", "Tổ dân phố 11"]
ORDERED = ["Tổ dân phố 2", "Tổ dân phố 10", "Tổ dân phố 11"]


def test_village_picker_and_household_list_read_numbers_as_numbers(store):
    ids = {name: str(uuid.uuid4()) for name in NAMES}
    store.load_reference(villages=[Village(ids[n], "18754", n) for n in NAMES])
    assert [v.name for v in store.villages()] == ORDERED
    for n in NAMES:
        store.save_household({"id": str(uuid.uuid4()), "village_id": ids[n], "head_name": n})
    page = store.search_households(limit=10)
    assert [h.head_name for h in page.items] == ORDERED
    given = store.search_households(order="given", limit=10)
    assert [h.head_name for h in given.items] == ORDERED  # "10 Tổ dân phố" < … by number


def test_upgrade_rewrites_keys_stored_before_numbers_were_read_as_numbers(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="m002_numeric_sort_keys")
    # As the old key did: digits compared one by one, so "…10" < "…2".
    for i, name in enumerate(NAMES):
        old_key = name.lower()
        conn.execute(
            "INSERT INTO villages (id, ward_code, name, kind, name_sort) VALUES (?, ?, ?, ?, ?)",
            [f"v{i}", "18754", name, "thôn", old_key],
        )
        conn.execute(
            "INSERT INTO households (id, village_id, head_name, name_sort, given_sort, search,"
            " updated_at) VALUES (?, ?, ?, ?, ?, '', 'x')",
            [f"h{i}", f"v{i}", name, old_key, old_key],
        )
    assert [r[0] for r in conn.execute("SELECT name FROM villages ORDER BY name_sort")] != ORDERED
    conn.close()
    store = DeviceStore.open(path)
    try:
        assert "m002_numeric_sort_keys" in [m.name for m in migrations.applied(store.db)]
        assert [v.name for v in store.villages()] == ORDERED
        assert [h.head_name for h in store.search_households(limit=10).items] == ORDERED
    finally:
        store.close()


def test_coverage_table_and_export_on_the_phone_read_numbers_as_numbers(store, tmp_path):
    store.load_reference(villages=[Village(f"v{i}", "18754", n) for i, n in enumerate(NAMES)])
    service = CoverageService(store.db)
    period, today = Period(date(2026, 11, 1), date(2026, 11, 30)), date(2026, 11, 25)
    assert [v.village_name for v in service.villages(period, today)] == ORDERED
    out = tmp_path / "villages.xlsx"
    export_report(service, "villages", "xlsx", out, period, today)
    sheet = load_workbook(out).active
    column = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert [c for c in column if c in NAMES] == ORDERED
