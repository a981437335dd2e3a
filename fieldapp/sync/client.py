"""The device's sync client: push the outbox, then pull the scope.

Usage from the app (blocking I/O, so run it off the UI event loop)::

    client = SyncClient(store, httpx.Client(timeout=30), on_progress=lambda d, t: ...)
    report = await asyncio.to_thread(client.sync)
    if report.error:                      # SyncAuthError → ask for a new enrolment code
        show(report.error.message_vi)     # ProtocolVersionError → ask to update the app

The server URL and token come from the store's meta (written by :func:`fieldapp.sync.enrol.enrol`).
``sync()`` never raises for network or server trouble: it returns a :class:`SyncReport`
whose ``error`` is a :class:`~fieldapp.sync.errors.SyncError`. The outbox is kept on
every error and each step commits on its own, so a sync killed at any point resumes
where it stopped. Progress is reported as ``on_progress(done, total)`` over the
outbox entries to push (``on_progress(0, 0)`` when there is nothing to send).
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from fieldapp.domain.model import Member, Role, Team, Village
from fieldapp.store import DeviceStore, OutboxEntry, settings
from fieldapp.store.sync_state import SentEntry
from fieldapp.sync.errors import (
    DeviceResetError,
    NetworkError,
    ProtocolVersionError,
    SyncAuthError,
    SyncError,
    error_body,
    error_from_response,
)
from fieldapp.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_BATCH_BYTES,
    MAX_BATCH_RECORDS,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    DeviceState,
    PullResponse,
    PushResponse,
    ResultStatus,
    encode_payload,
    encode_push,
)

__all__ = [
    "SyncClient",
    "SyncReport",
    "load_reference",
]

ProgressCallback = Callable[[int, int], None]


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


@dataclass
class SyncReport:
    """What one :meth:`SyncClient.sync` did; ``error`` is set when it stopped early."""

    pushed: int = 0
    duplicates: int = 0
    quarantined: int = 0
    conflicts: int = 0
    pulled: int = 0
    left_scope: int = 0
    resynced: bool = False
    error: SyncError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def error_code(self) -> str | None:
        return self.error.code if self.error else None

    @property
    def message_vi(self) -> str | None:
        return self.error.message_vi if self.error else None

    @property
    def message_en(self) -> str | None:
        return self.error.message_en if self.error else None


class SyncClient:
    """Push-then-pull sync of one :class:`DeviceStore` over an ``httpx.Client``."""

    def __init__(
        self,
        store: DeviceStore,
        http: httpx.Client,
        *,
        on_progress: ProgressCallback | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        batch_records: int = MAX_BATCH_RECORDS,
        batch_bytes: int = MAX_BATCH_BYTES // 2,
        pull_limit: int = DEFAULT_PULL_LIMIT,
        max_attempts: int = 5,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        compress: bool = True,
        token: str | None = None,
    ):
        self.store = store
        # The device token, when the app keeps it outside the store (secure storage).
        self.token = token
        self.http = http
        self.on_progress = on_progress
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.batch_records = batch_records
        self.batch_bytes = batch_bytes
        self.pull_limit = pull_limit
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.compress = compress

    # -- public -----------------------------------------------------------------------

    def sync(self) -> SyncReport:
        """Push everything pending, then pull the scope. Never raises for sync trouble."""
        report = SyncReport()
        try:
            state = self.device_state()
            self._reconcile(state)
            self.push_all(report)
            self.pull_all(report, state)
        except SyncError as exc:
            report.error = exc
        return report

    def device_state(self) -> DeviceState:
        return DeviceState.model_validate(self._call("GET", "/api/v1/me").json())

    # -- server restored / epoch --------------------------------------------------------

    def _reconcile(self, state: DeviceState) -> None:
        """Notice a restored server: new epoch, or a mark behind what it acknowledged."""
        sync = self.store.sync
        epoch = self.store.get(settings.SERVER_EPOCH)
        last_acked = self.store.get(settings.HIGH_WATER_MARK) or 0
        if epoch is not None and epoch != state.epoch:
            sync.requeue_after(state.high_water_mark)
            sync.set_cursor(0)
            # The restored server may lack records at or below its mark too: compare the
            # whole scope and send again what only this phone still has.
            self.store.put(settings.FULL_RESYNC, True)
        elif state.high_water_mark < last_acked:
            sync.requeue_after(state.high_water_mark)
        if sync.get_cursor() > state.latest_cursor:
            sync.set_cursor(0)
        self.store.put(settings.SERVER_EPOCH, state.epoch)

    # -- push -------------------------------------------------------------------------

    def push_all(self, report: SyncReport) -> None:
        total = self.store.pending_count()
        done = 0
        self._progress(0, total)
        gaps = 0
        # Nothing at or below `floor` is pending: each acknowledgement raises it, so each
        # batch is read (and acknowledged) without walking the acknowledged history.
        floor = 0
        while True:
            entries, body = self.store.sync.pending_push(
                self.store.device_id,
                after_seq=floor,
                limit=self.batch_records,
                max_bytes=self.batch_bytes,
            )
            if not entries:
                break
            response = self._push(entries, body)
            if response is None:  # the server asked to resend from an earlier seq
                gaps += 1
                if gaps > 3:
                    raise SyncError.of("sequence_gap", message="sequence_gap_repeated")
                total = max(total, done + self.store.pending_count())
                floor = 0  # entries were put back to pending
                continue
            acked = self.store.sync.apply_push_results(
                entries, response.high_water_mark, response.results
            )
            if response.high_water_mark > acked and self.store.sync.unsent_below(
                response.high_water_mark
            ):
                # The server holds numbers this device still has pending but did not send
                # in this batch: they were used before for other content (a phone
                # restored from a copy). Never count them as delivered.
                raise DeviceResetError.of("device_reset", message="device_reused", status=409)
            floor = max(floor, acked)
            for r in response.results:
                if r.status == ResultStatus.APPLIED:
                    report.pushed += 1
                elif r.status == ResultStatus.DUPLICATE and not r.code:
                    report.duplicates += 1
                else:
                    report.quarantined += 1
                if r.conflicts:
                    report.conflicts += 1
            done += len(entries)
            self._progress(min(done, total), max(total, done))

    def _push(
        self, entries: Sequence[OutboxEntry | SentEntry], raw: bytes | None = None
    ) -> PushResponse | None:
        """Send one batch: ``raw`` is its JSON body when already built (see pending_push)."""
        if raw is None:
            raw = encode_push(
                self.store.device_id,
                (
                    (
                        e.seq,
                        e.entity,
                        e.entity_id,
                        e.op,
                        encode_payload(e.payload),
                        e.base_version,
                        e.created_at,
                    )
                    for e in entries
                    if isinstance(e, OutboxEntry)
                ),
            )
        response = self._call("POST", "/api/v1/push", raw=raw, allow={409})
        if response.status_code == 409:
            error = error_body(response)
            if error.get("code") == "sequence_gap" and error.get("expected_seq"):
                expected = int(error["expected_seq"])
                lowest = self.store.sync.min_outbox_seq()
                if lowest is None or expected < lowest:
                    raise error_from_response(response, DeviceResetError)
                self.store.sync.requeue_after(expected - 1)
                return None
            raise error_from_response(response, DeviceResetError)
        return PushResponse.model_validate(response.json())

    # -- pull -------------------------------------------------------------------------

    def pull_all(self, report: SyncReport, state: DeviceState) -> None:
        sync = self.store.sync
        added, removed = sync.apply_scope(state.village_ids)
        report.left_scope += len(removed)
        if added:
            self._refresh_reference()
            sync.set_cursor(0)  # new villages: their history too
        # Households skipped earlier because of unsent edits (now sent): pull their
        # changes again from where the first was skipped.
        sync.take_refetch()
        checksum = self._pull_pages(report, track_seen=False)
        if not added and sync.unknown_visit_authors():
            # Visits by someone this phone cannot name (joined, moved or left since the
            # list was fetched): fetch the list again so coverage shows names, not ids.
            self._refresh_reference()
        forced = self.store.get(settings.FULL_RESYNC) is not None
        if self.store.get(settings.REFETCH_CURSOR) is not None and not forced:
            return  # rows with unsent edits skipped a newer version: a mismatch is expected
        if forced or (checksum is not None and checksum != sync.local_checksum()):
            # Drift (a manual edit, a restored server): re-download the whole scope.
            report.resynced = True
            sync.begin_full_resync()
            self._pull_pages(report, track_seen=True)
            resend = sync.finish_full_resync()
            self.store.put(settings.FULL_RESYNC, None)
            if resend:
                # Records only this phone still has went back to the outbox: send them
                # now and pull the versions the server gives them.
                self.push_all(report)
                self._pull_pages(report, track_seen=False)

    def _pull_pages(self, report: SyncReport, *, track_seen: bool) -> str | None:
        cursor = self.store.sync.get_cursor()
        while True:
            response = self._call(
                "GET", "/api/v1/pull", params={"cursor": cursor, "limit": self.pull_limit}
            )
            page = PullResponse.model_validate(response.json())
            if page.epoch != self.store.get(settings.SERVER_EPOCH):
                raise SyncError.of("epoch_changed")
            report.pulled += self.store.sync.apply_pull_page(
                page.changes, page.cursor, track_seen=track_seen
            )
            report.left_scope += sum(1 for c in page.changes if c.kind == "left_scope")
            cursor = page.cursor
            if not page.has_more:
                return page.checksum

    def _refresh_reference(self) -> None:
        load_reference(self.store, self._call("GET", "/api/v1/reference").json())

    # -- HTTP -------------------------------------------------------------------------

    def _progress(self, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(done, total)

    def _url(self, path: str) -> str:
        base = self.store.get(settings.SERVER_URL)
        if not base:
            raise SyncAuthError.of("not_enrolled")
        return base.rstrip("/") + path

    def _headers(self) -> dict[str, str]:
        token = self.token or self.store.get(settings.DEVICE_TOKEN)
        if not token:
            raise SyncAuthError.of("not_enrolled")
        return {PROTOCOL_HEADER: PROTOCOL_VERSION, "Authorization": f"Bearer {token}"}

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        raw: bytes | None = None,
        params: dict[str, Any] | None = None,
        allow: frozenset[int] | set[int] = frozenset(),
    ) -> httpx.Response:
        """One request with retries for transient trouble; raises SyncError otherwise.

        The JSON body is ``body`` encoded, or ``raw`` when the caller built it already.
        """
        url = self._url(path)
        headers = self._headers()
        content: bytes | None = raw
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
            if self.compress and len(content) > 1024:
                content = gzip.compress(content, compresslevel=1)
                headers["Content-Encoding"] = "gzip"
        for attempt in range(self.max_attempts):
            try:
                response = self.http.request(
                    method, url, content=content, params=params, headers=headers
                )
            except httpx.TransportError:
                if attempt + 1 == self.max_attempts:
                    raise NetworkError.of("network") from None
                self._backoff(attempt, None)
                continue
            status = response.status_code
            if status < 400 or status in allow:
                return response
            if status >= 500 or status == 429:
                if attempt + 1 == self.max_attempts:
                    raise error_from_response(response, SyncError)
                self._backoff(attempt, response.headers.get("Retry-After"))
                continue
            if status in (401, 403):
                raise error_from_response(response, SyncAuthError)
            if status == 426:
                raise error_from_response(response, ProtocolVersionError)
            raise error_from_response(response, SyncError)
        raise NetworkError.of("network")  # pragma: no cover - the loop always returns or raises

    def _backoff(self, attempt: int, retry_after: str | None) -> None:
        """Exponential backoff with full jitter; honours Retry-After within the cap."""
        delay = self.rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))
        if retry_after and retry_after.isdigit():
            delay = max(delay, min(self.backoff_cap, float(retry_after)))
        self.sleep(delay)
