"""Enrolment links: build, QR round trip through a real decoder, tolerant parsing."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import zxingcpp
from PIL import Image

from fieldapp.portal.enrol_link import (
    APP_HOST,
    APP_SCHEME,
    build_enrol_link,
    enrol_qr,
    is_enrol_link,
    parse_enrol_link,
)
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
    assert link == "vn.fieldapp://app/enrol?" + urlencode(
        {"server": expected_base, "code": "K7Q2-X9ZA"}
    )
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


def _flet_route(link: str) -> str:
    """What Flet hands the app for a deep link: path and query, scheme and host dropped
    (flet's FletRouteInformationProvider.normalize)."""
    parts = urlsplit(link)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def test_the_app_link_opens_the_installed_app_and_its_route_reads_back() -> None:
    config = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    declared = config["tool"]["flet"]["deep_linking"]
    link = build_enrol_link("https://sync.example.vn/fieldapp", "K7Q2-X9ZA")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == (declared["scheme"], declared["host"])
    assert (APP_SCHEME, APP_HOST) == (declared["scheme"], declared["host"])
    route = _flet_route(link)
    assert route.startswith("/enrol?") and is_enrol_link(route) and is_enrol_link(link)
    assert parse_enrol_link(route) == parse_enrol_link(link)
    assert parse_enrol_link(route) == ("https://sync.example.vn/fieldapp", "K7Q2-X9ZA")
    assert not is_enrol_link("/") and not is_enrol_link("") and not is_enrol_link("/enrol")


@pytest.mark.parametrize(
    ("route", "field"),
    [
        ("/enrol?code=K7Q2-X9ZA", "server_base_url"),  # no server
        ("/enrol?server=http%3A%2F%2Fsync.example.vn&code=K7Q2-X9ZA", "server_base_url"),
        ("/enrol?server=https%3A%2F%2Fsync.example.vn", "code"),
        ("vn.fieldapp://app/enrol?server=https%3A%2F%2Fa.vn&code=%3Cx%3E", "code"),
    ],
)
def test_bad_app_links_are_refused_by_field(route: str, field: str) -> None:
    with pytest.raises(PortalError) as err:
        parse_enrol_link(route)
    assert err.value.field == field
