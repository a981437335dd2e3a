"""Enrolment links: build, QR round trip through a real decoder, tolerant parsing."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from fieldapp.portal.enrol_link import build_enrol_link, enrol_qr, parse_enrol_link
from fieldapp.portal.errors import PortalError


@pytest.mark.parametrize(
    ("base", "expected_base"),
    [
        ("https://sync.example.vn", "https://sync.example.vn"),
        ("https://sync.example.vn/", "https://sync.example.vn"),
        ("HTTPS://Sync.Example.VN/fieldapp/", "https://sync.example.vn/fieldapp"),
        ("https://sync.example.vn:8443", "https://sync.example.vn:8443"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("  sync.example.vn ", "https://sync.example.vn"),
    ],
)
def test_enrol_qr_round_trip(base: str, expected_base: str) -> None:
    link, png = enrol_qr(base, "K7Q2-X9ZA")
    assert link == f"{expected_base}/enrol?code=K7Q2-X9ZA"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [b.text for b in decoded] == [link]
    assert parse_enrol_link(decoded[0].text) == (expected_base, "K7Q2-X9ZA")


@pytest.mark.parametrize(
    "text",
    [
        "https://sync.example.vn/enrol?code=AB12CD",
        "  https://sync.example.vn/enrol?code=AB12CD\n",
        "https://sync.example.vn/enrol/?code=AB12CD",
        "https://sync.example.vn/enrol?\ncode=AB12CD",  # wrapped when pasted from chat
        "sync.example.vn/enrol?code=AB12CD",
    ],
)
def test_parse_tolerates_whitespace_and_slashes(text: str) -> None:
    assert parse_enrol_link(text) == ("https://sync.example.vn", "AB12CD")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("http://sync.example.vn/enrol?code=AB12CD", "server_base_url"),  # clear text
        ("http://192.168.1.5/enrol?code=AB12CD", "server_base_url"),
        ("https://sync.example.vn/enrol", "code"),
        ("https://sync.example.vn/enrol?code=AB", "code"),
        ("https://sync.example.vn/enrol?code=A%20B%3Cscript", "code"),
        ("https://sync.example.vn/join?code=AB12CD", "link"),
        ("", "link"),
    ],
)
def test_parse_rejects_bad_links(text: str, field: str) -> None:
    with pytest.raises(PortalError) as info:
        parse_enrol_link(text)
    assert info.value.code == "bad_enrol_link"
    assert info.value.field == field
    assert info.value.message_vi.startswith("Liên kết đăng ký không hợp lệ")


def test_build_rejects_plain_http_on_a_real_host() -> None:
    with pytest.raises(PortalError) as info:
        build_enrol_link("http://sync.example.vn", "AB12CD")
    assert "https" in info.value.message_vi
