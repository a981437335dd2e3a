"""Settings (language, about, sign-out rule, wipe) and the UI string table."""

import re
import unicodedata
from pathlib import Path

import pytest
from app_helpers import add_household

from fieldapp.app_services.context import AppContext
from fieldapp.app_services.settings import SettingsService
from fieldapp.ui.i18n import STRINGS, t
from fieldapp.ui.visit_labels import visit_line


def test_language_persists_and_rejects_unknown(store):
    settings = SettingsService(store)
    assert settings.language() == "vi"
    settings.set_language("en")
    assert SettingsService(store).language() == "en"
    with pytest.raises(ValueError):
        settings.set_language("fr")


def test_sign_out_refused_while_unsynced_unless_confirmed(tmp_path):
    ctx = AppContext.open(tmp_path)
    from fieldapp.domain.model import Village

    ctx.store.load_reference(villages=[Village("v-dong", "18754", "Thôn Đông")])
    settings = SettingsService(ctx.store)
    assert settings.check_sign_out().allowed  # nothing pending
    add_household(ctx.store, "Hộ Chưa Gửi")
    check = settings.check_sign_out()
    assert not check.allowed and check.pending == 1 and check.needs_confirmation
    assert settings.check_sign_out(confirmed=True).allowed
    old_device = ctx.store.device_id
    ctx.lang = "en"
    ctx.sign_out()
    assert ctx.store.device_id != old_device  # a wiped store is a new device
    assert ctx.store.pending_count() == 0 and ctx.identity is None
    assert SettingsService(ctx.store).language() == "en"  # the language choice survives
    assert SettingsService(ctx.store).about().version
    ctx.store.close()


def test_every_string_has_both_languages_in_nfc():
    for key, (vi, en) in STRINGS.items():
        assert vi and en, key
        assert unicodedata.normalize("NFC", vi) == vi, key
        assert set(re.findall(r"{(\w+)}", vi)) == set(re.findall(r"{(\w+)}", en)), key


def test_every_key_used_by_the_views_exists():
    ui = Path(__file__).resolve().parents[2] / "fieldapp" / "ui"
    used: set[str] = set()
    for path in ui.glob("*.py"):
        if path.name in ("portal_views.py", "coverage_views.py"):
            continue
        used |= set(re.findall(r'\btr\("(\w+)"', path.read_text(encoding="utf-8")))
    assert used and used <= set(STRINGS), used - set(STRINGS)


def test_dynamic_keys_exist_for_every_enum_value():
    from fieldapp.app_services.visit_form import (
        ACTIVITY_TOGGLES,
        CONSENT_CHOICES,
        OUTCOME_CHOICES,
        PAYMENT_CHOICES,
    )

    for prefix, values in (
        ("act_", ACTIVITY_TOGGLES),
        ("out_", OUTCOME_CHOICES),
        ("pay_", PAYMENT_CHOICES),
        ("consent_", CONSENT_CHOICES),
    ):
        for v in values:
            assert prefix + str(v) in STRINGS


def test_t_formats_and_defaults_to_vietnamese():
    assert t("pending_n", n=4) == "4 chưa đồng bộ"
    assert t("pending_n", "xx", n=4) == "4 chưa đồng bộ"


def test_visit_line_names_procedure_level_and_payment(store, member_id):
    from app_helpers import log_visit

    h = add_household(store, "Hộ A")
    v = log_visit(
        store,
        h,
        member_id,
        procedure_codes=["1.000894"],
        activities={"dossier_submitted", "fee_paid"},
        payment_status="verified",
        receipt_no="BL-9",
    )
    line = visit_line(v)
    assert "Đăng ký kết hôn (một phần)" in line and "Đã xác minh" in line
    assert "Partial" not in line and "(partial)" in visit_line(v, "en")
