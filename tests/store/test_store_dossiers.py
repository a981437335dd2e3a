"""The phone's dossiers, derived from the visits it holds: saved, corrected, re-opened."""

import uuid

from fieldapp.domain.dossier import derive_dossiers
from fieldapp.domain.model import Channel, DossierStatus, FeeStatus
from fieldapp.store import DeviceStore


def uid() -> str:
    return str(uuid.uuid4())


def save(store, household_id, at, *acts, **kw):
    return store.save_visit(
        {
            "id": uid(),
            "household_id": household_id,
            "member_id": kw.pop("member_id", MEMBER),
            "visited_at": at,
            "consent": "given",
            "outcome": "done",
            "people_guided": 1,
            "activities": list(acts),
            **kw,
        }
    )


MEMBER = uid()


def test_dossiers_follow_saved_visits_and_survive_reopening(tmp_path, villages):
    path = tmp_path / "device.db"
    store = DeviceStore.open(path)
    store.load_reference(villages=villages)
    a, _ = store.save_household(
        {"id": uid(), "village_id": villages[0].id, "head_name": "Lê Văn A"}
    )
    b, _ = store.save_household(
        {"id": uid(), "village_id": villages[1].id, "head_name": "Trần Thị B"}
    )
    d1, d2 = uuid.uuid4().hex, uuid.uuid4().hex
    first = save(
        store,
        a.id,
        "2026-11-02T09:00:00+07:00",
        {
            "kind": "dossier_submitted",
            "procedure_code": "1.004222",
            "level": "full",
            "dossier_id": d1,
        },
    )
    save(
        store,
        b.id,
        "2026-11-03T09:00:00+07:00",
        {
            "kind": "dossier_submitted",
            "procedure_code": "1.001193",
            "level": "full",
            "dossier_id": d2,
        },
    )
    wrong = save(
        store,
        a.id,
        "2026-11-05T09:00:00+07:00",
        {"kind": "dossier_update", "dossier_id": d1, "dossier_status": "refused"},
        channel="phone",
    )
    # The member corrects the slip: the dossier was in fact processed, fee awaited.
    save(
        store,
        a.id,
        "2026-11-05T09:10:00+07:00",
        {
            "kind": "dossier_update",
            "dossier_id": d1,
            "dossier_status": "processing",
            "fee_status": "awaiting_payment",
        },
        channel="phone",
        supersedes=wrong.id,
    )
    store.close()

    store = DeviceStore.open(path)
    every = store.dossiers()
    assert [d.dossier_id for d in every] == [d1, d2]  # oldest submission first
    (only_a,) = store.dossiers(a.id)
    assert only_a == every[0]
    assert (only_a.status, only_a.fee_status, only_a.submitted_visit_id) == (
        DossierStatus.PROCESSING,
        FeeStatus.AWAITING_PAYMENT,
        first.id,
    )
    assert only_a.channel is Channel.PHONE  # the corrected follow-up was a phone call
    assert [d.dossier_id for d in store.dossiers(b.id)] == [d2]
    assert store.dossiers(uid()) == []
    # The same as deriving from the stored visits directly.
    assert list(derive_dossiers(store.visits_for_household(a.id)).values()) == [only_a]
    store.close()
