"""Enrol screen input: separate fields or a pasted link, errors per field."""

import pytest

from fieldapp.app_services.enrolment import parse_enrol_input


@pytest.mark.parametrize(
    ("server", "code", "expected"),
    [
        ("http://127.0.0.1:8765", " AB12-CD34 ", ("http://127.0.0.1:8765", "AB12-CD34")),
        ("sync.example.vn/", "XY99", ("https://sync.example.vn", "XY99")),
        (
            "",
            "https://sync.example.vn/enrol?code=AB12-CD34",
            ("https://sync.example.vn", "AB12-CD34"),
        ),
        ("https://sync.example.vn/enrol?code=QQ11\n", "", ("https://sync.example.vn", "QQ11")),
    ],
)
def test_accepts_fields_or_link(server, code, expected):
    got = parse_enrol_input(server, code)
    assert got.ok and (got.server_url, got.code) == expected


def test_errors_per_field_in_vietnamese_and_english():
    got = parse_enrol_input("", "")
    assert set(got.errors) == {"server", "code"}
    assert "máy chủ" in got.errors["server"]
    assert parse_enrol_input("", "", "en").errors["code"] == "Enter the enrolment code."


def test_plain_http_refused_for_remote_hosts():
    got = parse_enrol_input("http://sync.example.vn", "AB12")
    assert "https" in got.errors["server"]


def test_bad_link_names_the_field():
    got = parse_enrol_input("", "https://sync.example.vn/enrol?code=")
    assert not got.ok and "code" in got.errors
