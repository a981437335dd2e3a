"""Helpers shared by the app-service tests (unique module name: tests run in one process)."""

import uuid
from datetime import datetime

import httpx

from fieldapp.app_services.sync_service import SyncService
from fieldapp.app_services.visit_form import VisitFormModel


def add_household(store, name, village="v-dong", **kw):
    h, _ = store.save_household(
        {"id": str(uuid.uuid4()), "village_id": village, "head_name": name, **kw}
    )
    return h


def log_visit(store, household, member_id, when: datetime | None = None, **kw):
    """Save a consented visit through the form model; fails the test if it is refused."""
    form = VisitFormModel(household_id=household.id, member_id=member_id, consent="given")
    form.outcome = kw.pop("outcome", "done")
    if when is not None:
        form.visited_at = when.astimezone().isoformat()
    for k, v in kw.items():
        setattr(form, k, v)
    result = form.save(store)
    assert result.ok, result.errors
    return result.visit


def server_service(world, ctx, **kw):
    """A SyncService for ``ctx`` talking to the in-process server of ``world``
    (tests/server/fieldapp_harness.World), its token kept in ``ctx.vault``."""
    return SyncService(
        ctx.store_path,
        http_factory=lambda base: httpx.Client(transport=world.client._transport, base_url=base),
        max_attempts=1,
        vault=ctx.vault,
        **kw,
    )
