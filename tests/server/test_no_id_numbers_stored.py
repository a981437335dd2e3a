"""No CMND/CCCD-like number is stored in clear by any path.

Hostile pushes go through the real app over a real SQLite file: an ID-card number in every
place a record can carry one (free text in every format the screen must catch, an unknown
field's name and value, the record id, the device's timestamp, a number, the phone box)
and quarantined for every reason (invalid, wrong op, extra field, unknown household,
out-of-scope update, id mismatch). Then every table of the server database, the database
file and its WAL (and the phone's device.db) are scanned: none of the numbers is there.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path

import pytest
from fieldapp_harness import World, household, push_raw, visit_mutation

from fieldapp.domain.validation import ValidationError
from fieldapp.server.push import REDACTED

# The numbers planted, digits only (12 = CCCD, 9 = CMND); chosen not to occur by chance.
CCCD = "079188123456"
CCCD2 = "038201765432"
CMND = "381927465"
PLANTED = (CCCD, CCCD2, CMND)


def _formats(number: str) -> list[str]:
    """The ways a person (or a hostile tester) writes ``number`` in text."""
    groups = [number[i : i + 3] for i in range(0, len(number), 3)]
    o_for_zero = number.replace("0", "O")
    return [
        number,
        " ".join(groups),
        ".".join(groups),
        "-".join(groups),
        "/".join(groups),
        ",".join(groups),
        "_".join(groups),
        " / ".join(groups),
        "\u200b".join(groups),
        "\u200c".join(groups[:2]) + "\u2060" + "\ufeff".join(groups[2:]),
        o_for_zero,
        o_for_zero.lower(),
        "\u200b".join(g.replace("0", "O") for g in groups),
    ]


# A run of what may sit inside a written number: digits, O for zero, separators, invisibles.
_RUN = re.compile(r"[0-9Oo\s.,/_\-\u2010-\u2015\u00ad\u200b-\u200f\u2060-\u2064\ufeff]+")


def _numbers_in(text: str) -> set[str]:
    """The planted numbers written anywhere in ``text``, however they were formatted."""
    found = set()
    for run in _RUN.findall(text):
        digits = "".join("0" if ch in "Oo" else ch for ch in run if ch.isdigit() or ch in "Oo")
        found |= {n for n in PLANTED if n in digits}
    return found


def _scan_database(path: Path) -> list[tuple[str, str, str]]:
    """(table, column, number) for every planted number in any cell of any table."""
    hits = []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                for column, value in zip(columns, row, strict=True):
                    text = (
                        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    )
                    hits += [(table, column, n) for n in _numbers_in(text)]
    finally:
        conn.close()
    return hits


def _scan_file(path: Path) -> set[str]:
    return _numbers_in(path.read_bytes().decode("utf-8", "ignore")) if path.exists() else set()


def _update(household_id: str, fields: dict, base: int = 1) -> dict:
    return {
        "entity": "household",
        "entity_id": household_id,
        "op": "update",
        "payload": {"id": household_id, "fields": fields},
        "base_version": base,
    }


def _hostile(world: World, a, b) -> list[dict]:
    """Every path by which a pushed record can carry an ID-card number."""
    mine = household(a, "v1", "Nguyễn Thị Ánh")
    theirs = household(b, "v3", "Hoàng Văn Em")
    assert world.sync(a).ok and world.sync(b).ok
    unknown = str(uuid.uuid4())
    texts = [t for n in PLANTED for t in _formats(n)]
    m: list[dict] = []
    # Free text in every format: notes, other-activity text, head name, address.
    for t in texts:
        m.append(visit_mutation(a, mine, notes=f"CCCD chủ hộ: {t}"))
        m.append(visit_mutation(a, mine, activities=[{"kind": "other", "text": f"ghi số {t}"}]))
        m.append(_update(mine, {"head_name": f"Lan {t}"}))
        hid = str(uuid.uuid4())
        create = {"id": hid, "village_id": "v1", "head_name": "Bình", "address_detail": t}
        m.append({"entity": "household", "entity_id": hid, "op": "create", "payload": create})
    # An ID number in the phone box (not a phone number at all).
    hid = str(uuid.uuid4())
    create = {"id": hid, "village_id": "v1", "head_name": "Cường", "phone": CCCD}
    m.append({"entity": "household", "entity_id": hid, "op": "create", "payload": create})
    m.append(_update(mine, {"phone": f"{CCCD2[:6]} {CCCD2[6:]}"}))
    # Quarantined for other reasons than the ID screen, the number elsewhere in the record.
    m.append(_update(theirs, {"head_name": f"Em {CCCD}"}))  # out of scope
    m.append(_update(theirs, {"address_detail": CMND, "cccd": CCCD2}))  # out of scope
    m.append(_update(unknown, {"head_name": f"X {CCCD}"}))  # unknown household
    m.append(visit_mutation(a, unknown, notes=f"{CMND[:3]}/{CMND[3:6]}/{CMND[6:]}"))  # unknown hh
    wrong_op = visit_mutation(a, mine, notes=f"số {CCCD}")
    wrong_op["op"] = "update"
    m.append(wrong_op)  # wrong op for a visit
    m.append(visit_mutation(a, mine, cccd=CCCD))  # extra field, value
    m.append(visit_mutation(a, mine, **{CCCD2: "x"}))  # extra field, name
    m.append(_update(mine, {CCCD: 1}))  # unknown household field, name
    m.append(_update(mine, {"members_count": int(CMND)}))  # a number, out of range
    m.append(visit_mutation(a, mine, people_guided=int(CCCD)))  # a number, out of range
    m.append(visit_mutation(a, mine, gps={"lat": float(CMND), "lon": 1.0}))  # a float
    mismatch = visit_mutation(a, mine)
    mismatch["entity_id"] = CCCD  # record id
    m.append(mismatch)
    stamped = visit_mutation(a, unknown)
    stamped["created_at"] = f"{CCCD} {CMND}"  # the device's timestamp
    m.append(stamped)
    return m


@pytest.mark.sqlite_only  # reads the database file and its WAL byte by byte
def test_no_id_number_in_any_table_or_wal_after_hostile_pushes(world: World):
    a, b, lead_b = world.device("a1"), world.device("b1"), world.device("leader_b")
    mutations = _hostile(world, a, b)
    results = []
    for i in range(0, len(mutations), 100):
        results += push_raw(world, a, mutations[i : i + 100])["results"]
    statuses = {r["status"] for r in results}
    assert statuses == {"quarantined"}, [r for r in results if r["status"] != "quarantined"]
    reasons = {r["code"] for r in results}
    assert {"invalid", "out_of_scope", "unknown_household", "id_mismatch"} <= reasons
    # Kept for review (the leader of the household's team reads them) and redacted.
    items = world.client.get(
        "/api/v1/admin/quarantine", headers=world.token_headers(lead_b)
    ).json()["items"]
    assert items and any(REDACTED in str(i["payload"]) for i in items)
    assert world.count("quarantine") == len(mutations)

    assert _scan_database(world.db_path) == []
    wal = world.db_path.with_name(world.db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the scan below reads real content
    assert _scan_file(wal) == set()
    assert _scan_file(world.db_path) == set()


@pytest.mark.parametrize("number", PLANTED)
def test_the_phone_cannot_store_one_either(world: World, number: str):
    a = world.device("a1")
    for text in _formats(number):
        with pytest.raises(ValidationError):
            household(a, "v1", f"Lan {text}")
    if len(number) == 12:  # nine digits may also be a mobile number without its 0
        with pytest.raises(ValidationError):
            household(a, "v1", "Lan", phone=number)
    files = list(world.tmp.glob("a1-*.db*"))  # the phone's device.db and its WAL
    assert files
    for path in files:
        assert _scan_file(path) == set(), path
