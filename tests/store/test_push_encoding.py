"""One encoder of a push body: the fast path (outbox JSON spliced in) is byte for byte the
wire model's own encoding, and the client's other path goes through the same encoder."""

import json
import uuid
from dataclasses import asdict

import httpx

from fieldapp.store import settings
from fieldapp.sync.client import SyncClient
from fieldapp.sync.protocol import Mutation, PushRequest, encode_payload


def _fill(store, village):
    hid = str(uuid.uuid4())
    store.save_household(
        {"id": hid, "village_id": village.id, "head_name": 'Hộ "Ánh" \\ Lê', "phone": "0912345678"}
    )
    for notes in ("Đã hướng dẫn\ncài VNeID", "tab\there", ""):
        store.save_visit(
            {
                "id": str(uuid.uuid4()),
                "household_id": hid,
                "member_id": str(uuid.uuid4()),
                "visited_at": "2026-11-20T09:00:00+07:00",
                "consent": "given",
                "outcome": "done",
                "people_guided": 2,
                "activities": [
                    {"kind": "dossier_submitted", "procedure_code": "1.001193", "level": "full"}
                ],
                "notes": notes,
                "gps": {"lat": 21.0285, "lon": 105.8542, "accuracy_m": 12.5},
            }
        )
    store.save_household({"id": hid, "village_id": village.id, "head_name": "Lê Văn Tám"})


def test_fast_path_is_the_models_encoding_byte_for_byte(store, villages):
    _fill(store, villages[0])
    entries = store.pending_outbox()
    sent, body = store.sync.pending_push(store.device_id, limit=500, max_bytes=10**6)
    assert [e.seq for e in sent] == [e.seq for e in entries] and len(entries) == 5
    model = PushRequest(
        device_id=store.device_id, batch=[Mutation.model_validate(asdict(e)) for e in entries]
    )
    assert body == model.model_dump_json().encode()
    assert PushRequest.model_validate_json(body) == model


def test_the_outbox_stores_what_the_wire_carries(store, villages):
    _fill(store, villages[0])
    (payload,) = store.db.execute("SELECT payload FROM outbox ORDER BY seq LIMIT 1").fetchone()
    assert payload == encode_payload(json.loads(payload))


def test_the_clients_other_path_sends_the_same_bytes(store, villages):
    _fill(store, villages[0])
    store.put(settings.SERVER_URL, "http://server.test")
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(
            200, json={"ok": True, "epoch": "e", "high_water_mark": 0, "results": []}
        )

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        client = SyncClient(store, http, token="t", compress=False)
        client._push(store.pending_outbox())  # entries decoded, then encoded again
    _, fast = store.sync.pending_push(store.device_id, limit=500, max_bytes=10**6)
    assert seen == [fast]
