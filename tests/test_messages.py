"""The one message catalogue (fieldapp/messages.py): every key used exists in Vietnamese
(NFC, with its diacritics) and English, and no two codes carry the same words by accident."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

from fieldapp.messages import MESSAGES, text, words

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fieldapp"

# The functions that look a key up, and the section a bare key of each area is in.
LOOKUPS = {"t", "tr", "_t", "text", "words"}
AREAS = {"ui": "app.", "app_services": "app.", "console": "console."}

# Vietnamese without diacritics (a typing slip) that is never a word of its own.
UNACCENTED = re.compile(r"\b(khong|duoc|nguoi|phuong|truong|thiet|chua|dien|thoai|nhap)\b", re.I)
# Vietnamese strings that are rightly plain ASCII (a format, a search example).
ASCII_VI = {"app.portal_search_hint", "console.date_hint"}
# Codes that share their words on purpose: the same label in two places of a screen,
# or on the phone and in the console, each free to be reworded on its own.
SAME_WORDS = [
    {"console.nav_procedures", "console.procedures_title"},
    {"app.filter_all", "app.fu_filter_all"},
    {"app.fee_paid_online", "console.dossier_fees_paid_online"},
    {"app.back", "console.import_back"},
    {"app.role_member", "console.role_member"},
    {"app.role_leader", "console.role_leader"},
    {"app.village", "console.field_village_id"},
    {"app.filter_never", "app.state_never"},
    {"app.filter_visited", "app.state_visited", "app.cov_col_visited"},
    {"app.load_more", "app.cov_more"},
    {"app.head_name", "console.field_head_name"},
    {"app.save", "console.save"},
    {"app.sign_out", "console.sign_out"},
    {"app.cov_no_data", "console.no_data"},
    {"app.cov_col_visits", "console.visits"},
    {"console.state", "console.import_state"},
    {"console.address", "console.field_address_detail"},
    {"console.phone", "console.field_phone"},
    {"console.field", "console.import_field"},
    {"console.import_refused_option", "console.import_count_refused"},
]


def _prefix_of(path: Path) -> str:
    return next((p for part, p in AREAS.items() if part in path.parts), "")


def _resolves(key: str, prefix: str) -> bool:
    return key in MESSAGES or f"{prefix}{key}" in MESSAGES


def _keys_in_python(path: Path) -> set[str]:
    """String keys passed to a lookup (``t("x")``, ``ctx.t("x")``, ``X.of("x", message=)``)."""
    keys: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        if name in LOOKUPS or name == "of":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys.add(first.value)
        if name == "of" or name == "error_from_response":
            for kw in node.keywords:
                if kw.arg in ("message", "fallback") and isinstance(kw.value, ast.Constant):
                    keys.add(str(kw.value.value))
    return keys


def test_every_key_used_in_the_code_and_templates_exists():
    missing: list[str] = []
    used = 0
    for path in PACKAGE.rglob("*.py"):
        if path.name == "messages.py":
            continue
        prefix = _prefix_of(path)
        for key in _keys_in_python(path):
            used += 1
            if not _resolves(key, prefix):
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    for path in (PACKAGE / "server" / "console" / "templates").rglob("*.html"):
        for key in re.findall(r"\bt\(['\"](\w+)['\"]\s*[,)]", path.read_text(encoding="utf-8")):
            used += 1
            if not _resolves(key, "console."):
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert used > 400  # the scan found the lookups
    assert not missing, missing


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_message_in_both_languages_nfc_with_diacritics(code: str):
    vi, en = MESSAGES[code]
    assert vi and en
    assert unicodedata.normalize("NFC", vi) == vi and unicodedata.normalize("NFC", en) == en
    assert set(re.findall(r"{(\w*)", vi)) == set(re.findall(r"{(\w*)", en))
    assert not UNACCENTED.search(vi), vi
    words_vi = re.findall(r"[^\W\d_]+", re.sub(r"{\w*}", "", vi))
    if len(words_vi) >= 2 and code not in ASCII_VI:
        assert not vi.isascii(), f"{code}: Vietnamese without a diacritic: {vi!r}"


def test_no_two_codes_share_their_words_by_accident():
    by_words: dict[tuple[str, str], set[str]] = {}
    for code, pair in MESSAGES.items():
        by_words.setdefault(pair, set()).add(code)
    shared = [codes for codes in by_words.values() if len(codes) > 1]
    accidental = [codes for codes in shared if codes not in SAME_WORDS]
    assert not accidental, accidental
    # and the list of deliberate ones holds no stale entry
    assert all(group in shared for group in SAME_WORDS)


def test_one_wording_for_cannot_reach_the_server():
    reach = [c for c, (_, en) in MESSAGES.items() if "reach the server" in en.lower()]
    assert reach == ["network"]


def test_lookups_format_and_fall_back_to_vietnamese():
    assert text("server_status", "en", status=502) == "The server answered 502."
    assert text("unknown_supersedes", "fr") == words("unknown_supersedes")[0]
