"""The server's listening sockets: the web port and the e-mail port, bound the same way.

With ``samen serve --workers N`` every worker binds the same ports with ``SO_REUSEPORT`` and
the kernel spreads the connections over them. Linux lets a socket join a port only if every
socket already on it asked to share it, and from the same user, so a port that another program
holds still fails the start, with ``PortTaken`` naming the setting::

    sock = listening_socket("0.0.0.0", 2525, shared=True, setting="SAMEN_EMAIL_INBOUND_PORT")
"""

from __future__ import annotations

import errno
import socket

from samen.errors import ConfigError


class PortTaken(ConfigError):
    code = "port_taken"


def listening_socket(
    host: str, port: int, shared: bool, setting: str = "SAMEN_PORT"
) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named explicitly: the event loop turns Nagle off (TCP_NODELAY) only on
    # connections it can tell are TCP; without it every answer waited ~40 ms for an ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno != errno.EADDRINUSE:
            raise
        raise PortTaken(
            message=f"Port {port} on {host} ({setting}) is in use by another program; stop it, "
            f"or set {setting} to a free port.",
            port=port,
        ) from exc
    sock.set_inheritable(True)
    return sock
