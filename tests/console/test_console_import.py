"""The console's list import through the real app (TestClient, real SQLite): upload →
columns → preview → commit → undo, its scope and CSRF, drafts owned by one session and
kept in the database, and ID numbers never stored nor sent back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from console_world import ORIGIN, WARD_A, WARD_B, ConsoleWorld, csrf_of
from fastapi.testclient import TestClient
from import_lists import BIRTH_DATES, CCCD, HEADS, household_list
from openpyxl import load_workbook

from fieldapp.server.app import create_app
from fieldapp.server.imports import commit, guess_mapping, preview, read_table
from fieldapp.server.open_storage import open_storage


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _upload(c, data: bytes, *, kind="households", name="ds.xlsx", query="", **extra):
    token = csrf_of(c.get("/console/import" + query).text)
    return c.post(
        "/console/import" + query,
        data={"csrf": token, "kind": kind, **extra},
        files={"file": (name, data)},
        headers=ORIGIN,
    )


def _draft(location: str) -> str:
    match = re.fullmatch(r"/console/import/([A-Za-z0-9_-]+)/columns", location)
    assert match, location
    return match.group(1)


def _confirm_columns(c, draft: str, **choices: str):
    page = c.get(f"/console/import/{draft}/columns")
    assert page.status_code == 200
    chosen = {}
    for block in page.text.split('<select name="map_')[1:]:
        name, options = block.split('">', 1)
        picked = re.search(r'<option value="([A-Z]+)" selected', options.split("</select>")[0])
        chosen[name] = picked.group(1) if picked else ""
    data = {f"map_{k}": v for k, v in {**chosen, **choices}.items()}
    r = c.post(
        f"/console/import/{draft}/columns",
        data={**data, "csrf": csrf_of(page.text)},
        headers=ORIGIN,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/console/import/{draft}"
    return c.get(f"/console/import/{draft}")


def _commit(c, draft: str, page_html: str, **extra: str):
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', page_html)
    assert seen, "no commit form"
    return c.post(
        f"/console/import/{draft}/commit",
        data={"csrf": csrf_of(page_html), "seen": seen.group(1), **extra},
        headers=ORIGIN,
    )


def _counts(html: str) -> dict[str, int]:
    found = re.findall(r'<span class="big">([\d.]+)</span> <span>([^<]+)</span>', html)
    names = {
        "mới": "new",
        "thay đổi": "changed",
        "không đổi": "unchanged",
        "trùng lặp (bỏ qua)": "duplicate",
        "bị từ chối": "refused",
        "dòng cộng/tiêu đề bỏ qua": "skipped",
    }
    return {names[label]: int(n.replace(".", "")) for n, label in found}


def _imported(cw: ConsoleWorld) -> list[tuple]:
    return cw.rows(
        "SELECT h.head_name, v.name, h.phone, h.members_count FROM households h"
        " JOIN villages v ON v.id = h.village_id WHERE h.head_name IN (?, ?, ?, ?, ?)"
        " AND h.deleted = 0 ORDER BY h.head_name",
        HEADS,
    )


def test_upload_columns_preview_fix_commit_and_reimport(cw):
    c = cw.signed_in("officer_a")
    bodies: list[bytes] = []
    data, at = household_list()
    r = _upload(c, data)
    assert r.status_code == 303
    draft = _draft(r.headers["location"])
    columns = c.get(r.headers["location"])
    bodies.append(columns.content)
    text = _text(columns.text)
    # Refused columns, said with why; they cannot be chosen for any field.
    assert "Cột C («So CCCD») chứa số CMND/CCCD: bị từ chối" in text
    assert "Cột D («Ngay sinh») chứa ngày tháng năm sinh đầy đủ" in text
    assert re.search(r'<option value="C" disabled>', columns.text)
    page = _confirm_columns(c, draft)
    bodies.append(page.content)
    text = _text(page.text)
    assert _counts(page.text) == {
        "new": 3,
        "changed": 0,
        "unchanged": 0,
        "duplicate": 0,
        "refused": 2,
        "skipped": 2,  # the row of column numbers and the subtotal
    }
    assert f"Ô E{at['bad_village']}" in text and "TDP 99" in text
    assert f"Ô G{at['bad_count']}" in text
    # Committing without choosing to skip refused rows imports nothing.
    r = _commit(c, draft, page.text)
    assert r.status_code == 422 and "Chưa nhập gì: 2 dòng bị từ chối" in _text(r.text)
    assert _imported(cw) == []
    # The file given back, a verdict beside each row, refused columns empty.
    xlsx = c.get(f"/console/import/{draft}/annotated.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    bodies.append(xlsx.content)
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert any("TDP 99" in v for v in cells)
    # The fixed file replaces the draft and keeps the confirmed columns.
    fixed, _ = household_list(fixed=True)
    r = _upload(c, fixed, replaces=draft)
    new_draft = _draft(r.headers["location"])
    assert c.get(f"/console/import/{draft}").status_code == 404
    page = _confirm_columns(c, new_draft)
    bodies.append(page.content)
    assert _counts(page.text)["new"] == 5 and _counts(page.text)["refused"] == 0
    r = _commit(c, new_draft, page.text)
    bodies.append(r.content)
    assert r.status_code == 200 and "Đã nhập xong" in r.text
    assert _counts(r.text)["new"] == 5
    rows = _imported(cw)
    assert [h for h, *_ in rows] == sorted(HEADS)  # NFC, spaces tidied
    assert {v for _, v, *_ in rows} == {"Tổ dân phố 11", "Tổ dân phố 12"}
    assert ("Trần Thị Danh", "Tổ dân phố 11", "+84912345679", 3) in rows
    # The draft is gone once committed.
    assert c.get(f"/console/import/{new_draft}").status_code == 404
    # Audited in the same transaction, and listed with its counts.
    (entry,) = cw.rows(
        "SELECT actor_id, ward_code, after FROM audit_log WHERE action = 'import_committed'"
    )
    assert entry[:2] == (cw.ids["officer_a"], WARD_A) and '"new":5' in entry[2]
    start = c.get("/console/import")
    assert "5 mới" in _text(start.text) and "Hoàn tác" in start.text
    audit_page = _text(c.get("/console/audit").text)
    assert "nhập danh sách" in audit_page
    # The same list again: recognised, nothing new.
    r = _upload(c, fixed)
    page = _confirm_columns(c, _draft(r.headers["location"]))
    counts = _counts(page.text)
    assert counts["new"] == 0 and counts["unchanged"] == 5
    r = _commit(c, _draft(r.headers["location"]), page.text)
    assert r.status_code == 200 and len(_imported(cw)) == 5
    # Nothing sent back held an ID number or a birth date.
    for body in bodies:
        for secret in CCCD + BIRTH_DATES:
            assert secret.encode() not in body
    c.close()


def test_undo_a_batch_from_the_console_is_audited(cw):
    c = cw.signed_in("officer_a")
    fixed, _ = household_list(fixed=True)
    r = _upload(c, fixed)
    draft = _draft(r.headers["location"])
    page = _confirm_columns(c, draft)
    assert _commit(c, draft, page.text).status_code == 200
    (batch,) = cw.rows("SELECT id FROM import_batches")
    confirm = c.get(f"/console/import/batches/{batch[0]}/undo")
    assert confirm.status_code == 200 and "Hoàn tác đợt nhập này" in confirm.text
    # Another ward's officer cannot even see it.
    other = cw.signed_in("officer_b")
    assert other.get(f"/console/import/batches/{batch[0]}/undo").status_code == 404
    r = other.post(
        f"/console/import/batches/{batch[0]}/undo",
        data={"csrf": csrf_of(other.get("/console/import").text)},
        headers=ORIGIN,
    )
    assert r.status_code in (403, 404) and len(_imported(cw)) == 5
    r = c.post(
        f"/console/import/batches/{batch[0]}/undo",
        data={"csrf": csrf_of(confirm.text)},
        headers=ORIGIN,
    )
    assert r.status_code == 303 and r.headers["location"] == "/console/import?undone=1"
    assert _imported(cw) == []
    (entry,) = cw.rows("SELECT ward_code, after FROM audit_log WHERE action = 'import_undone'")
    assert entry[0] == WARD_A and '"deleted":5' in entry[1]
    assert "đã hoàn tác" in _text(c.get("/console/import").text)


def test_a_stale_preview_says_so_and_commits_nothing(cw):
    c = cw.signed_in("officer_a")
    fixed, _ = household_list(fixed=True)
    r = _upload(c, fixed)
    draft = _draft(r.headers["location"])
    page = _confirm_columns(c, draft)
    # The same list is committed from another session meanwhile.
    other = cw.signed_in("officer_a")
    r2 = _upload(other, fixed)
    d2 = _draft(r2.headers["location"])
    assert _commit(other, d2, _confirm_columns(other, d2).text).status_code == 200
    r = _commit(c, draft, page.text)
    assert r.status_code == 409
    assert "đã thay đổi từ lúc xem trước" in _text(r.text)
    assert _counts(r.text)["new"] == 0  # the fresh preview
    assert len(_imported(cw)) == 5


def test_refused_rows_can_be_skipped(cw):
    c = cw.signed_in("officer_a")
    data, _ = household_list()
    r = _upload(c, data)
    draft = _draft(r.headers["location"])
    page = _confirm_columns(c, draft)
    assert "Bỏ qua 2 dòng bị từ chối" in page.text
    r = _commit(c, draft, page.text, skip_refused="1")
    assert r.status_code == 200 and len(_imported(cw)) == 3


def test_csrf_origin_and_roles(cw):
    c = cw.signed_in("officer_a")
    data, _ = household_list(fixed=True)
    files = {"file": ("ds.xlsx", data)}
    # No token, a wrong token, another site.
    assert (
        c.post(
            "/console/import", data={"kind": "households"}, files=files, headers=ORIGIN
        ).status_code
        == 403
    )
    assert (
        c.post("/console/import", data={"csrf": "0" * 64}, files=files, headers=ORIGIN).status_code
        == 403
    )
    token = csrf_of(c.get("/console/import").text)
    assert (
        c.post(
            "/console/import",
            data={"csrf": token},
            files=files,
            headers={"origin": "https://evil.example"},
        ).status_code
        == 403
    )
    r = _upload(c, data)
    draft = _draft(r.headers["location"])
    page = _confirm_columns(c, draft)
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', page.text).group(1)
    r = c.post(f"/console/import/{draft}/commit", data={"seen": seen}, headers=ORIGIN)
    assert r.status_code == 403 and _imported(cw) == []
    assert cw.rows("SELECT count(*) FROM import_drafts") == [(1,)]
    # A leader has no import page and cannot upload.
    leader = cw.signed_in("leader_a")
    assert leader.get("/console/import").status_code == 403
    token = csrf_of(leader.get("/console/").text)
    r = leader.post(
        "/console/import", data={"csrf": token, "kind": "households"}, files=files, headers=ORIGIN
    )
    assert r.status_code == 403 and cw.rows("SELECT count(*) FROM import_drafts") == [(1,)]
    # A member cannot sign in at all (see test_console_security); another ward's officer
    # cannot read, change or commit this session's draft, nor import into ward A.
    other = cw.signed_in("officer_b")
    assert other.get(f"/console/import/{draft}").status_code == 404
    assert other.get(f"/console/import/{draft}/columns").status_code == 404
    assert other.get(f"/console/import/{draft}/annotated.xlsx").status_code == 404
    token = csrf_of(other.get("/console/import").text)
    r = other.post(
        f"/console/import/{draft}/commit", data={"csrf": token, "seen": seen}, headers=ORIGIN
    )
    assert r.status_code == 404 and _imported(cw) == []
    assert other.get(f"/console/import?ward={WARD_A}").status_code == 404
    r = other.post(
        f"/console/import?ward={WARD_A}",
        data={"csrf": token, "kind": "households"},
        files=files,
        headers=ORIGIN,
    )
    assert r.status_code == 404 and cw.rows("SELECT count(*) FROM import_drafts") == [(1,)]
    # Another session of the same officer cannot read it either.
    again = cw.signed_in("officer_a")
    assert again.get(f"/console/import/{draft}").status_code == 404
    assert c.get(f"/console/import/{draft}").status_code == 200


def test_province_officer_picks_the_ward(cw):
    c = cw.signed_in("province")
    page = c.get("/console/import")
    assert page.status_code == 200 and 'name="ward"' in page.text and 'type="file"' not in page.text
    page = c.get(f"/console/import?ward={WARD_B}")
    assert 'type="file"' in page.text
    data, _ = household_list(fixed=True)
    r = _upload(c, data, query=f"?ward={WARD_A}")
    draft = _draft(r.headers["location"])
    page = _confirm_columns(c, draft)
    assert _counts(page.text)["new"] == 5
    r = _commit(c, draft, page.text)
    assert r.status_code == 200 and f'href="/console/villages?ward={WARD_A}"' in r.text


def test_a_file_that_cannot_be_read_is_said_in_vietnamese(cw):
    c = cw.signed_in("officer_a")
    r = _upload(c, b"\x00\x01 not a table", name="ds.xls")
    assert r.status_code == 422 and "Không đọc được tệp" in _text(r.text)
    r = _upload(c, b"", name="ds.csv")
    assert r.status_code == 422
    assert cw.rows("SELECT count(*) FROM import_drafts") == [(0,)]


def test_drafts_are_shared_by_server_processes_and_expire(cw, tmp_path):
    c = cw.signed_in("officer_a")
    data, _ = household_list(fixed=True)
    draft = _draft(_upload(c, data).headers["location"])
    # A second app over the same database (another `serve --workers` process).
    second = open_storage(cw.database)
    try:
        other = TestClient(create_app(second), base_url="http://testserver", follow_redirects=False)
        other.cookies.update(c.cookies)
        assert other.get(f"/console/import/{draft}/columns").status_code == 200
        with cw.storage.db.write() as w:
            w.conn.execute("UPDATE import_drafts SET expires_at = '2000-01-01T00:00:00+00:00'")
        assert other.get(f"/console/import/{draft}").status_code == 404
        # The next upload purges it.
        _upload(c, data)
        assert cw.rows("SELECT count(*) FROM import_drafts") == [(1,)]
    finally:
        second.close()


@pytest.mark.sqlite_only  # reads the database file and its WAL byte by byte
def test_id_numbers_never_reach_the_database_file(cw):
    c = cw.signed_in("officer_a")
    data, _ = household_list()
    draft = _draft(_upload(c, data).headers["location"])
    page = _confirm_columns(c, draft)
    # While the draft is kept, and after the commit.
    files = [Path(str(cw.db_path) + s) for s in ("", "-wal", "-shm")]
    for _ in range(2):
        stored = b"".join(p.read_bytes() for p in files if p.exists())
        assert stored
        for secret in CCCD + BIRTH_DATES:
            assert secret.encode() not in stored, secret
        _commit(c, draft, page.text, skip_refused="1")


def test_a_member_list_through_the_console(cw):
    c = cw.signed_in("officer_a")
    text = "Họ tên;Vai trò;Tổ;SĐT\r\nĐinh Văn Mới;Tổ viên;Tổ dân phố 3;0912 000 111\r\n"
    r = _upload(c, ("\ufeff" + text).encode(), kind="members", name="thanh-vien.csv")
    draft = _draft(r.headers["location"])
    page = _confirm_columns(c, draft)
    assert _counts(page.text)["new"] == 1, _text(page.text)
    assert _commit(c, draft, page.text).status_code == 200
    (row,) = cw.rows("SELECT role, phone FROM members WHERE name = 'Đinh Văn Mới'")
    assert row == ("member", "+84912000111")
    # A batch of members cannot be undone: no undo link for it.
    assert "Hoàn tác…" not in c.get("/console/import").text


def test_a_command_line_import_is_audited_too(cw):
    fixed, _ = household_list(fixed=True)
    raw = read_table(fixed, "ds.xlsx")
    pv = preview(
        cw.storage, raw, guess_mapping(raw, "households"), kind="households", ward_code=WARD_A
    )
    report = commit(cw.storage, pv)
    entries = cw.rows(
        "SELECT actor_id, entity_id, ward_code FROM audit_log WHERE action = 'import_committed'"
    )
    assert entries == [("cli", report.batch.id, WARD_A)]
    cw.storage.undo_import(report.batch.id)
    (after,) = cw.rows("SELECT after FROM audit_log WHERE action = 'import_undone'")
    assert '"deleted":5' in after[0] and '"kept_visited":0' in after[0]
