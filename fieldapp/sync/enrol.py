"""Enrolment: exchange a one-time code for a device token, then download the scope.

Usage (needs a running server)::

    result = enrol(httpx.Client(timeout=30), "https://sync.example.vn", "ABCD-EFGH", store)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from fieldapp.store import DeviceStore, settings
from fieldapp.sync.client import SyncClient, load_reference
from fieldapp.sync.errors import EnrolmentError, ProtocolVersionError
from fieldapp.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, EnrolResponse

__all__ = ["EnrolResult", "enrol", "reset_device_identity"]


@dataclass(frozen=True)
class EnrolResult:
    member_name: str
    team_name: str | None
    villages: list[str]
    pulled: int = 0


def reset_device_identity(store: DeviceStore) -> str:
    """Give this database a new device id and forget the token (after ``device_reset``).

    For a database restored from a copy, whose sequence numbers the server has already
    seen with other content. Pending outbox entries stay and are sent after the device
    enrols again (the server starts the new device's counter at :func:`next_seq`).
    """
    new_id = str(uuid.uuid4())
    with store.transaction():
        store.put(settings.DEVICE_ID, new_id)
        for setting in (settings.DEVICE_TOKEN, settings.SERVER_EPOCH):
            store.put(setting, None)
        for number in (settings.CURSOR, settings.HIGH_WATER_MARK):
            store.put(number, None)
    return new_id


def _reconcile_restored(store: DeviceStore, epoch: str, high_water_mark: int) -> None:
    """Re-enrolling after the server was restored (new epoch, or a mark behind what this
    phone saw acknowledged): nothing acknowledged by the lost server may stay lost.

    Entries after the server's mark go back to pending; the pull starts again at 0 and
    compares the whole scope (see ``finish_full_resync``), so records the server lost
    at or below its mark — e.g. a device the backup never knew — are queued again.
    """
    old_epoch = store.get(settings.SERVER_EPOCH)
    last_acked = store.get(settings.HIGH_WATER_MARK) or 0
    if (old_epoch is not None and old_epoch != epoch) or high_water_mark < last_acked:
        store.sync.requeue_after(high_water_mark)
        store.sync.set_cursor(0)
        store.put(settings.FULL_RESYNC, True)


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

    Raises :class:`EnrolmentError` (wrong/used/expired code, unreachable server) or
    :class:`ProtocolVersionError`.
    """
    base = server_url.rstrip("/")
    try:
        response = http.post(
            f"{base}/api/v1/enrol",
            json={
                "code": code,
                "device_id": store.device_id,
                "next_seq": store.sync.first_unsent_seq(),
            },
            headers={PROTOCOL_HEADER: PROTOCOL_VERSION},
        )
    except httpx.TransportError:
        raise EnrolmentError(
            "network",
            "Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.",
            "Cannot reach the server. Check the connection and try again.",
        ) from None
    if response.status_code != 200:
        body = (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else {}
        )
        error = body.get("error", {}) if isinstance(body, dict) else {}
        cls = ProtocolVersionError if response.status_code == 426 else EnrolmentError
        raise cls(
            str(error.get("code") or f"http_{response.status_code}"),
            str(error.get("message_vi") or "Không đăng ký được máy."),
            str(error.get("message_en") or "Enrolment failed."),
            status=response.status_code,
        )
    result = EnrolResponse.model_validate(response.json())
    if save_token is not None:
        # First: a crash after this leaves a token but no member, i.e. "not enrolled".
        save_token(result.token)
    with store.transaction():
        _reconcile_restored(store, result.epoch, result.high_water_mark)
        load_reference(store, result.model_dump())
        if save_token is None:
            store.put(settings.DEVICE_TOKEN, result.token)
        store.put(settings.SERVER_URL, base)
        store.put(settings.MEMBER_ID, result.member.id)
        store.put(settings.TEAM_ID, result.team.id if result.team else None)
        store.put(settings.SERVER_EPOCH, result.epoch)
        store.put(settings.HIGH_WATER_MARK, result.high_water_mark)
    pulled = 0
    if initial_pull:
        report = SyncClient(store, http, token=result.token).sync()
        pulled = report.pulled
    return EnrolResult(
        member_name=result.member.name,
        team_name=result.team.name if result.team else None,
        villages=[v.name for v in result.villages],
        pulled=pulled,
    )
