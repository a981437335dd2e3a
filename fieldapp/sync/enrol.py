"""Enrolment: exchange a one-time code for a device token, then download the scope.

Usage (needs a running server)::

    result = enrol(httpx.Client(timeout=30), "https://sync.example.vn", "ABCD-EFGH", store)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.store import sync_state
from fieldapp.store.device_store import DeviceStore
from fieldapp.sync.errors import (
    EnrolmentError,
    NetworkError,
    ProtocolVersionError,
    error_from_response,
)
from fieldapp.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, EnrolResponse

__all__ = ["EnrolResult", "enrol", "load_reference", "reset_device_identity"]


@dataclass(frozen=True)
class EnrolResult:
    member_name: str
    team_name: str | None
    villages: list[str]
    pulled: int = 0


def load_reference(store: DeviceStore, data: dict[str, Any]) -> None:
    """Store villages, teams and members sent by the server (enrol or /reference)."""
    teams = data.get("teams") or ([data["team"]] if data.get("team") else [])
    store.load_reference(
        villages=[Village(v["id"], v["ward_code"], v["name"], v["kind"]) for v in data["villages"]],
        teams=[Team(t["id"], t["name"], t["ward_code"], tuple(t["village_ids"])) for t in teams],
        members=[
            Member(m["id"], m["name"], Role(m["role"]), m["team_id"], m.get("phone"))
            for m in data["members"]
        ],
    )


def reset_device_identity(store: DeviceStore) -> str:
    """Give this database a new device id and forget the token (after ``device_reset``).

    For a database restored from a copy, whose sequence numbers the server has already
    seen with other content. Pending outbox entries stay and are sent after the device
    enrols again (the server starts the new device's counter at :func:`next_seq`).
    """
    import uuid

    new_id = str(uuid.uuid4())
    with store.db.atomic():
        store.meta_set("device_id", new_id)
        for key in ("device_token", "sync_cursor", "server_epoch", "last_acked_seq"):
            store.meta_set(key, None)
    return new_id


def _reconcile_restored(store: DeviceStore, epoch: str, high_water_mark: int) -> None:
    """Re-enrolling after the server was restored (new epoch, or a mark behind what this
    phone saw acknowledged): nothing acknowledged by the lost server may stay lost.

    Entries after the server's mark go back to pending; the pull starts again at 0 and
    compares the whole scope (see ``finish_full_resync``), so records the server lost
    at or below its mark — e.g. a device the backup never knew — are queued again.
    """
    from fieldapp.sync.client import FULL_RESYNC_KEY

    old_epoch = store.meta_get("server_epoch")
    last_high_water_mark = int(store.meta_get("last_acked_seq") or 0)
    if (old_epoch is not None and old_epoch != epoch) or high_water_mark < last_high_water_mark:
        sync_state.requeue_after(store, high_water_mark)
        sync_state.set_cursor(store, 0)
        store.meta_set(FULL_RESYNC_KEY, "1")


def enrol(
    http: httpx.Client,
    server_url: str,
    code: str,
    store: DeviceStore,
    *,
    initial_pull: bool = True,
    save_token: Callable[[str], None] | None = None,
) -> EnrolResult:
    """Enrol this device; stores the token and reference data, then pulls the scope.

    The token goes to ``save_token`` (the app's secure storage on phones) when given,
    before the enrolment is recorded in the store, else to the store's ``meta``.

    Raises :class:`EnrolmentError` (wrong/used/expired code), :class:`NetworkError`
    (unreachable server) or :class:`ProtocolVersionError`.
    """
    base = server_url.rstrip("/")
    try:
        response = http.post(
            f"{base}/api/v1/enrol",
            json={
                "code": code,
                "device_id": store.device_id,
                "next_seq": sync_state.first_unsent_seq(store),
            },
            headers={PROTOCOL_HEADER: PROTOCOL_VERSION},
        )
    except httpx.TransportError:
        raise NetworkError.of("network") from None
    if response.status_code != 200:
        cls = ProtocolVersionError if response.status_code == 426 else EnrolmentError
        raise error_from_response(response, cls, fallback="enrol_failed")
    result = EnrolResponse.model_validate(response.json())
    if save_token is not None:
        # First: a crash after this leaves a token but no member, i.e. "not enrolled".
        save_token(result.token)
    with store.db.atomic():
        _reconcile_restored(store, result.epoch, result.high_water_mark)
        load_reference(store, result.model_dump())
        if save_token is None:
            store.meta_set("device_token", result.token)
        for key, value in (
            ("server_url", base),
            ("member_id", result.member.id),
            ("team_id", result.team.id if result.team else None),
            ("server_epoch", result.epoch),
            ("last_acked_seq", str(result.high_water_mark)),
        ):
            store.meta_set(key, value)
    pulled = 0
    if initial_pull:
        from fieldapp.sync.client import SyncClient

        report = SyncClient(store, http, token=result.token).sync()
        pulled = report.pulled
    return EnrolResult(
        member_name=result.member.name,
        team_name=result.team.name if result.team else None,
        villages=[v.name for v in result.villages],
        pulled=pulled,
    )
