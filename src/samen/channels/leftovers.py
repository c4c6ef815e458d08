"""What a stopped server left half-done (stored as ``received``, never handled), finished at
the next start: each item once among all processes starting on one database.

A process holds an item while it handles it: from the moment it stores it, or from when it
claims a left one with one conditional update on its row (``storage.claims``). A hold older than
``HOLD`` is that of a process that stopped. A channel passes how to list its left items and
how to claim and handle one::

    outcomes = await finish_left(
        lambda: store.unfinished(received_before=started),   # [Unfinished(id, held_since)]
        handle_one,        # claims and handles one id; its outcome, or None if another won
        clock,
    )

One still held by another process is looked at again when its hold runs out (handled by then,
it is left alone). Each is tried once; what a failed one is left as is the channel's to say.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from samen.clock import Clock

HOLD = timedelta(minutes=5)
LOOK_AGAIN_SECONDS = 30.0  # at most, while another process holds a left item


class Unfinished(NamedTuple):
    """An item still ``received``, and since when a process holds it (``None``: none)."""

    id: str
    held_since: datetime | None


async def finish_left(
    unfinished: Callable[[], Awaitable[Sequence[Unfinished]]],
    handle_one: Callable[[str], Awaitable[str | None]],
    clock: Clock,
    *,
    hold: timedelta = HOLD,
    look_again: float = LOOK_AGAIN_SECONDS,
) -> Counter[str]:
    """Handle every left item; how many ended how (``handle_one``'s answers)."""
    outcomes: Counter[str] = Counter()
    tried: set[str] = set()
    while True:
        left = [u for u in await unfinished() if u.id not in tried]
        if not left:
            return outcomes
        now = clock.now()
        free = [u.id for u in left if u.held_since is None or u.held_since + hold <= now]
        for item_id in free:
            tried.add(item_id)
            if (outcome := await handle_one(item_id)) is not None:
                outcomes[outcome] += 1
        if len(free) < len(left):  # held by another process: look again when it lapses
            lapsing = [u.held_since + hold for u in left if u.held_since is not None]
            first = min(at for at in lapsing if at > now)
            await asyncio.sleep(min(look_again, (first - now).total_seconds()))
