"""Understanding in a process of its own, so a parse never holds the server's GIL.

Most of a parse is Python (the word views, entities, sentiment, sensitive cues). Run in a
thread of the server's process it holds the GIL, and while it does every request in flight
waits. ``ParseProcess`` runs the same pipeline, over the same model store, in a child
process; ``ParseBatcher`` feeds it batches::

    parser = ParseProcess(models_dir, ("nl", "en"), clock, fallback=understanding)
    await parser.start()                      # the child loads the model and warms up
    results = await parser.parse_many(texts, contexts)
    await parser.close()

The child talks over its stdin and stdout: a batch goes in and its results come out as one
length-prefixed pickle each way. The server's event loop reads the pipe itself, with no thread
in between that would have to wait for the GIL (a process pool's manager thread does, and at
peak that wait was most of a parse's latency).

The child polls the store's ``CURRENT`` as the server does, so a newly trained model is taken
up without a restart. Times in messages ("morgen om 10 uur") are read against the server's
clock: each context carries ``now``. If the child dies or does not answer in time, the batch is
parsed in the server's own process (``fallback``) and a new child is started.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
import os
import pickle
import struct
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from samen.clock import Clock
from samen.nlu.models import ParseResult
from samen.nlu.pipeline import ParseContext, Understanding

log = logging.getLogger(__name__)

_LENGTH = struct.Struct("!I")
_START_PATIENCE = 300.0  # loading the demo's model takes ~4 s; a far larger one, maybe a minute


class ParseProcessDied(RuntimeError):
    """The child exited or its pipe broke while a batch was on its way."""


class ParseProcess:
    def __init__(
        self,
        models_dir: Path,
        languages: tuple[str, ...],
        clock: Clock,
        *,
        fallback: Understanding,
        patience: float = 30.0,
    ) -> None:
        self.models_dir = models_dir
        self.languages = languages
        self.clock = clock
        self.fallback = fallback
        # A batch takes well under a second; one that takes this long has a stuck child.
        self.patience = patience
        self._child: asyncio.subprocess.Process | None = None
        self._turn = asyncio.Lock()  # one batch in the pipe at a time
        self._starting: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id, while one runs."""
        return self._child.pid if self._child is not None else None

    async def start(self) -> None:
        """Start the child and wait until it has loaded the model (a few seconds)."""
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "samen.nlu.process",
            str(self.models_dir),
            ",".join(self.languages),
            str(os.getpid()),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            kind, _ = await asyncio.wait_for(_read(child), _START_PATIENCE)
        except (ParseProcessDied, TimeoutError) as exc:
            if child.returncode is None:
                child.kill()
            await child.wait()
            raise ParseProcessDied(str(exc) or "the parse process did not get ready") from exc
        if kind != "ready":
            raise ParseProcessDied(f"the parse process said {kind!r} instead of 'ready'")
        self._child = child

    async def parse_many(
        self, texts: Sequence[str], contexts: Sequence[ParseContext | None]
    ) -> list[ParseResult]:
        now = self.clock.now()
        dated = [
            dataclasses.replace(c or ParseContext(), now=(c.now if c and c.now else now))
            for c in contexts
        ]
        child = self._child
        if child is not None:
            try:
                async with self._turn:
                    _write(child, (list(texts), dated))
                    await child.stdin.drain()  # type: ignore[union-attr]
                    kind, answer = await asyncio.wait_for(_read(child), self.patience)
            except (ParseProcessDied, ConnectionError, TimeoutError) as exc:
                reason = str(exc) or "no answer in time"
                log.error(
                    "the parse process failed (%s); parsing here until a new one runs", reason
                )
                self._restart(child)
            except asyncio.CancelledError:
                self._restart(child)  # its answer would be read as the next batch's
                raise
            else:
                if kind == "error":
                    raise answer  # the pipeline's own error, for this batch (ParseBatcher)
                return list(answer)
        return await asyncio.to_thread(self.fallback.parse_many, texts, dated)

    def _restart(self, dead: asyncio.subprocess.Process) -> None:
        if self._child is not dead:
            return  # another batch saw it first
        self._child = None
        if dead.returncode is None:
            dead.kill()
        if self._starting is None or self._starting.done():
            self._starting = asyncio.create_task(self._start_again())

    async def _start_again(self) -> None:
        try:
            await self.start()
            log.info("a new parse process has started")
        except Exception:
            log.exception("the parse process could not be started again; parsing stays here")

    async def close(self) -> None:
        if self._starting is not None:
            self._starting.cancel()
        child, self._child = self._child, None
        if child is not None and child.returncode is None:
            child.stdin.close()  # type: ignore[union-attr]  # the child ends at end of input
            try:
                await asyncio.wait_for(child.wait(), timeout=5)
            except TimeoutError:
                child.kill()
                await child.wait()


def _write(child: asyncio.subprocess.Process, message: Any) -> None:
    if child.stdin is None or child.returncode is not None:
        raise ParseProcessDied("the parse process has exited")
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    child.stdin.write(_LENGTH.pack(len(data)) + data)


async def _read(child: asyncio.subprocess.Process) -> tuple[str, Any]:
    assert child.stdout is not None
    try:
        (length,) = _LENGTH.unpack(await child.stdout.readexactly(_LENGTH.size))
        kind, answer = pickle.loads(await child.stdout.readexactly(length))
    except asyncio.IncompleteReadError as exc:
        raise ParseProcessDied(f"the parse process exited ({child.returncode})") from exc
    return str(kind), answer


# The child ------------------------------------------------------------------------------------


def _serve(models_dir: Path, languages: tuple[str, ...], server: int) -> None:
    """Runs in the child: load the pipeline, then answer batches until stdin ends."""
    from threadpoolctl import threadpool_limits

    from samen.clock import SystemClock
    from samen.nlu.language import LanguageDetector
    from samen.nlu.runtime import warm_up
    from samen.nlu.store import ModelStore

    pipe_in, pipe_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the pipe
    threading.Thread(target=_exit_with, args=(server,), daemon=True).start()
    understanding = Understanding(
        ModelStore(models_dir).current, LanguageDetector(languages), SystemClock()
    )
    warm_up(understanding)
    threadpool_limits(limits=1)  # small batches: one BLAS thread, as in the server
    gc.collect()
    gc.freeze()  # the model lives as long as the process: full collections skip it
    _send(pipe_out, ("ready", None))
    while (batch := _receive(pipe_in)) is not None:
        texts, contexts = batch
        try:
            answer: tuple[str, Any] = ("ok", understanding.parse_many(texts, contexts))
        except Exception as exc:  # the server decides what a failed batch means
            answer = ("error", exc)
        _send(pipe_out, answer)


def _exit_with(server: int) -> None:
    """A server that died without closing the pipe leaves no parser behind."""
    while os.getppid() == server:
        time.sleep(1.0)
    os._exit(0)


def _receive(pipe: BinaryIO) -> Any:
    head = pipe.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    return pickle.loads(pipe.read(length))


def _send(pipe: BinaryIO, message: tuple[str, Any]) -> None:
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an unpicklable error: send what it said
        data = pickle.dumps(("error", RuntimeError(repr(exc))), protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(_LENGTH.pack(len(data)) + data)
    pipe.flush()


if __name__ == "__main__":
    _serve(Path(sys.argv[1]), tuple(sys.argv[2].split(",")), int(sys.argv[3]))
