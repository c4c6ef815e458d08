"""Running the server: one process, or several on one port sharing PostgreSQL and Redis.

Each worker is a whole Samen process (its own container, model and connections) listening on
the same port with ``SO_REUSEPORT``, so the kernel spreads connections over them. Several
workers only make sense where they share state: PostgreSQL for the data (SQLite's write lock
is per process) and Redis for realtime (a customer's socket may sit on another worker).
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from samen.errors import ConfigError
from samen.settings import Settings
from samen.sockets import listening_socket

WORKER_ENV = "SAMEN_WORKER_OF"  # set in a worker's environment: the parent's pid


def check_workers(settings: Settings, workers: int) -> None:
    if workers < 1:
        raise ConfigError(message="--workers must be at least 1.")
    if workers == 1:
        return
    if not settings.effective_database_url.startswith("postgresql"):
        raise ConfigError(
            message="Several workers need PostgreSQL (SAMEN_DATABASE_URL): the embedded SQLite "
            "database takes one writing process."
        )
    if not settings.redis_url:
        raise ConfigError(
            message="Several workers need Redis (SAMEN_REDIS_URL) so that live events reach a "
            "customer whose connection is on another worker."
        )


def start_workers(arguments: Sequence[str], count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` more processes running ``samen serve`` with the same arguments, one worker
    each; they end when this process ends (Linux's parent-death signal)."""
    env = {**os.environ, WORKER_ENV: str(os.getpid())}
    command = [sys.executable, "-m", "samen.cli.main", "serve", *arguments, "--workers", "1"]
    return [subprocess.Popen(command, env=env, preexec_fn=_die_with_parent) for _ in range(count)]


def stop_workers(workers: Sequence[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def _die_with_parent() -> None:
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:  # not Linux: the parent still stops its workers on a normal exit
        pass


async def serve(settings: Settings, banner: Sequence[str] = ()) -> None:
    import uvicorn
    from rich.console import Console

    from samen.bootstrap import build
    from samen.storage.database import fill_pool
    from samen.web.app import create_app

    container = await build(settings)
    sockets: list[socket.socket] = []
    try:
        # Both ports are bound before anything starts: one that another program holds ends the
        # start here (PortTaken, which says what to do), not in a server without its e-mail.
        sockets.append(listening_socket(settings.host, settings.port, settings.shared_ports))
        email = container.extras.get("email")
        if email is not None and email.receiver is not None:
            email.receiver.listen()
        await fill_pool(container.store.engine)  # before the first customers, not during them
        keep_out_of_collections()
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(container),
                host=settings.host,
                port=settings.port,
                log_level="info",
                proxy_headers=True,
                ws_ping_interval=20,
            )
        )
        for line in banner:
            Console().print(line)
        await server.serve(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()
        await container.aclose()


def keep_out_of_collections() -> None:
    """What is built by now lives as long as the server: move it out of the garbage
    collector's sight. A full collection then looks only at what came later, ~12 ms, instead
    of at every object of the models and libraries too, ~120 ms, during which every request
    in flight waits (measured at 200 messages/s, bench/roundtrip.py)."""
    gc.collect()
    gc.freeze()


def run(settings: Settings, arguments: Sequence[str], workers: int) -> None:
    """This process serves; with ``workers`` > 1, so do ``workers - 1`` others on its port."""
    check_workers(settings, workers)
    shared = workers > 1 or WORKER_ENV in os.environ
    others = start_workers(arguments, workers - 1) if workers > 1 else []
    try:
        run_loop(serve(settings.model_copy(update={"shared_ports": shared})))
    finally:
        stop_workers(others)


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """Run the server on uvloop where it is installed (uvicorn's own choice): its sockets and
    callbacks are written in C, which a server that talks to its database 15 times a message
    feels."""
    with asyncio.Runner(loop_factory=_fast_loop()) as runner:
        runner.run(main)


def _fast_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # not on Windows; the standard loop works, a little slower
        return None
    return uvloop.new_event_loop
