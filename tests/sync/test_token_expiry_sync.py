"""Case 19 with an expired token: the sync stops with "expired — ask your leader for a new
code" (not "revoked"), keeps the outbox, and after re-enrolment sends each visit once.

Real app, real SQLite on both sides; the token is aged by writing ``last_used_at`` in the
server database, as a long-idle phone would find it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fieldapp_harness import BASE, World, household, visit

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.sync_service import SyncService
from fieldapp.server.settings import DEFAULT_TOKEN_IDLE_DAYS
from fieldapp.sync.enrol import enrol
from fieldapp.sync.errors import AUTH_MESSAGES, SyncAuthError

SERVER = "http://127.0.0.1:8765"


def expire_token(world: World, device_id: str) -> None:
    past = datetime.now(UTC) - timedelta(days=DEFAULT_TOKEN_IDLE_DAYS, hours=1)
    with world.storage.db.write() as w:
        w.conn.execute(
            "UPDATE device_tokens SET last_used_at = ? WHERE device_id = ? AND revoked_at IS NULL",
            [past.isoformat(timespec="milliseconds"), device_id],
        )


def test_case19_token_expired_mid_sync_stops_then_no_duplicates(world: World):
    a = world.device("a1")
    h = household(a)
    visits = [visit(a, h) for _ in range(9)]
    pushes = {"n": 0}

    def rule(req: httpx.Request) -> str | None:
        if req.url.path.endswith("/push"):
            pushes["n"] += 1
            if pushes["n"] == 2:
                # The server applies the second batch but the answer is lost ...
                return "drop_response"
            if pushes["n"] == 3:
                # ... and before the retry the token runs out.
                expire_token(world, a.device_id)
        return None

    report = world.sync(a, world.transport(rule=rule), batch_records=3)
    error = report.error
    assert isinstance(error, SyncAuthError) and error.status == 401
    assert error.code == "token_expired" and error.expired
    assert "hết hạn" in error.message_vi and "mã đăng ký mới" in error.message_vi
    assert "expired" in error.message_en and "new enrolment code" in error.message_en
    assert (error.message_vi, error.message_en) != AUTH_MESSAGES["unauthenticated"]
    # Nothing lost on the phone: all it was not told about is still waiting.
    assert a.pending_count() == 7
    assert world.count("visits") == 5  # batches 1 and 2 reached the server
    hwm_before = world.server_rows("SELECT hwm FROM devices WHERE id = ?", [a.device_id])

    code = world.storage.issue_code(world.members["a1"].id).code
    # Without the initial sync enrol() would run, to count what the next sync resends.
    enrol(world.client, BASE, code, a, initial_pull=False)
    assert a.meta_get("last_acked_seq") == str(hwm_before[0][0])  # the server kept its mark
    assert world.server_rows("SELECT hwm FROM devices WHERE id = ?", [a.device_id]) == hwm_before
    report = world.sync(a)
    assert report.ok, report.error
    assert report.duplicates == 3  # batch 2 resent, recognised, not applied again
    assert a.pending_count() == 0
    rows = world.server_rows("SELECT id, count(*) FROM visits GROUP BY id")
    assert sorted(rows) == sorted((v, 1) for v in visits)
    assert world.count("households") == 1


def test_revoked_message_differs_from_expired(world: World):
    a, b = world.device("a1"), world.device("a2")
    expire_token(world, a.device_id)
    world.storage.revoke_device(b.device_id)
    expired, revoked = world.sync(a).error, world.sync(b).error
    assert isinstance(expired, SyncAuthError) and isinstance(revoked, SyncAuthError)
    assert expired.code == "token_expired" and revoked.code == "unauthenticated"
    assert not revoked.expired
    assert "thu hồi" in revoked.message_vi and "revoked" in revoked.message_en
    assert "hết hạn" not in revoked.message_vi
    assert expired.message_vi != revoked.message_vi
    assert expired.message_en != revoked.message_en


@pytest.fixture
def ctx(tmp_path):
    c = AppContext.open(tmp_path / "phone")
    yield c
    c.store.close()


def _service(world: World, ctx: AppContext) -> SyncService:
    def factory(base_url: str) -> httpx.Client:
        return httpx.Client(transport=world.client._transport, base_url=base_url)

    return SyncService(ctx.store_path, http_factory=factory, max_attempts=1)


def test_app_shows_expired_reason_in_both_languages(world: World, ctx: AppContext):
    """What the sync screen shows (SyncSummary.message) names expiry and the cure."""
    service = _service(world, ctx)
    assert service.enrol(SERVER, world.storage.issue_code(world.members["a1"].id).code).ok
    device_id = ctx.store.device_id
    household(ctx.store)
    expire_token(world, device_id)

    summary = service.sync()
    assert not summary.ok and summary.reachable and summary.auth_failed
    assert summary.message("vi") == AUTH_MESSAGES["token_expired"][0]
    assert summary.message("en") == AUTH_MESSAGES["token_expired"][1]
    assert "tổ trưởng" in summary.message("vi") and "team leader" in summary.message("en")
    assert ctx.store.pending_count() == 1

    assert service.enrol(SERVER, world.storage.issue_code(world.members["a1"].id).code).ok
    assert ctx.store.device_id == device_id
    assert ctx.store.pending_count() == 0  # enrolment's first sync sent it
    summary = service.sync()
    assert summary.ok and summary.pushed == 0, summary
    assert world.count("households") == 1

    world.storage.revoke_device(device_id)
    summary = service.sync()
    assert summary.auth_failed
    assert summary.message("vi") == AUTH_MESSAGES["unauthenticated"][0]
    assert summary.message("en") == AUTH_MESSAGES["unauthenticated"][1]
