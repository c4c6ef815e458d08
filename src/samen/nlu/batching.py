"""Parsing many conversations' messages together, without making anyone wait for a batch.

The sentence encoder and the classifier cost about the same for one message as for a dozen,
so at peak it pays to run them once for all messages that arrived meanwhile. ``ParseBatcher``
does that without a timer: a message that finds the parser idle is parsed at once, alone;
messages that arrive while a parse runs wait for it and then go together::

    batcher = ParseBatcher(understanding)
    result = await batcher.parse("Waar blijft mijn pakket?", ParseContext(language="nl"))

A batch runs in a worker thread, or where ``run`` says: a server passes a ``ParseProcess``'s
``parse_many`` (samen.nlu.process), so parsing leaves its process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from samen.nlu.models import ParseResult
from samen.nlu.pipeline import ParseContext, Understanding

log = logging.getLogger(__name__)

Run = Callable[[Sequence[str], Sequence[ParseContext | None]], Awaitable[list[ParseResult]]]


@dataclass(slots=True)
class _Request:
    text: str
    context: ParseContext | None
    answer: asyncio.Future[ParseResult]


class ParseBatcher:
    def __init__(
        self, understanding: Understanding, max_batch: int = 32, run: Run | None = None
    ) -> None:
        self.understanding = understanding
        self.max_batch = max_batch
        self.run = run or self._in_a_thread
        self._waiting: list[_Request] = []
        self._worker: asyncio.Task[None] | None = None

    async def parse(self, text: str, context: ParseContext | None = None) -> ParseResult:
        answer: asyncio.Future[ParseResult] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Request(text, context, answer))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work())
        return await answer

    async def _work(self) -> None:
        # Runs while there is work; the next parse() starts a new worker after it ends.
        while self._waiting:
            batch = self._waiting[: self.max_batch]
            del self._waiting[: self.max_batch]
            batch = [r for r in batch if not r.answer.done()]  # callers that gave up
            if batch:
                await self._parse(batch)

    async def _parse(self, batch: list[_Request]) -> None:
        try:
            results = await self.run([r.text for r in batch], [r.context for r in batch])
        except Exception as exc:
            if len(batch) == 1:
                if not batch[0].answer.done():
                    batch[0].answer.set_exception(exc)
                return
            # One message must not fail the others: parse them one by one.
            log.warning("a batch of %d parses failed; retrying one by one", len(batch))
            for request in batch:
                await self._parse([request])
            return
        for request, result in zip(batch, results, strict=True):
            if not request.answer.done():
                request.answer.set_result(result)

    async def _in_a_thread(
        self, texts: Sequence[str], contexts: Sequence[ParseContext | None]
    ) -> list[ParseResult]:
        return await asyncio.to_thread(self.understanding.parse_many, texts, contexts)
