"""The ``fieldapp qr`` and ``fieldapp poster`` commands: outputs, Vietnamese errors, exit 2."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image

from fieldapp.cli import main
from fieldapp.portal.links import procedure_link


def test_qr_prints_link_and_writes_decodable_png(tmp_path: Path, capsys) -> None:
    out = tmp_path / "khai-sinh.png"
    assert main(["qr", "1.001193", "--out", str(out)]) == 0
    url = procedure_link("1.001193").url
    assert capsys.readouterr().out.strip() == url
    assert [b.text for b in zxingcpp.read_barcodes(Image.open(out))] == [url]


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("home", "https://dichvucong.gov.vn"),
        ("payment", "https://dichvucong.gov.vn/thanh-toan-truc-tuyen"),
        ("vneid", "https://vneid.gov.vn"),
    ],
)
def test_qr_fixed_pages(key: str, url: str, capsys) -> None:
    assert main(["qr", key]) == 0
    assert capsys.readouterr().out.strip() == url


def test_qr_unknown_code_is_vietnamese_error_exit_2(tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.png"
    assert main(["qr", "9.999999", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Lỗi: Không có thủ tục mã «9.999999» trong danh mục" in captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_poster_writes_pdf_and_png(tmp_path: Path, capsys) -> None:
    pdf, png = tmp_path / "poster.pdf", tmp_path / "poster.png"
    argv = ["poster", "--codes", "1.001193, 1.004222", "--village", "Thôn Đông Yên",
            "--team", "Tổ CNSCĐ thôn Đông Yên", "--contact", "Anh Hùng 0912 345 678",
            "--out", str(pdf), "--png", str(png), "--dpi", "150"]  # fmt: skip
    assert main(argv) == 0
    assert "Đã tạo áp phích 2 thủ tục" in capsys.readouterr().out
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert "Đăng ký thường trú" in text and "Thôn Đông Yên" in text
    found = {b.text for b in zxingcpp.read_barcodes(Image.open(png))}
    assert found == {procedure_link("1.001193").url, procedure_link("1.004222").url}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"--codes": "1.001193,9.999999"}, "Không có thủ tục mã «9.999999»"),
        ({"--village": "Thôn " + "rất dài " * 60}, "quá dài"),
        ({"--contact": " "}, "Thiếu nội dung «liên hệ»"),
    ],
)
def test_poster_errors(tmp_path: Path, capsys, changes: dict[str, str], message: str) -> None:
    args = {"--codes": "1.001193", "--village": "Thôn A", "--team": "Tổ A",
            "--contact": "0912 345 678", "--out": str(tmp_path / "p.pdf")}  # fmt: skip
    args.update(changes)
    assert main(["poster", *[x for pair in args.items() for x in pair]]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and message in err and "Error: " in err
    assert not (tmp_path / "p.pdf").exists()


def test_poster_unwritable_output_is_an_error(tmp_path: Path, capsys) -> None:
    argv = ["poster", "--codes", "1.001193", "--village", "Thôn A", "--team", "Tổ A",
            "--contact", "0912", "--out", str(tmp_path / "no-such-dir" / "p.pdf")]  # fmt: skip
    assert main(argv) == 2
    assert "không ghi được tệp áp phích" in capsys.readouterr().err


def test_poster_png_unwritable_leaves_no_pdf(tmp_path: Path, capsys) -> None:
    argv = ["poster", "--codes", "1.001193", "--village", "Thôn A", "--team", "Tổ A",
            "--contact", "0912", "--out", str(tmp_path / "p.pdf"),
            "--png", str(tmp_path / "missing" / "p.png")]  # fmt: skip
    assert main(argv) == 2
    assert list(tmp_path.iterdir()) == []
