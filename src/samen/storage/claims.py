"""The two statements behind finishing what a stopped server left (``channels.leftovers``), for
any table of received items with ``id``, ``status``, ``received_at`` and ``claimed_at``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, Table, Update, or_, select, update


def left_before(table: Table, received_before: datetime) -> Select[tuple[str, datetime | None]]:
    """Items still ``received`` that arrived before ``received_before``, oldest first, with
    since when a process holds each."""
    c = table.c
    return (
        select(c.id, c.claimed_at)
        .where((c.status == "received") & (c.received_at < received_before))
        .order_by(c.received_at, c.id)
    )


def claim(table: Table, item_id: str, held_before: datetime, now: datetime) -> Update:
    """Hold one item from ``now``, if it is still ``received`` and nobody holds it since
    ``held_before``: of several processes running it at once, one changes the row."""
    c = table.c
    return (
        update(table)
        .where(
            (c.id == item_id)
            & (c.status == "received")
            & or_(c.claimed_at.is_(None), c.claimed_at <= held_before)
        )
        .values(claimed_at=now)
    )
