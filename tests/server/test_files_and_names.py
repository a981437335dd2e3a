"""Files and paths: databases for their owner only, file names that cannot leave their
folder, names that are not names refused at entry, and one bilingual line (exit 2)
instead of a traceback for a bad secret or a report folder that cannot be made.
"""

from __future__ import annotations

import asyncio
import os
import stat
import uuid
from pathlib import Path

import pytest
from fieldapp_harness import World

from fieldapp.app_services.context import AppContext
from fieldapp.cli import main
from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.server import accounts
from fieldapp.server.errors import ApiError
from fieldapp.server.sqlite_storage import SqliteStorage
from fieldapp.store import DeviceStore
from fieldapp.ui.portal_views import build_portal_screen

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")

NOT_NAMES = ["../../etc", "a/b", "a\\b", "..", "Thôn\nĐông", "Thôn\x00A", "Tổ\x1b[31m", "x\u2028y"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _db_files(db: Path) -> list[Path]:
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    assert all(f.exists() for f in files), files
    return files


def test_server_database_wal_and_folders_are_owner_only(tmp_path: Path):
    db = tmp_path / "new" / "data" / "server.db"
    storage = SqliteStorage(db)
    try:
        storage.create_village(Village("v1", "18754", "Thôn Đông"))
        assert [oct(_mode(f)) for f in _db_files(db)] == ["0o600"] * 3
        assert oct(_mode(db.parent)) == oct(_mode(db.parent.parent)) == "0o700"
    finally:
        storage.close()


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path):
    db = tmp_path / "server.db"
    SqliteStorage(db).close()
    db.chmod(0o644)
    storage = SqliteStorage(db)
    try:
        storage.create_village(Village("v1", "18754", "Thôn Đông"))
        assert [oct(_mode(f)) for f in _db_files(db)] == ["0o600"] * 3
    finally:
        storage.close()


def test_device_database_wal_and_folder_are_owner_only(tmp_path: Path):
    ctx = AppContext.open(tmp_path / "phone" / "home")
    try:
        ctx.store.meta_set("x", "1")
        assert [oct(_mode(f)) for f in _db_files(ctx.store_path)] == ["0o600"] * 3
        assert oct(_mode(ctx.store_path.parent)) == "0o700"
    finally:
        ctx.store.close()
    DeviceStore.open(tmp_path / "phone" / "home" / "device.db").close()  # reopens fine


@pytest.mark.parametrize("village", [*NOT_NAMES, "../../../../tmp/ap-phich", "/etc/passwd"])
def test_poster_path_never_leaves_its_folder(tmp_path: Path, village: str):
    folder = tmp_path / "posters"
    screen = build_portal_screen(village, "Tổ A", "0912 345 678", folder)
    path = screen.poster_path()
    assert path.parent == folder and path.resolve().parent == folder.resolve()
    assert path.name.startswith("ap-phich-") and path.suffix == ".pdf"
    screen.toggle("1.001193", True)
    written = asyncio.run(screen.on_make_poster())
    assert written is not None and written.parent == folder
    assert [p.name for p in tmp_path.rglob("*.pdf")] == [written.name]


@pytest.mark.parametrize("name", NOT_NAMES)
def test_names_that_are_not_names_are_refused_at_entry(world: World, name: str):
    officer = world.device("officer")
    headers = world.token_headers(officer)
    r = world.client.post(
        "/api/v1/admin/villages", headers=headers, json={"ward_code": "18754", "name": name}
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "name", r.text
    r = world.client.post(
        "/api/v1/admin/teams",
        headers=headers,
        json={"ward_code": "18754", "name": name, "village_ids": ["v1"]},
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "name", r.text
    with pytest.raises(ApiError):
        world.storage.create_team(Team(str(uuid.uuid4()), name, "18754", ("v1",)))
    assert world.count("villages") == 4 and world.count("teams") == 2


def test_admin_cli_refuses_a_village_name_with_one_line(tmp_path: Path, capsys):
    db = tmp_path / "server.db"
    args = ["admin", "create-ward-villages", "--database", str(db), "--ward", "18754"]
    assert main([*args, "--name", "../../x"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi:" in err and "Error:" in err and "Traceback" not in err


def _one_line_error(err: str) -> None:
    assert "Traceback" not in err and "Lỗi:" in err and "Error:" in err, err
    assert len([line for line in err.splitlines() if line.strip()]) <= 2, err


def test_bad_secret_stops_serve_and_admin_with_one_line(tmp_path: Path, capsys, monkeypatch):
    db = tmp_path / "server.db"
    monkeypatch.setenv(accounts.SECRET_ENV, "short")
    monkeypatch.setattr(accounts.secret, "_secrets", {})  # the cache of keys read
    assert main(["serve", "--database", str(db), "--port", "1"]) == 2
    _one_line_error(capsys.readouterr().err)
    storage = SqliteStorage(db)
    member_id = str(uuid.uuid4())
    try:
        storage.create_village(Village("v1", "18754", "Thôn Đông"))
        storage.create_team(Team("t1", "Tổ A", "18754", ("v1",)))
        storage.create_member(Member(member_id, "An", Role.LEADER, "t1"))
    finally:
        storage.close()
    assert main(["admin", "issue-code", "--database", str(db), "--member", member_id]) == 2
    _one_line_error(capsys.readouterr().err)
    # A secret file that cannot be read (here: a folder in its place).
    monkeypatch.delenv(accounts.SECRET_ENV)
    other = tmp_path / "b.db"
    (tmp_path / "b.db.secret").mkdir()
    assert main(["serve", "--database", str(other), "--port", "1"]) == 2
    _one_line_error(capsys.readouterr().err)


def test_report_to_a_folder_that_cannot_be_made_is_one_line(tmp_path: Path, capsys):
    db = tmp_path / "d.db"
    DeviceStore.open(db).close()
    (tmp_path / "a-file").write_text("x")
    for out in (tmp_path / "a-file" / "sub" / "r.csv", Path("/proc/fieldapp/r.csv")):
        args = ["report", "--database", str(db), "--kind", "villages", "--format", "csv"]
        args += ["--from", "01/06/2024", "--to", "30/06/2024", "--out", str(out)]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and "Lỗi:" in err and "cannot write" in err, err
