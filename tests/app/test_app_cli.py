"""The `fieldapp app` and `fieldapp demo` commands are registered with help text."""

import pytest

from fieldapp.cli import build_parser, main


def test_app_and_demo_have_help(capsys):
    for command in ("app", "demo"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([command, "--help"])
        out = capsys.readouterr().out
        assert "--port" in out and "(" in out  # bilingual help on every option


def test_app_without_desktop_client_prints_web_hint(capsys, monkeypatch):
    import fieldapp.commands.app as app_cmd

    monkeypatch.setattr(app_cmd, "desktop_available", lambda: False)
    assert main(["app", "--port", "9123"]) == 2
    err = capsys.readouterr().err
    assert "fieldapp app --web --port 9123" in err and "trình duyệt" in err
