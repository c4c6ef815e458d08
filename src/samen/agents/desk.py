"""``Desk``: what people do with conversations — claim, reply, note, transfer, return, close.

Every write goes through ``ConversationService`` (``change`` for state, ``post`` for messages),
so it is committed before anyone hears of it and replies leave on the conversation's channel::

    conversation = await desk.claim(user, conversation_id)
    await desk.reply(user, conversation_id, "Hoi Anna, ik help je verder.")
    await desk.close(user, conversation_id, resolved=True, reason="Answered")
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from samen.agents import access
from samen.agents.canned import Phrasebook
from samen.agents.models import Presence, User
from samen.agents.ports import People
from samen.clock import Clock
from samen.conversations.models import (
    Conversation,
    ConversationId,
    Message,
    Priority,
    Reply,
    Sender,
    State,
)
from samen.conversations.ports import Transaction
from samen.conversations.service import ConversationService
from samen.errors import BadRequest, Conflict, NotFound
from samen.realtime.ports import CONSOLE_CHANNEL
from samen.tenant import Tenant

MAX_NOTE_CHARS = 4000
Events = list[tuple[str, dict[str, Any]]]


class Desk:
    def __init__(
        self,
        conversations: ConversationService,
        people: People,
        tenant: Tenant,
        phrases: Phrasebook,
        clock: Clock,
    ) -> None:
        self.conversations = conversations
        self.people = people
        self.tenant = tenant
        self.phrases = phrases
        self.clock = clock
        # Called after something frees or needs a person (a transfer, a close, presence): the
        # assigner hooks in here to hand waiting conversations to whoever is free.
        self.on_change: list[Callable[[], Awaitable[object]]] = []

    # reading -------------------------------------------------------------------------------
    async def get(self, user: User, conversation_id: str) -> Conversation:
        async with self.conversations.store.transaction() as tx:
            conversation = await tx.get_conversation(ConversationId(conversation_id))
        return access.require_read(user, conversation)

    # taking a conversation -----------------------------------------------------------------
    async def claim(self, user: User, conversation_id: str) -> Conversation:
        conversation = await self.get(user, conversation_id)
        if conversation.agent_id == user.id and conversation.state is State.ASSIGNED:
            return conversation
        access.require_act(user, conversation)
        if not user.oversees:
            await self._check_capacity(user)
        return await self.assign(conversation_id, user, how="claimed", actor=user)

    async def assign(
        self, conversation_id: str, agent: User, *, how: str, actor: User | None = None
    ) -> Conversation:
        """Give a waiting conversation to ``agent`` (a claim, the assigner, or "next")."""

        async def mutate(tx: Transaction, c: Conversation) -> Events:
            if actor is not None:
                access.require_act(actor, c)
            elif c.state is not State.QUEUED:
                raise Conflict("not_waiting", "This conversation is no longer waiting.")
            c.transition(State.ASSIGNED, c.queue, self.clock.now())
            c.agent_id = agent.id
            assigned = {
                "agent_id": agent.id,
                "agent_name": agent.name,
                "queue": c.queue,
                "how": how,
            }
            return [("assigned", assigned)]

        notice = await self._notice("joined", conversation_id, agent=agent.first_name)
        return await self.conversations.change(
            conversation_id, mutate, actor=actor.id if actor else "samen:assigner", notice=notice
        )

    async def next(self, user: User) -> Conversation | None:
        """The most urgent conversation waiting in this person's queues, now theirs."""
        await self._check_capacity(user)
        queues = list(user.queues) or (list(self.tenant.queues) if user.oversees else [])
        if not queues:
            return None
        async with self.conversations.store.transaction() as tx:
            waiting = await tx.list_conversations(states=[State.QUEUED], queues=queues, limit=500)
        for conversation in sorted(waiting, key=urgency):
            try:
                return await self.assign(conversation.id, user, how="next")
            except (Conflict, NotFound):
                continue  # someone else took it a moment ago
        return None

    # talking -------------------------------------------------------------------------------
    async def reply(self, user: User, conversation_id: str, text: str) -> Message:
        conversation = await self.get(user, conversation_id)
        if conversation.state is State.QUEUED or (
            conversation.state is State.BOT and user.oversees
        ):
            await self.claim(user, conversation_id)  # answering a waiting customer takes it
        else:
            access.require_act(user, conversation)
        message = await self.conversations.post(
            conversation_id,
            text,
            sender=Sender.AGENT,
            author_id=user.id,
            author_name=user.first_name,
        )
        await self.conversations.typing(conversation_id, Sender.AGENT, False, user.first_name)
        return message

    async def note(self, user: User, conversation_id: str, text: str) -> Conversation:
        """An internal note: in the timeline for colleagues, never shown to the customer."""
        text = _text(text, "note")
        await self.get(user, conversation_id)

        async def mutate(tx: Transaction, c: Conversation) -> Events:
            access.require_read(user, c)
            return [("note", {"text": text, "author_name": user.name})]

        conversation = await self.conversations.change(conversation_id, mutate, actor=user.id)
        await self.activity(conversation, "note")
        return conversation

    async def typing(self, user: User, conversation_id: str, typing: bool) -> None:
        conversation = await self.get(user, conversation_id)
        if conversation.agent_id == user.id:
            await self.conversations.typing(conversation_id, Sender.AGENT, typing, user.first_name)

    # moving it on --------------------------------------------------------------------------
    async def transfer(
        self,
        user: User,
        conversation_id: str,
        *,
        queue: str | None = None,
        agent_id: str | None = None,
        note: str = "",
    ) -> Conversation:
        if bool(queue) == bool(agent_id):
            raise BadRequest("transfer_target", "Transfer to either a queue or a person.")
        note = note.strip()[:MAX_NOTE_CHARS]
        target = await self.people.get_user(agent_id) if agent_id else None
        if agent_id and (target is None or not target.active):
            raise NotFound("user_not_found", "No such colleague.")
        if queue and queue not in self.tenant.queues:
            raise NotFound("queue_not_found", f"There is no queue '{queue}'.")
        now = self.clock.now()

        async def mutate(tx: Transaction, c: Conversation) -> Events:
            access.require_act(user, c)
            before = {"from_queue": c.queue, "from_agent": c.agent_id}
            if target is not None:
                c.transition(State.ASSIGNED, c.queue, now)
                c.agent_id = target.id
            else:
                c.transition(State.QUEUED, queue, now)
            moved = {**before, "to_queue": c.queue, "to_agent": c.agent_id, "note": note,
                     "by": user.name, "to_agent_name": target.name if target else None}  # fmt: skip
            c.context["transfer"] = {**moved, "at": now.isoformat()}
            events: Events = [("transferred", moved)]
            if note:
                events.append(("note", {"text": note, "author_name": user.name, "transfer": True}))
            return events

        if target is not None:
            notice = await self._notice(
                "transferred_agent", conversation_id, agent=target.first_name
            )
        else:
            notice = await self._notice("transferred_queue", conversation_id, queue_name=queue)
        conversation = await self.conversations.change(
            conversation_id, mutate, actor=user.id, notice=notice
        )
        if target is not None:  # they may not work its queue: tell their console directly
            await self.activity(conversation, "transferred")
        await self._changed()
        return conversation

    async def return_to_bot(self, user: User, conversation_id: str, note: str = "") -> Conversation:
        note = note.strip()[:MAX_NOTE_CHARS]

        async def mutate(tx: Transaction, c: Conversation) -> Events:
            access.require_act(user, c)
            c.transition(State.BOT, None, self.clock.now())
            events: Events = [("returned_to_bot", {"by": user.name, "note": note})]
            if note:
                events.append(("note", {"text": note, "author_name": user.name}))
            return events

        notice = await self._notice("returned", conversation_id)
        conversation = await self.conversations.change(
            conversation_id, mutate, actor=user.id, notice=notice
        )
        await self._changed()
        return conversation

    async def close(
        self, user: User, conversation_id: str, *, resolved: bool, reason: str
    ) -> Conversation:
        reason = _text(reason, "reason", limit=500)
        now = self.clock.now()

        async def mutate(tx: Transaction, c: Conversation) -> Events:
            access.require_act(user, c)
            c.transition(State.CLOSED, None, now)
            c.outcome = {"resolved": resolved, "reason": reason, "closed_by": user.id,
                         "closed_by_name": user.name, "closed_at": now.isoformat()}  # fmt: skip
            return [("closed", dict(c.outcome))]

        notice = await self._notice("closed", conversation_id)
        conversation = await self.conversations.change(
            conversation_id, mutate, actor=user.id, notice=notice
        )
        await self._changed()
        return conversation

    # presence ------------------------------------------------------------------------------
    async def set_presence(self, user: User, presence: Presence) -> None:
        await self.people.set_presence(user.id, presence, self.clock.now())
        user.presence = presence
        await self.conversations.broker.publish(
            CONSOLE_CHANNEL, {"type": "presence", "user_id": user.id, "presence": str(presence)}
        )
        await self._changed()

    # internals -----------------------------------------------------------------------------
    async def activity(self, conversation: Conversation, kind: str) -> None:
        """Tell consoles (only consoles: never the customer's stream) about a note or an action."""
        await self.conversations.broker.publish(
            CONSOLE_CHANNEL,
            {
                "type": "activity",
                "kind": kind,
                "conversation_id": conversation.id,
                "queue": conversation.queue,
                "agent_id": conversation.agent_id,
            },
        )

    async def _changed(self) -> None:
        for hook in self.on_change:
            await hook()

    async def _check_capacity(self, user: User) -> None:
        load = (await self.people.load()).get(user.id, 0)
        if load >= user.capacity:
            raise Conflict(
                "at_capacity",
                f"You have {load} conversations open, your maximum; close one first.",
                load=load,
                capacity=user.capacity,
            )

    async def _notice(
        self, key: str, conversation_id: str, *, queue_name: str | None = None, **values: Any
    ) -> Reply | None:
        """The customer's system message about this step, in their language, on live channels."""
        async with self.conversations.store.transaction() as tx:
            c = await tx.get_conversation(ConversationId(conversation_id))
        if c is None or c.channel not in self.phrases.notice_channels:
            return None
        language = c.language or self.tenant.default_language
        queue = self.tenant.queues.get(queue_name or c.queue or "")
        text = self.phrases.notice(
            key, language, queue=queue.title(language) if queue else "", **values
        )
        return (
            Reply(text, sender=Sender.SYSTEM, metadata={"kind": f"notice_{key}"}) if text else None
        )


def urgency(conversation: Conversation) -> tuple[int, float]:
    """High priority first, then whoever has waited longest."""
    queued = conversation.queued_at or conversation.created_at
    return (0 if conversation.priority is Priority.HIGH else 1, queued.timestamp())


def _text(text: str, what: str, limit: int = MAX_NOTE_CHARS) -> str:
    text = (text or "").strip()
    if not text:
        raise BadRequest(f"empty_{what}", f"A {what} cannot be empty.")
    if len(text) > limit:
        raise BadRequest(f"{what}_too_long", f"A {what} can be at most {limit} characters.")
    return text
