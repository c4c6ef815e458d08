"""Voicemails a stopped server left ``received`` (stored, never taken) are taken at start.

A process holds a recording while it takes it: an upload from the moment it is stored, a left
one from when a starting process claims it, with one conditional update on its row (of several
processes starting on one database, one gets each). A hold older than ``HOLD`` is that of a
process that stopped: taking a voicemail (decoding, speech-to-text, the conversation) takes
seconds, and ``HOLD`` leaves room for a queue of them and a model still loading. Should a slow
process still be at it, taking a recording twice is harmless: its conversation is found by the
recording's id and its message sent under a client_id (see ``voicemail.take``).

It runs in the background, so the server answers at once while speech-to-text works::

    recovery = VoicemailRecovery(channel, clock)
    await recovery.start()      # with the web app (container.extras["startups"])
    await recovery.finished()   # how many were taken, refused or failed (tests wait on it)

Those received before this process started are its to finish: one still held by another
process is looked at again when its hold has run out (taken by then, it is left alone). Each is
tried once; one that fails stays ``received``, with why, for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import timedelta

from samen.channels.leftovers import HOLD, LOOK_AGAIN_SECONDS, finish_left
from samen.channels.voice.adapter import VoiceChannel
from samen.channels.voice.voicemail import take
from samen.clock import Clock
from samen.errors import SamenError

log = logging.getLogger(__name__)


class VoicemailRecovery:
    def __init__(
        self,
        channel: VoiceChannel,
        clock: Clock,
        *,
        hold: timedelta = HOLD,
        look_again: float = LOOK_AGAIN_SECONDS,
    ) -> None:
        self.channel, self.clock = channel, clock
        self.hold, self.look_again = hold, look_again
        self.outcomes: Counter[str] = Counter()
        self._task: asyncio.Task[Counter[str]] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="voicemail-recovery")

    async def stop(self) -> None:
        """Stop where it is: a recording being taken stays ``received`` (and held, for
        ``HOLD``), to be taken by a later start."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def finished(self) -> Counter[str]:
        """Wait until every recording left before the start is taken or tried; the outcomes."""
        assert self._task is not None, "start() first"
        return await asyncio.shield(self._task)

    async def _run(self) -> Counter[str]:
        try:
            await self._recover()
        except Exception:  # the database, most likely: the recordings stay for the next start
            log.exception("voicemail: the recordings left by the last stop could not be read")
        if self.outcomes:
            log.warning("voicemail: recordings left by the last stop: %s", dict(self.outcomes))
        return self.outcomes

    async def _recover(self) -> None:
        started = self.clock.now()
        self.outcomes.update(
            await finish_left(
                lambda: self.channel.voicemails.unfinished(received_before=started),
                self._take,
                self.clock,
                hold=self.hold,
                look_again=self.look_again,
            )
        )

    async def _take(self, recording_id: str) -> str | None:
        now = self.clock.now()
        recording = await self.channel.voicemails.claim(recording_id, now - self.hold, now)
        if recording is None:  # another process was quicker
            return None
        try:
            await take(self.channel, recording)
        except SamenError as exc:  # refused as its upload would have been (kept, with why)
            log.warning("voicemail %s left by the last stop: %s", recording_id, exc.message)
        except Exception:  # it stays "received", with why, for the next start
            log.exception("voicemail %s left by the last stop could not be taken", recording_id)
        return recording.status if recording.status != "received" else "failed"
