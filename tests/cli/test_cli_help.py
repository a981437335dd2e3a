"""The CLI: one entry point, every command and every option documented."""

import argparse
import subprocess
import sys

import pytest

from fieldapp import __version__
from fieldapp.cli import COMMAND_MODULES, build_parser, main


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                for child, grandchild in _subcommands(sub).items():
                    found[f"{name} {child}"] = grandchild
    return found


def test_every_registered_module_adds_a_command():
    assert len(_subcommands(build_parser())) >= len(COMMAND_MODULES)


@pytest.mark.parametrize("name", sorted(_subcommands(build_parser())))
def test_every_option_has_help(name):
    sub = _subcommands(build_parser())[name]
    assert sub.description or sub.format_usage()
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        assert action.help and action.help.strip(), f"{name}: {action.dest} has no help"


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "fieldapp" in capsys.readouterr().out


def test_python_dash_m_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "fieldapp", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for module in COMMAND_MODULES:
        command = module.rsplit(".", 1)[1].replace("_", "-")
        assert command in out
