"""Console pages through the real app: scope, setting up with its audit log, review
actions reaching the phones, and the commune report file."""

from __future__ import annotations

import io
import random
import re
import uuid

from console_world import BASE, WARD_A, WARD_B, ConsoleWorld, post
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.client import SyncClient
from fieldapp.sync.enrol import enrol
from fieldapp.sync.protocol import PROTOCOL_VERSION
from fieldapp.text import fold, sort_key

PAGES = (
    "/console/",
    "/console/villages",
    "/console/teams",
    "/console/members",
    "/console/follow-ups",
    "/console/report",
    "/console/review",
    "/console/devices",
    "/console/import",
)


def _village_names(cw: ConsoleWorld, ward: str) -> list[str]:
    return [n for (n,) in cw.rows("SELECT name FROM villages WHERE ward_code = ?", [ward])]


def test_an_officer_of_one_ward_sees_nothing_of_another(cw):
    b = cw.signed_in("officer_b")
    a_village = cw.rows("SELECT id FROM villages WHERE ward_code = ? LIMIT 1", [WARD_A])[0][0]
    a_names = _village_names(cw, WARD_A)
    a_people = [m.name for m in cw.dataset.members]
    for path in (*PAGES, "/console/audit"):
        html = b.get(path).text
        assert not any(name in html for name in a_names), path
        assert not any(name in html for name in a_people), path
    assert "Thôn Bắc Hải" in b.get("/console/villages").text
    for path in (
        f"/console/villages/{a_village}",
        f"/console/?ward={WARD_A}",
        f"/console/teams/{cw.team_a}",
        f"/console/members/{cw.ids['leader_a']}",
    ):
        assert b.get(path).status_code == 404, path
    r = post(b, f"/console/villages/{a_village}/rename", "/console/villages", {"name": "X"})
    assert r.status_code == 404
    assert "X" not in _village_names(cw, WARD_A)


def test_a_leader_sees_only_their_team_and_a_member_is_refused(cw):
    leader = cw.signed_in("leader_a")
    mine = {m.name for m in cw.dataset.members if m.team_id == cw.team_a}
    others = {m.name for m in cw.dataset.members if m.team_id == cw.team_a2}
    html = leader.get("/console/members").text
    assert all(name in html for name in mine)
    assert not any(name in html for name in others)
    team_villages = set(next(t for t in cw.dataset.teams if t.id == cw.team_a).village_ids)
    other_villages = {v.name for v in cw.dataset.villages if v.id not in team_villages}
    villages_html = leader.get("/console/villages").text
    assert not any(f">{name}<" in villages_html for name in other_villages)
    assert leader.get("/console/audit").status_code == 403
    r = cw.client().post(
        "/console/sign-in", data={"code": cw.code("member_a")}, headers={"origin": BASE}
    )
    assert r.status_code == 403 and "Trang quản trị chỉ dành cho tổ trưởng" in r.text


def test_the_province_officer_sees_every_ward(cw):
    p = cw.signed_in("province")
    html = p.get("/console/").text
    assert "Sông Trí" in html and "Hải Ninh" in html
    assert "Thôn Bắc Hải" in p.get(f"/console/villages?ward={WARD_B}").text


def test_every_page_renders_with_demo_data_in_both_languages(cw):
    c = cw.signed_in("officer_a")
    for lang in ("vi", "en"):
        if lang == "en":
            r = c.get("/console/lang?to=en&next=/console/")
            assert r.status_code == 303 and r.headers["location"] == "/console/"
        for path in (*PAGES, "/console/audit"):
            r = c.get(path)
            assert r.status_code == 200, (lang, path)
            assert ("Overview" if lang == "en" else "Tổng quan") in r.text
    assert c.get("/console/lang?to=vi&next=https://evil.example/").headers["location"] == (
        "/console/"
    )


def test_tables_sort_the_vietnamese_way_and_search_without_accents(cw):
    c = cw.signed_in("officer_a")
    row = r'<th scope="row"><a href="/console/members/[^"]+">([^<]+)</a>'
    names = re.findall(row, c.get("/console/members?sort=name").text)
    assert len(names) > 3 and names == sorted(names, key=sort_key)
    assert re.findall(row, c.get("/console/members?sort=name&dir=desc").text) == names[::-1]
    accented = next(n for n in names if fold(n) != n.lower())
    found = re.findall(row, c.get("/console/members", params={"q": fold(accented)}).text)
    assert accented in found
    assert found == [n for n in names if fold(accented) in fold(n)]


def test_setting_up_a_ward_is_audited_before_and_after(cw):
    c = cw.signed_in("officer_a")
    r = post(
        c,
        "/console/villages",
        "/console/villages",
        {"name": "Khu tái định cư", "kind": "tổ dân phố"},
    )
    assert r.status_code == 303
    (vid,) = cw.rows("SELECT id FROM villages WHERE name = 'Khu tái định cư'")[0]
    r = post(
        c, f"/console/villages/{vid}/rename", "/console/villages", {"name": "Khu tái định cư Bắc"}
    )
    assert r.status_code == 303
    # Refusals say what to fix and keep the typing.
    r = post(c, "/console/teams", "/console/teams", {"name": "", "village_ids": vid})
    assert r.status_code == 422 and "Cần nhập tên tổ" in r.text
    r = post(c, "/console/teams", "/console/teams", {"name": "Tổ mới", "village_ids": vid})
    assert r.status_code == 303
    team_id = r.headers["location"].rsplit("/", 1)[1]
    assert cw.rows("SELECT village_id FROM team_villages WHERE team_id = ?", [team_id]) == [(vid,)]
    r = post(c, f"/console/villages/{vid}/retire", "/console/villages", {})
    assert r.status_code == 422 and "bỏ thôn khỏi tổ" in r.text
    r = post(
        c,
        "/console/members",
        "/console/members",
        {"name": "Lý Thị Mới", "role": "member", "team_id": team_id, "phone": "0912 345 678"},
    )
    assert r.status_code == 303
    member_id = r.headers["location"].rsplit("/", 1)[1]
    r = post(
        c,
        f"/console/members/{member_id}",
        f"/console/members/{member_id}",
        {"name": "Lý Thị Mới", "phone": "abc"},
    )
    assert r.status_code == 422 and 'value="abc"' in r.text
    r = post(
        c,
        f"/console/members/{member_id}/move",
        f"/console/members/{member_id}",
        {"team_id": cw.team_a},
    )
    assert r.status_code == 303
    assert cw.rows("SELECT team_id, phone FROM members WHERE id = ?", [member_id]) == [
        (cw.team_a, "+84912345678")
    ]
    entries = cw.rows(
        "SELECT action, actor_name, before, after FROM audit_log WHERE actor_id = ? ORDER BY id",
        [cw.ids["officer_a"]],
    )
    actions = [e[0] for e in entries]
    for expected in (
        "village_created",
        "village_renamed",
        "team_created",
        "team_updated",
        "member_created",
        "member_moved",
    ):
        assert expected in actions
    renamed = next(e for e in entries if e[0] == "village_renamed")
    assert renamed[1] and "Khu tái định cư" in renamed[2] and "Khu tái định cư Bắc" in renamed[3]
    page = c.get("/console/audit").text
    assert "đổi tên thôn/tổ dân phố" in page and "Khu tái định cư Bắc" in page
    assert "Khu tái định cư Bắc" not in cw.signed_in("officer_b").get("/console/audit").text
    csv = c.get("/console/download/audit.csv")
    assert csv.status_code == 200 and "Khu tái định cư Bắc" in csv.content.decode("utf-8-sig")


def test_deactivating_a_member_revokes_their_phone_at_once(cw):
    api = TestClient(cw.app)
    store = DeviceStore.open(cw.tmp / "phone.db")
    try:
        enrol(api, BASE, cw.code("member_a"), store)
        c = cw.signed_in("officer_a")
        target = cw.ids["member_a"]
        r = post(c, f"/console/members/{target}/deactivate", f"/console/members/{target}", {})
        assert r.status_code == 303
        headers = {
            "X-Fieldapp-Protocol": PROTOCOL_VERSION,
            "Authorization": f"Bearer {store.meta_get('device_token')}",
        }
        assert api.get("/api/v1/me", headers=headers).status_code == 401
        r = post(c, f"/console/members/{target}/code", f"/console/members/{cw.ids['leader_a']}", {})
        assert r.status_code == 403 and "ngừng hoạt động" in r.text
    finally:
        store.close()


def _phone(cw: ConsoleWorld, api: TestClient, who: str) -> DeviceStore:
    store = DeviceStore.open(cw.tmp / f"{who}-{uuid.uuid4().hex[:6]}.db")
    enrol(api, BASE, cw.code(who), store)
    return store


def _sync(api: TestClient, store: DeviceStore):
    return SyncClient(store, api, sleep=lambda s: None, rng=random.Random(0)).sync()


def test_a_resolved_conflict_reaches_the_phones_on_their_next_pull(cw):
    api = TestClient(cw.app)
    a, b = _phone(cw, api, "member_a"), _phone(cw, api, "leader_a")
    try:
        assert _sync(api, a).ok and _sync(api, b).ok
        (hid,) = a.db.execute("SELECT id FROM households ORDER BY id LIMIT 1").fetchone()
        a.save_household({**a.household(hid).to_dict(), "address_detail": "Số 5, ngõ 2"})
        b.save_household({**b.household(hid).to_dict(), "address_detail": "Số 7, ngõ 9"})
        assert _sync(api, a).ok and _sync(api, b).ok
        assert b.household(hid).address_detail == "Số 7, ngõ 9"
        c = cw.signed_in("officer_a")
        page = c.get("/console/review").text
        assert "Số 5, ngõ 2" in page and "Số 7, ngõ 9" in page
        (cid,) = cw.rows("SELECT id FROM conflicts WHERE kind = 'hard'")[0]
        r = post(c, f"/console/review/conflicts/{cid}", "/console/review", {"keep": "server"})
        assert r.status_code == 303
        assert _sync(api, a).ok and _sync(api, b).ok
        assert a.household(hid).address_detail == b.household(hid).address_detail == "Số 5, ngõ 2"
        (before, after) = cw.rows(
            "SELECT before, after FROM audit_log WHERE action = 'conflict_resolved'"
        )[0]
        assert "Số 7, ngõ 9" in before and "Số 5, ngõ 2" in after
        r = post(c, f"/console/review/conflicts/{cid}", "/console/", {"keep": "device"})
        assert r.status_code == 409 and "đã được xử lý" in r.text
    finally:
        a.close()
        b.close()


def test_dismissing_a_held_back_record_needs_a_note_and_is_audited(cw):
    api = TestClient(cw.app)
    a = _phone(cw, api, "member_a")
    try:
        assert _sync(api, a).ok
        (hid,) = a.db.execute("SELECT id FROM households ORDER BY id LIMIT 1").fetchone()
        # A stale list on the phone offers a village of another ward: not theirs.
        a.db.execute(
            "INSERT INTO villages (id, ward_code, name, kind, name_sort)"
            " VALUES ('vb1', ?, 'Thôn Bắc Hải', 'thôn', 'x')",
            [WARD_B],
        )
        a.save_household({**a.household(hid).to_dict(), "village_id": "vb1"})
        assert _sync(api, a).ok
        (qid, reason) = cw.rows("SELECT id, reason FROM quarantine")[0]
        assert reason == "out_of_scope"
        leader = cw.signed_in("leader_a")
        page = leader.get("/console/review").text
        assert "không thuộc thôn của tổ bạn" in page
        r = post(leader, f"/console/review/quarantine/{qid}", "/console/review", {"note": " "})
        assert r.status_code == 422 and "Cần ghi lý do" in r.text
        r = post(
            leader,
            f"/console/review/quarantine/{qid}",
            "/console/review",
            {"note": "Nhập nhầm thôn"},
        )
        assert r.status_code == 303
        assert cw.rows("SELECT resolved FROM quarantine WHERE id = ?", [qid]) == [(1,)]
        assert cw.rows("SELECT note FROM audit_log WHERE action = 'quarantine_dismissed'") == [
            ("Nhập nhầm thôn",)
        ]
        assert _sync(api, a).ok
        assert a.household(hid).village_id != "vb1"  # the server's version came back
    finally:
        a.close()


def test_the_commune_report_xlsx_is_laid_out_for_sending_upward(cw):
    c = cw.signed_in("officer_a")
    r = c.get("/console/report.xlsx?period=last_4_weeks")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value.startswith("UBND PHƯỜNG SÔNG TRÍ")
    texts = [c.value for row in ws.iter_rows(max_row=8) for c in row if c.value]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    assert any(str(t).startswith("Kỳ báo cáo: từ ngày ") for t in texts)
    header = [c.value for c in ws[9]]
    assert header[:6] == [
        "STT",
        "Thôn/Tổ dân phố",
        "Tổ CNSCĐ",
        "Tổng số hộ",
        "Số hộ đã thăm",
        "Số hộ còn phải thăm",
    ]
    assert ws.freeze_panes == "A10"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    villages = len(cw.dataset.villages)
    rows = list(ws.iter_rows(min_row=10, max_row=9 + villages + 1, values_only=True))
    assert [r[0] for r in rows[:-1]] == list(range(1, villages + 1))
    total = rows[-1]
    assert total[1] == "Tổng cộng"
    assert total[3] == sum(r[3] for r in rows[:-1]) == 240
    assert total[4] == sum(r[4] for r in rows[:-1])
    # Columns 7–10: dossiers submitted and how they went (counts), then the indicators (%).
    assert header[6:10] == [
        "Số hồ sơ nộp trực tuyến",
        "Số hồ sơ đã có kết quả",
        "Số hồ sơ bị từ chối",
        "Số hồ sơ quá hạn giải quyết",
    ]
    assert total[6] == sum(r[6] for r in rows[:-1])
    assert ws.cell(row=10 + villages, column=11).number_format == "0.0%"
    signature = [c.value for row in ws.iter_rows(min_row=10 + villages) for c in row if c.value]
    assert "NGƯỜI LẬP BIỂU" in signature and "LÃNH ĐẠO" in signature


def test_province_officer_issues_a_ward_officer_code_which_the_ward_cannot(cw):
    province = cw.signed_in("province")
    target = cw.ids["officer_b"]
    r = post(province, f"/console/members/{target}/code", f"/console/members/{target}", {})
    assert r.status_code == 200 and "Mã dùng một lần cho Phan Văn Ninh" in r.text
    code = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4})", r.text.split("Mã dùng một lần cho")[1]).group(1)
    signed = cw.client()
    assert (
        signed.post("/console/sign-in", data={"code": code}, headers={"origin": BASE}).status_code
        == 303
    )
    assert "Phường Hải Ninh" in signed.get("/console/").text
    ward_a = cw.signed_in("officer_a")
    assert ward_a.get(f"/console/members/{target}").status_code == 404
    # An officer issues a leader's code; the leader signs in to their team only.
    leader = cw.ids["leader_a"]
    r = post(ward_a, f"/console/members/{leader}/code", f"/console/members/{leader}", {})
    assert r.status_code == 200
    me = next(m.name for m in cw.dataset.members if m.id == cw.ids["officer_a"])
    devices = ward_a.get("/console/devices", params={"q": fold(me).upper()}).text
    assert me in devices
