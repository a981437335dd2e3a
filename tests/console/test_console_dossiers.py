"""Dossiers followed through in the console: the per-procedure page, the overview card and
the village figures, in Vietnamese and English, downloadable, labelled as the team's own
records. Hand-computed on ward B (Hải Ninh), whose records this test writes itself:

- hb0: khai sinh 1.001193 (full), 02/11/2026 → result received 03/11.
- hb1: thường trú 1.004222 (full), 02/11/2026, no news: 7 working days, late from 12/11.
- hb2: kết hôn 1.000894 (partial), 05/11/2026 → refused 09/11.
"""

from __future__ import annotations

import csv
import io
import uuid

from fieldapp.domain.model import Visit
from fieldapp.domain.validation import parse_visit
from fieldapp.reference import load_procedures

PERIOD = {"period": "custom", "from": "01/11/2026", "to": "30/11/2026"}


def _visit(household: str, day: str, acts: list[dict]):
    # The ward's fixture households have short ids ("hb0"), which parse_visit would
    # refuse: the activities are checked on their own, the visit is built as stored.
    for act in acts:
        parse_visit(
            {
                "id": str(uuid.uuid4()),
                "household_id": str(uuid.uuid4()),
                "member_id": str(uuid.uuid4()),
                "visited_at": "2026-11-01T09:00:00+07:00",
                "consent": "given",
                "outcome": "done",
                "people_guided": 1,
                "activities": [act],
            },
            procedures=load_procedures(),
        )
    return Visit.from_dict(
        {
            "id": str(uuid.uuid4()),
            "household_id": household,
            "member_id": "m-member_b",
            "visited_at": f"2026-11-{day}T09:00:00+07:00",
            "consent": "given",
            "outcome": "done",
            "people_guided": 1,
            "activities": acts,
        }
    )


def _records(cw) -> None:
    d = [uuid.uuid4().hex for _ in range(3)]

    def sub(i, code, level):
        return {
            "kind": "dossier_submitted",
            "procedure_code": code,
            "level": level,
            "dossier_id": d[i],
        }

    def upd(i, status):
        return {"kind": "dossier_update", "dossier_id": d[i], "dossier_status": status}

    cw.storage.import_records(
        [],
        [
            _visit("hb0", "02", [sub(0, "1.001193", "full")]),
            _visit("hb0", "03", [upd(0, "result_received")]),
            _visit("hb1", "02", [sub(1, "1.004222", "full")]),
            _visit("hb2", "05", [sub(2, "1.000894", "partial")]),
            _visit("hb2", "09", [upd(2, "refused")]),
        ],
    )


def test_dossiers_by_procedure_page_download_and_overview(cw):
    _records(cw)
    c = cw.signed_in("officer_b")
    html = c.get("/console/procedures", params=PERIOD).text
    assert "Hồ sơ theo thủ tục" in html and "không phải số liệu chính thức" in html
    for name in ("Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký thường trú"):
        assert name in html

    r = c.get("/console/download/procedures.csv", params=PERIOD)
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Thủ tục")
    header = rows[header_at]
    body = {row[1]: dict(zip(header, row, strict=True)) for row in rows[header_at + 1 :] if row}
    assert list(body) == ["1.001193", "1.000894", "1.004222"]  # catalogue order
    birth, marriage, residence = body["1.001193"], body["1.000894"], body["1.004222"]
    assert (birth["Hồ sơ trực tuyến"], birth["Hồ sơ đã có kết quả"]) == ("1", "1")
    assert birth["Tỷ lệ có kết quả"].startswith("100")
    assert (marriage["Hồ sơ bị từ chối"], marriage["Hồ sơ toàn trình"]) == ("1", "0")
    assert (residence["Quá hạn giải quyết"], residence["Đang chờ kết quả"]) == ("1", "1")
    assert residence["Thời hạn (ngày làm việc)"] == "7"
    assert any("không phải số liệu chính thức" in " ".join(row) for row in rows[:header_at])

    # Village figures: 3 dossiers in Thôn Bắc Hải, 1 result, 1 refused, 1 late.
    villages = c.get("/console/download/villages.csv", params=PERIOD).content.decode("utf-8-sig")
    vrows = list(csv.reader(io.StringIO(villages)))
    vh_at = next(i for i, row in enumerate(vrows) if row and row[0] == "Thôn/Tổ dân phố")
    vh = vrows[vh_at]
    bac = next(
        dict(zip(vh, row, strict=True)) for row in vrows[vh_at + 1 :] if row[:1] == ["Thôn Bắc Hải"]
    )
    assert (bac["Hồ sơ đã có kết quả"], bac["Hồ sơ bị từ chối"], bac["Quá hạn giải quyết"]) == (
        "1",
        "1",
        "1",
    )

    overview = c.get("/console/", params=PERIOD).text
    assert "1/3" in overview and "Hồ sơ đã có kết quả" in overview

    c.get("/console/lang?to=en&next=/console/")
    english = c.get("/console/procedures", params=PERIOD).text
    assert "Dossiers by procedure" in english and "Birth registration" in english
    assert "Past their processing time" in english


def test_another_ward_sees_none_of_these_dossiers(cw):
    a = cw.signed_in("officer_a")

    def table() -> bytes:
        r = a.get("/console/download/procedures.csv", params=PERIOD)
        assert r.status_code == 200 and "Thủ tục".encode() in r.content
        return r.content

    before = table()
    _records(cw)
    assert table() == before  # ward B's dossiers never reach ward A's figures
