"""What waits and why, at a glance: queue figures, conversation lists, the supervisor's board."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from samen.agents import access
from samen.agents.assignment import Assigner
from samen.agents.desk import Desk, urgency
from samen.agents.models import User
from samen.conversations.models import Conversation, Priority, State


@dataclass(frozen=True, slots=True)
class QueueRow:
    name: str
    title: str
    waiting: int
    high_priority: int
    assigned: int
    longest_wait_seconds: int
    expected_wait_minutes: int
    available_agents: int
    capacity: int

    @property
    def over_capacity(self) -> bool:
        return self.waiting >= self.capacity

    def view(self) -> dict[str, Any]:
        return {**asdict(self), "over_capacity": self.over_capacity}


class Overview:
    def __init__(self, desk: Desk, assigner: Assigner) -> None:
        self.desk = desk
        self.assigner = assigner

    async def queues(self, user: User) -> list[QueueRow]:
        tenant = self.desk.tenant
        names = [q for q in tenant.queues if user.works(q)]
        open_ = await self._open(names)
        available = await self.assigner.refresh()
        now = self.desk.clock.now()
        rows = []
        for name in names:
            waiting = [c for c in open_ if c.queue == name and c.state is State.QUEUED]
            oldest = min((c.queued_at or c.created_at for c in waiting), default=now)
            figures = (
                await self.assigner.estimator.figures(name) if self.assigner.estimator else None
            )
            rows.append(QueueRow(
                name=name, title=tenant.queues[name].title("en"), waiting=len(waiting),
                high_priority=sum(1 for c in waiting if c.priority is Priority.HIGH),
                assigned=sum(1 for c in open_ if c.queue == name and c.state is State.ASSIGNED),
                longest_wait_seconds=int((now - oldest).total_seconds()),
                expected_wait_minutes=figures.expected_wait_minutes if figures else 0,
                available_agents=available.get(name, 0), capacity=tenant.queues[name].capacity,
            ))  # fmt: skip
        return rows

    async def waiting(
        self, user: User, queue: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Conversations waiting in one queue (or all of this person's), most urgent first."""
        if queue is not None:
            access.require_queue(user, queue, set(self.desk.tenant.queues))
        names = [queue] if queue else [q for q in self.desk.tenant.queues if user.works(q)]
        found = [c for c in await self._open(names) if c.state is State.QUEUED]
        return [await self.summary(c) for c in sorted(found, key=urgency)[:limit]]

    async def in_queue(
        self, user: User, queue: str, states: Sequence[State]
    ) -> list[dict[str, Any]]:
        access.require_queue(user, queue, set(self.desk.tenant.queues))
        async with self.desk.conversations.store.transaction() as tx:
            found = await tx.list_conversations(states=states, queues=[queue], limit=200)
        found = [c for c in found if access.can_read(user, c)]
        return [await self.summary(c) for c in sorted(found, key=urgency)]

    async def mine(self, user: User) -> list[dict[str, Any]]:
        async with self.desk.conversations.store.transaction() as tx:
            found = await tx.list_conversations(
                states=[State.ASSIGNED], agent_id=user.id, limit=100
            )
        return [
            await self.summary(c) for c in sorted(found, key=lambda c: c.updated_at, reverse=True)
        ]

    async def board(self, user: User) -> dict[str, Any]:
        """The supervisor's view: queues, people and their load, who waits longest."""
        access.require_oversight(user)
        here = {u.id for u in await self.assigner.here()}
        load = await self.desk.people.load()
        people = [
            {**u.view(), "load": load.get(u.id, 0), "here": u.id in here}
            for u in await self.desk.people.list_users()
            if u.queues or load.get(u.id)
        ]
        return {
            "queues": [q.view() for q in await self.queues(user)],
            "agents": people,
            "longest_waiting": await self.waiting(user, limit=10),
        }

    async def summary(self, c: Conversation) -> dict[str, Any]:
        packet = c.context.get("handover") or {}
        who = packet.get("customer") or {}
        identities = who.get("identities") or {}
        now = self.desk.clock.now()
        agent = await self.desk.people.get_user(c.agent_id) if c.agent_id else None
        return {
            "id": c.id, "channel": c.channel, "state": str(c.state), "queue": c.queue,
            "priority": str(c.priority), "language": c.language,
            "customer": who.get("name") or next(iter(identities.values()), None) or "Customer",
            "waited_seconds": int((now - (c.queued_at or c.created_at)).total_seconds()),
            "queued_at": (c.queued_at or c.created_at).isoformat(), "updated_at": c.updated_at.isoformat(),
            "problem": packet.get("problem") or c.subject or "",
            "intent": (packet.get("intent_corrected") or {}).get("intent") or packet.get("intent"),
            "reason": (c.route or {}).get("reason") or packet.get("reason"),
            "rules": (c.route or {}).get("rules", []), "sensitive": packet.get("sensitive", []),
            "agent_id": c.agent_id, "agent_name": agent.name if agent else None,
        }  # fmt: skip

    async def _open(self, queues: list[str]) -> list[Conversation]:
        if not queues:
            return []
        async with self.desk.conversations.store.transaction() as tx:
            return await tx.list_conversations(
                states=[State.QUEUED, State.ASSIGNED], queues=queues, limit=5000
            )
