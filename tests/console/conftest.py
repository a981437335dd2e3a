"""Fixtures for the officers' console: a demo commune plus a second ward, on real SQLite;
for the browser tests, a real ``fieldapp serve`` over it and one headless Chromium."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from console_world import ConsoleWorld
from e2e_support import CHROMIUM, CHROMIUM_ARGS, MISSING_CHROMIUM, free_port, start_server, stop


@pytest.fixture
def cw(tmp_path, database):
    world = ConsoleWorld(tmp_path, database=database)
    yield world
    world.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[ConsoleWorld, str]]:
    if not Path(CHROMIUM).exists():
        pytest.fail(MISSING_CHROMIUM)
    tmp = tmp_path_factory.mktemp("console")
    world = ConsoleWorld(tmp)
    port = free_port()
    proc = start_server(world.db_path, port, tmp / "server.log")
    try:
        yield world, f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
        world.close()


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
