"""The app's sync service against the real server app (in-process, real SQLite both sides):
enrol from typed fields or a pasted link, sync, issues listed in Vietnamese, invites."""

import httpx
import pytest
from app_helpers import add_household

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.home import home_summary
from fieldapp.app_services.sync_service import SyncService
from fieldapp.app_services.visit_form import VisitFormModel

SERVER = "http://127.0.0.1:8765"


def _service(world, ctx, *, offline=False):
    def factory(base_url):
        if offline:

            def refuse(request):
                raise httpx.ConnectError("offline (injected)", request=request)

            return httpx.Client(transport=httpx.MockTransport(refuse), base_url=base_url)
        return httpx.Client(transport=world.client._transport, base_url=base_url)

    return SyncService(ctx.store_path, http_factory=factory, max_attempts=1)


@pytest.fixture
def ctx(tmp_path):
    c = AppContext.open(tmp_path / "phone")
    yield c
    c.store.close()


def test_enrol_with_code_then_sync_a_visit_once(world, ctx):
    code = world.storage.issue_code(world.members["a1"].id).code
    service = _service(world, ctx)
    bad = service.enrol(SERVER, "WRONG-CODE")
    assert not bad.ok and bad.errors["code"]
    outcome = service.enrol(SERVER, code)
    assert outcome.ok, outcome.errors
    assert outcome.member_name == "Trần Thị Bình" and outcome.role == "member"
    assert outcome.team_name == "Tổ CNSCĐ 1" and set(outcome.village_names) == {
        "Tổ dân phố 1",
        "Tổ dân phố 2",
    }
    ident = ctx.reload_identity()
    assert ident and ident.member_id == world.members["a1"].id and not ident.is_leader

    h = add_household(ctx.store, "Nguyễn Thị Ánh", village="v1")
    form = VisitFormModel(household_id=h.id, member_id=ident.member_id, consent="given")
    form.add_procedure("1.001193")
    form.toggle_activity("fee_paid", True)
    form.payment_status = "self_reported"
    form.outcome = "done"
    assert form.save(ctx.store).ok

    offline = _service(world, ctx, offline=True).sync()
    assert not offline.ok and not offline.reachable and "kết nối" in offline.message_vi
    assert ctx.store.pending_count() == 2

    progress = []
    summary = service.sync(lambda done, total: progress.append((done, total)))
    assert summary.ok and summary.pushed == 2, summary
    assert progress and ctx.store.pending_count() == 0
    assert home_summary(ctx.store, member_id=ident.member_id).last_sync_at
    assert service.sync().ok  # a second sync sends nothing again
    rows = world.server_rows("SELECT id FROM visits WHERE id = ?", [form.id])
    assert len(rows) == 1


def test_pasted_link_enrols_and_leader_can_invite(world, ctx):
    from fieldapp.portal.enrol_link import build_enrol_link, parse_enrol_link

    code = world.storage.issue_code(world.members["leader_a"].id).code
    service = _service(world, ctx)
    outcome = service.enrol("", build_enrol_link(SERVER, code))
    assert outcome.ok and outcome.role == "leader"
    assert ctx.reload_identity().is_leader
    members = dict((name, mid) for mid, name in service.team_members())
    assert "Lê Văn Cường" in members
    invite = service.issue_invite(members["Lê Văn Cường"])
    assert invite.ok, invite.message
    assert parse_enrol_link(invite.link) == (SERVER, invite.code)


def test_issues_listed_with_vietnamese_reason(world, ctx):
    code = world.storage.issue_code(world.members["a1"].id).code
    service = _service(world, ctx)
    assert service.enrol(SERVER, code).ok
    h = add_household(ctx.store, "Hộ Xung Đột", village="v1")
    ctx.store.db.execute(
        "INSERT INTO sync_issues (kind, entity, entity_id, seq, detail, created_at) VALUES"
        " ('rejected', 'household', ?, 1, ?, '2026-03-11T01:00:00+00:00')",
        [h.id, '{"code": "x", "message_vi": "Thôn không thuộc tổ.", "message_en": "Not yours."}'],
    )
    ctx.store.db.conn.commit()
    issues = service.issues()
    assert [(i.kind, i.label, i.reason) for i in issues] == [
        ("rejected", "Hộ Xung Đột", "Thôn không thuộc tổ.")
    ]
    assert service.issues("en")[0].reason == "Not yours."


def test_not_enrolled_sync_says_so(world, ctx):
    summary = _service(world, ctx).sync()
    assert not summary.ok and "chưa đăng ký" in summary.message_vi
