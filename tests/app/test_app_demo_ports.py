"""`fieldapp demo` / `fieldapp app --web`: free ports are picked, a taken port the user
asked for fails at once with a Vietnamese message (a real listening socket here)."""

import socket

import pytest

from fieldapp.cli import main
from fieldapp.commands.app import port_free
from fieldapp.commands.demo import PortError, choose_ports


@pytest.fixture
def busy_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_port_free_sees_a_listening_socket(busy_port):
    assert not port_free(busy_port)


def test_default_port_taken_moves_to_next_free(busy_port):
    ports = choose_ports(None, busy_port, 2, set())
    assert busy_port not in ports
    assert ports[1] == ports[0] + 1 and ports[0] > busy_port
    assert all(port_free(p) for p in ports)


def test_already_chosen_ports_are_skipped(busy_port):
    (first,) = choose_ports(None, busy_port + 1, 1, set())
    (second,) = choose_ports(None, first, 1, {first})
    assert second != first


def test_requested_port_taken_is_a_clear_vietnamese_error(busy_port):
    with pytest.raises(PortError) as info:
        choose_ports(busy_port, 8550, 1, set())
    assert f"Cổng {busy_port} đang được dùng" in str(info.value)


def test_requested_leader_port_taken_too(busy_port):
    # The leader's app uses --port + 1: that one taken is refused as well.
    with pytest.raises(PortError):
        choose_ports(busy_port - 1, 8550, 2, set())


def test_demo_refuses_a_taken_port_before_any_work(busy_port, tmp_path, capsys):
    folder = tmp_path / "demo"
    assert main(["demo", "--dir", str(folder), "--server-port", str(busy_port)]) == 2
    err = capsys.readouterr().err
    assert "đang được dùng" in err and "--server-port" in err
    assert not folder.exists()  # nothing generated


def test_app_web_refuses_a_taken_port(busy_port, capsys):
    assert main(["app", "--web", "--port", str(busy_port)]) == 2
    assert f"cổng {busy_port} đang được dùng" in capsys.readouterr().err
