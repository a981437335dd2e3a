"""The phone's enrolment summary, settings and invite picker list names with numbers
in Vietnamese order, numbers read as numbers ("Tổ dân phố 2" < 10 < 11)."""

from __future__ import annotations

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.identity import load_identity
from fieldapp.app_services.sync_service import SyncService
from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.store import settings

NAMES = ["Tổ dân phố 10", "Tổ dân phố 2", "Tổ dân phố 11"]
ORDERED = ["Tổ dân phố 2", "Tổ dân phố 10", "Tổ dân phố 11"]


def test_identity_villages_and_invite_list_in_numeric_order(tmp_path):
    ctx = AppContext.open(tmp_path)
    store = ctx.store
    ids = [f"v-{n}" for n in (10, 2, 11)]  # the team's own order is by id, not by name
    store.load_reference(
        villages=[Village(i, "18754", n) for i, n in zip(ids, NAMES, strict=True)],
        teams=[Team("t1", "Tổ CNSCĐ 1", "18754", tuple(ids))],
        members=[
            Member("m-lead", "Tổ trưởng", Role.LEADER, "t1"),
            Member("m-10", "Tổ viên 10", Role.MEMBER, "t1"),
            Member("m-2", "Tổ viên 2", Role.MEMBER, "t1"),
        ],
    )
    store.put(settings.MEMBER_ID, "m-lead")
    store.meta_set("team_id", "t1")
    store.meta_set("device_token", "t" * 40)
    ident = load_identity(store)
    assert ident is not None and list(ident.village_names) == ORDERED
    names = [name for _, name in SyncService(ctx.store_path).team_members()]
    assert names == ["Tổ trưởng", "Tổ viên 2", "Tổ viên 10"]
    store.close()
