"""How `samen serve` listens."""

from __future__ import annotations

import socket

import pytest

from samen.sockets import PortTaken, listening_socket


def test_that_connections_to_the_server_send_without_waiting_for_acks():
    # The event loop disables Nagle only on sockets it knows to be TCP.
    with listening_socket("127.0.0.1", 0, shared=False) as server:
        client = socket.create_connection(server.getsockname())
        accepted, _ = server.accept()
        with client, accepted:
            assert accepted.proto == socket.IPPROTO_TCP


def test_that_workers_can_share_one_port():
    with listening_socket("127.0.0.1", 0, shared=True) as first:
        port = first.getsockname()[1]
        with listening_socket("127.0.0.1", port, shared=True) as second:
            assert second.getsockname()[1] == port


@pytest.mark.parametrize("shared", [False, True])
def test_that_a_port_another_program_holds_is_refused_with_the_setting_to_change(shared):
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        with pytest.raises(PortTaken) as refused:
            listening_socket("127.0.0.1", port, shared, setting="SAMEN_EMAIL_INBOUND_PORT")
    assert refused.value.message.startswith(f"Port {port} on 127.0.0.1 (SAMEN_EMAIL_INBOUND_PORT)")


def test_that_serve_stops_with_a_clear_message_when_the_email_port_is_taken(
    tmp_path, demo_models_dir
):
    from typer.testing import CliRunner

    from samen.cli.main import app

    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        with socket.socket() as probe:  # the web port: any free one
            probe.bind(("127.0.0.1", 0))
            web_port = probe.getsockname()[1]
        result = CliRunner().invoke(
            app,
            ["serve", "--port", str(web_port)],
            env={
                "SAMEN_DATA_DIR": str(tmp_path),
                "SAMEN_MODELS_DIR": str(demo_models_dir),
                "SAMEN_PARSE_PROCESS": "0",
                "SAMEN_EMAIL_ADDRESS": "klantenservice@polderlink.example",
                "SAMEN_EMAIL_INBOUND_PORT": str(port),
            },
        )
    assert result.exit_code == 2, result.output
    assert f"Port {port}" in result.output and "SAMEN_EMAIL_INBOUND_PORT" in result.output
