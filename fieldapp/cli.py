"""The single command-line entry point, ``fieldapp``.

Each subcommand lives in its own module under :mod:`fieldapp.commands` and exposes
``register(subparsers)``; this module only assembles them, so adding a command never
touches another command's code. The three heavy stacks (FastAPI for ``serve``, Flet for
``app``, the PDF writer for ``poster``) are imported inside those handlers only, so that
``fieldapp --help`` stays fast; everything else is imported at the top of its module.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from fieldapp import __version__

# One line per subcommand module; order is the order shown in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "fieldapp.commands.import_wards",
    "fieldapp.commands.demo_data",
    "fieldapp.commands.qr",
    "fieldapp.commands.poster",
    "fieldapp.commands.app",
    "fieldapp.commands.serve",
    "fieldapp.commands.admin",
    "fieldapp.commands.demo",
    "fieldapp.commands.report",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the full parser with every registered subcommand.

    >>> build_parser().parse_args(["demo-data", "--seed", "7"]).command
    'demo-data'
    """
    parser = argparse.ArgumentParser(
        prog="fieldapp",
        description=(
            "fieldapp — ghi lượt thăm hộ gia đình, đồng bộ và theo dõi độ phủ cho Tổ công nghệ "
            "số cộng đồng. (Visit logging, sync and coverage for community digital teams.)"
        ),
    )
    parser.add_argument("--version", action="version", version=f"fieldapp {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
