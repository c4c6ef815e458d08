"""How `samen serve` listens."""

from __future__ import annotations

import socket

from samen.cli.serving import listening_socket


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
