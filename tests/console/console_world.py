"""A commune for console tests: the demo ward (Sông Trí, 18754) from the generator, a
second ward (Hải Ninh, 18781) with its own officer, team and households, and a province
officer. ``signed_in`` gives a TestClient with a console session for one of them.
``database`` is an SQLite file (the default, ``tmp/server.db``) or a PostgreSQL URL (the
``database`` fixture of tests/conftest.py, which ``cw`` passes; browser tests use SQLite)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from fieldapp.demo.generator import generate
from fieldapp.domain.model import Household, Member, Role, Team, Village
from fieldapp.server.app import create_app
from fieldapp.server.demo_load import load_demo
from fieldapp.server.open_storage import open_storage

WARD_A, WARD_B = "18754", "18781"
BASE = "http://testserver"
ORIGIN = {"origin": BASE}


class ConsoleWorld:
    def __init__(
        self, tmp: Path, households: int = 240, *, database: str | None = None, **app_kw: Any
    ):
        self.tmp = tmp
        self.database = database or str(tmp / "server.db")
        self.db_path = Path(self.database)  # meaningful for SQLite only
        self.storage = open_storage(self.database)
        self.dataset = generate(households=households)
        load_demo(self.storage, self.dataset)
        self.ids: dict[str, str] = {}
        demo = self.dataset.members
        self.ids["officer_a"] = next(m.id for m in demo if m.role == Role.OFFICER)
        leader = next(m for m in demo if m.role == Role.LEADER)
        self.ids["leader_a"], self.team_a = leader.id, leader.team_id
        self.ids["member_a"] = next(
            m.id for m in demo if m.role == Role.MEMBER and m.team_id == self.team_a
        )
        other = next(t for t in self.dataset.teams if t.id != self.team_a)
        self.team_a2 = other.id
        st = self.storage
        st.create_village(Village("vb1", WARD_B, "Thôn Bắc Hải", "thôn"))
        st.create_village(Village("vb2", WARD_B, "Thôn Nam Hải", "thôn"))
        st.create_team(Team("team-b", "Tổ CNSCĐ Bắc Hải", WARD_B, ("vb1", "vb2")))
        for key, name, role, team, ward in (
            ("leader_b", "Đỗ Văn Hải", Role.LEADER, "team-b", None),
            ("member_b", "Bùi Thị Hoa", Role.MEMBER, "team-b", None),
            ("officer_b", "Phan Văn Ninh", Role.OFFICER, None, WARD_B),
            ("province", "Hồ Thị Tỉnh", Role.OFFICER, None, None),
        ):
            self.ids[key] = st.create_member(
                Member(f"m-{key}", name, role, team), ward_code=ward
            ).id
        st.import_records(
            [Household(f"hb{i}", "vb1", f"Ngô Văn Biển {i}", f"Xóm {i}") for i in range(5)], []
        )
        self.app = create_app(self.storage, **app_kw)

    def code(self, who: str) -> str:
        return self.storage.issue_code(self.ids[who]).code

    def client(self, base_url: str = BASE) -> TestClient:
        return TestClient(self.app, base_url=base_url, follow_redirects=False)

    def signed_in(self, who: str, base_url: str = BASE) -> TestClient:
        c = self.client(base_url)
        r = c.post("/console/sign-in", data={"code": self.code(who)}, headers={"origin": base_url})
        assert r.status_code == 303, r.text
        return c

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self.storage.db.read() as conn:
            return conn.execute(sql, params or []).fetchall()

    def close(self) -> None:
        self.storage.close()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post(c: TestClient, path: str, page: str, data: dict[str, Any]) -> Any:
    """POST a console form the way a browser on the page would (origin + its token)."""
    token = csrf_of(c.get(page).text)
    return c.post(path, data={**data, "csrf": token}, headers=ORIGIN)
