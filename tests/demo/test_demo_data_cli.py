"""``fieldapp demo-data`` writes the dataset file and a Vietnamese summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldapp.cli import build_parser, main
from fieldapp.demo.generator import dataset_from_json


def test_writes_file_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "sub" / "demo.json"
    argv = ["demo-data", "--seed", "42", "--households", "500", "--weeks", "4",
            "--today", "2026-11-27", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "phường Sông Trí" in text and "Số hộ: 500" in text
    assert "Số thôn/tổ dân phố: 14" in text and "Số lượt thăm:" in text
    ds = dataset_from_json(json.loads(out.read_text(encoding="utf-8")))
    assert len(ds.households) == 500 and ds.today == "2026-11-27"
    first = out.read_bytes()
    assert main(argv) == 0
    assert out.read_bytes() == first  # same seed, same bytes


def test_thousands_in_vietnamese_format(tmp_path: Path, capsys):
    out = tmp_path / "d.json"
    assert main(["demo-data", "--households", "1200", "--today", "27/11/2026",
                 "--out", str(out)]) == 0  # fmt: skip
    assert "Số hộ: 1.200" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [["--households", "0"], ["--weeks", "60"], ["--today", "2026-13-01"], ["--seed", "x"]],
)
def test_bad_options_exit_2(tmp_path: Path, capsys, argv):
    out = tmp_path / "d.json"
    with pytest.raises(SystemExit) as info:
        main(["demo-data", *argv, "--out", str(out)])
    assert info.value.code == 2 and not out.exists()


def test_unwritable_out_exit_2(tmp_path: Path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code = main(["demo-data", "--households", "5", "--out", str(blocker / "d.json")])
    assert code == 2 and capsys.readouterr().err.startswith("Lỗi: ")


def test_every_option_has_help():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for action in sub.choices["demo-data"]._actions:
        assert action.help, action.dest
