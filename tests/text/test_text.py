"""Vietnamese text: NFC, accent-free search keys, Vietnamese ordering, phone numbers."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.text import fold, given_name_first, nfc, normalize_phone, sort_key


def vsorted(names, **kw):
    return sorted(names, key=sort_key, **kw)


def test_nfc_composes_and_trims():
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Thị Ánh ")
    assert nfd != "Nguyễn Thị Ánh"
    assert nfc(nfd) == "Nguyễn Thị Ánh"
    assert nfc(None) == ""


@pytest.mark.parametrize(
    "query",
    [
        "nguyen thi anh",
        "NGUYEN THI ANH",
        unicodedata.normalize("NFD", "Nguyễn Thị Ánh"),
        "Nguyễn Thị Ánh",
        "nguyễn thị ánh",
    ],
)
def test_fold_matches_all_spellings(query):
    assert fold(query) == fold("Nguyễn Thị Ánh") == "nguyen thi anh"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đặng Đức", "dang duc"),
        ("ƯƠNG", "uong"),
        ("Hồ Chí Minh", "ho chi minh"),
        ("Phường Sông Trí", "phuong song tri"),
        ("", ""),
    ],
)
def test_fold_cases(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "expected",
    [
        ["An Bình", "Anh", "Ánh", "Anh Ba"],
        ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g"],
        ["o", "ô", "ơ", "p"],
        ["u", "ư", "v"],
        # tones: ngang < huyền < hỏi < ngã < sắc < nặng
        ["ma", "mà", "mả", "mã", "má", "mạ"],
        ["Dung", "Duy", "Đào", "Đạt"],
        ["Lan", "Lân", "Lê", "Long"],
        ["Ân", "Ấn", "Bảo"],
        ["Tâm", "Tấm", "Tầm An"],
        ["Hà", "Hà Anh", "Hải"],
    ],
)
def test_vietnamese_order(expected):
    shuffled = list(reversed(expected))
    assert vsorted(shuffled) == expected


def test_order_ignores_case_and_normal_form():
    names = ["anh", unicodedata.normalize("NFD", "Ánh"), "AN BÌNH"]
    assert [nfc(n) for n in vsorted(names)] == ["AN BÌNH", "anh", "Ánh"]


def test_given_name_first_ordering():
    names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Anh"]
    by_given = sorted(names, key=lambda n: sort_key(given_name_first(n)))
    assert by_given == ["Trần Thị An", "Lê Anh", "Nguyễn Văn Bình"]
    assert given_name_first("Ánh") == "Ánh"


def test_sort_key_is_sql_sortable_text():
    """The key is plain text so SQLite's BINARY collation orders like Python does."""
    import sqlite3

    names = ["Đào", "Anh Ba", "An Bình", "Ánh", "Anh", "Dung", "Ăn"]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (name TEXT, k TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(n, sort_key(n)) for n in names])
    from_sql = [r[0] for r in conn.execute("SELECT name FROM t ORDER BY k")]
    assert from_sql == vsorted(names)


@pytest.mark.parametrize(
    ("raw", "value", "kind", "warns"),
    [
        ("0912 345 678", "+84912345678", "mobile", False),
        ("091.234.5678", "+84912345678", "mobile", False),
        ("+84 912 345 678", "+84912345678", "mobile", False),
        ("84912345678", "+84912345678", "mobile", False),
        ("0239 3855 555", "+842393855555", "landline", False),
        ("0123", "0123", "invalid", True),
        ("abc xyz", "abc xyz", "invalid", True),
        ("+1 650 253 0000", "+16502530000", "mobile", True),
    ],
)
def test_phone_cases(raw, value, kind, warns):
    result = normalize_phone(raw)
    assert result is not None
    assert result.value == value
    assert result.kind == kind
    assert (result.warning_vi is not None) is warns
    if warns:
        assert "vẫn lưu" in result.warning_vi  # a warning, never a block


def test_phone_empty_is_none():
    assert normalize_phone("") is None
    assert normalize_phone("   ") is None


@pytest.mark.parametrize(
    "expected",
    [
        ["Tổ dân phố 2", "Tổ dân phố 10", "Tổ dân phố 11"],
        ["Thôn 1", "Thôn 1A", "Thôn 2", "Thôn 9", "Thôn 10", "Thôn Đông"],
        ["Tổ 3 Đông", "Tổ 3 Tây", "Tổ 12 Bắc"],
        ["Số 02", "Số 2", "Số 10"],  # leading zeros: the same number, the text breaks the tie
        ["Khu 2b", "Khu 10a"],
        ["1", "9", "10", "100", "a"],
    ],
)
def test_numbers_in_names_are_read_as_numbers(expected):
    assert vsorted(list(reversed(expected))) == expected


@given(
    st.integers(0, 10**15), st.integers(0, 10**15), st.sampled_from(["Tổ dân phố ", "Thôn ", ""])
)
def test_number_order_follows_value(a, b, prefix):
    assert (sort_key(f"{prefix}{a}") < sort_key(f"{prefix}{b}")) == (a < b)
