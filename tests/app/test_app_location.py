""" "Lấy vị trí": permission, one fix, a time limit, and every failure turned into a
Vietnamese message while the form keeps what was typed. The position provider is the
edge, so tests inject plain objects for it; the store is real."""

import asyncio
import math

import pytest
from app_helpers import add_household

from fieldapp.app_services.location import LocateResult, PositionFix, PositionUnavailable, locate
from fieldapp.app_services.visit_form import VisitFormModel


class Provider:
    """A scripted position provider; records what it was asked."""

    def __init__(self, permission="whileInUse", fix=None, error=None, delay=0.0):
        self.permission = permission
        self.fix = fix if fix is not None else PositionFix(18.0656051, 106.3005449, 12.34)
        self.error = error
        self.delay = delay
        self.asked_position = False

    async def request_permission(self):
        return self.permission

    async def current_position(self):
        self.asked_position = True
        await asyncio.sleep(self.delay)
        if self.error:
            raise self.error
        return self.fix


def run(provider, **kw) -> LocateResult:
    return asyncio.run(locate(provider, **kw))


def test_granted_gives_a_rounded_fix_with_accuracy():
    result = run(Provider())
    assert result.ok and result.message() == ""
    assert result.fix == PositionFix(18.065605, 106.300545, 12.3)


@pytest.mark.parametrize("status", ["always", "unableToDetermine"])
def test_other_answers_that_allow_trying(status):
    # unableToDetermine: a browser without the Permissions API — only trying tells.
    assert run(Provider(permission=status)).ok


def test_denied_says_so_and_never_asks_for_a_position():
    provider = Provider(permission="denied")
    result = run(provider)
    assert not result.ok and not provider.asked_position
    assert "Chưa được phép lấy vị trí" in result.message()
    assert "nhập vị trí bằng tay" in result.message()
    assert "not allowed" in result.message("en")


def test_denied_forever_points_to_settings():
    result = run(Provider(permission="deniedForever"))
    assert "Cài đặt" in result.message() and "Settings" in result.message("en")


def test_timeout_is_bounded_and_named():
    result = run(Provider(delay=5), timeout=0.05)
    assert result.problem == "timeout"
    assert "Không lấy được vị trí sau 0.05 giây" in result.message()


@pytest.mark.parametrize(
    "error", [PositionUnavailable("web"), RuntimeError("client error"), ValueError("x")]
)
def test_provider_failure_is_unavailable(error):
    result = run(Provider(error=error))
    assert result.problem == "unavailable"
    assert "không lấy được vị trí" in result.message()


def test_permission_error_is_denied():
    assert run(Provider(error=PermissionError())).problem == "denied"


@pytest.mark.parametrize(
    "fix",
    [
        PositionFix(0.0, 0.0, 5.0),  # "null island": the provider had nothing
        PositionFix(math.nan, 106.3, 5.0),
        PositionFix(91.0, 106.3, 5.0),
        PositionFix(18.0, 181.0, 5.0),
        "18.06, 106.3",
    ],
)
def test_bad_fix_is_refused(fix):
    result = run(Provider(fix=fix))
    assert result.problem == "bad_fix" and "không hợp lệ" in result.message()


def test_zero_accuracy_means_unknown():
    assert run(Provider(fix=PositionFix(18.06, 106.3, 0.0))).fix.accuracy_m is None


def test_fix_fills_form_and_reaches_the_store_with_accuracy(store, member_id):
    h = add_household(store, "Nguyễn Văn Long")
    form = VisitFormModel(household_id=h.id, member_id=member_id, consent="given")
    form.outcome = "done"
    form.notes = "Đã hướng dẫn"
    fix = run(Provider()).fix
    shown = form.apply_fix(fix.lat, fix.lon, fix.accuracy_m)
    assert shown == "18.065605, 106.300545"
    result = form.save(store)
    assert result.ok, result.errors
    saved = store.visit(result.visit.id)
    assert (saved.gps.lat, saved.gps.lon, saved.gps.accuracy_m) == (18.065605, 106.300545, 12.3)
    assert saved.notes == "Đã hướng dẫn"


def test_hand_edited_position_drops_the_accuracy(member_id):
    form = VisitFormModel(household_id="h", member_id=member_id, consent="given")
    form.apply_fix(18.065605, 106.300545, 12.3)
    form.gps_text = "18.07, 106.29"  # the member corrected it by hand
    assert form.to_dict()["gps"] == {"lat": 18.07, "lon": 106.29}


def test_declined_consent_sends_no_position_even_after_a_fix(member_id):
    form = VisitFormModel(household_id="h", member_id=member_id, consent="given")
    form.apply_fix(18.065605, 106.300545, 12.3)
    form.consent = "declined"
    assert form.to_dict()["gps"] is None
    form.consent = "given"  # switching back restores it
    assert form.to_dict()["gps"]["accuracy_m"] == 12.3
