"""Agents' corrections of the bot, as training examples for the next model."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from samen.agents import access
from samen.agents.desk import Desk
from samen.agents.models import User
from samen.clock import Clock
from samen.conversations.models import Conversation, Message, Sender, new_id
from samen.conversations.ports import Transaction
from samen.errors import BadRequest, NotFound
from samen.nlu.training_data import TrainingData
from samen.settings import Settings
from samen.storage.corrections import Correction

_INTENT = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


async def load_corrections(settings: Settings) -> TrainingData:
    """Every intent correction agents made, as examples (none until agents have corrected)."""
    from samen.storage.corrections import SqlCorrections
    from samen.storage.database import create_engine, upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        return await SqlCorrections(engine).training_data()
    finally:
        await engine.dispose()


class CorrectionStore(Protocol):
    async def add(self, correction: Correction) -> None: ...
    async def list(self, status: str | None = None, limit: int = 200) -> list[Correction]: ...
    async def review(self, correction_id: str, status: str) -> None: ...


class Corrections:
    """Agents teach the bot: an intent it got wrong, or an answer that was wrong.

    Each correction is a training example with who and when (``samen train`` uses intent
    corrections not rejected by a supervisor); it also goes into the conversation's timeline.
    """

    def __init__(
        self,
        desk: Desk,
        store: CorrectionStore,
        clock: Clock,
        intents: Callable[[], Sequence[str]] | None = None,
    ) -> None:
        self.desk = desk
        self.store = store
        self.clock = clock
        self._intents = intents

    def intents(self) -> list[str]:
        return sorted(self._intents()) if self._intents else []

    async def intent(
        self, user: User, conversation_id: str, message_id: str, intent: str, comment: str = ""
    ) -> Correction:
        known = self.intents()
        if (known and intent not in known) or not _INTENT.match(intent):
            raise BadRequest("unknown_intent", f"'{intent}' is not an intent the bot knows.")
        message = await self._message(user, conversation_id, message_id, Sender.CUSTOMER)
        understood = ((message.metadata.get("understanding") or {}).get("intent") or {}).get("name")
        if understood == intent:
            raise BadRequest("same_intent", "That is the intent the bot understood.")
        correction = self._new(user, conversation_id, message, "intent", message.text, understood,
                               intent, comment)  # fmt: skip
        await self._record(user, correction, {"intent": intent, "by": user.name})
        return correction

    async def answer(
        self, user: User, conversation_id: str, message_id: str, comment: str, better: str = ""
    ) -> Correction:
        message = await self._message(user, conversation_id, message_id, Sender.BOT)
        question = await self._question(conversation_id, message)
        source = (message.metadata.get("source") or {}).get("article_id")
        parts = (comment.strip(), f"Better answer: {better.strip()}" if better.strip() else "")
        note = "\n".join(p for p in parts if p)
        correction = self._new(user, conversation_id, message, "answer", question or message.text,
                               source, None, note or "The answer was wrong.")  # fmt: skip
        await self._record(user, correction, {"wrong_answer": True, "by": user.name})
        return correction

    async def list(self, user: User, status: str | None = None) -> list[Correction]:
        access.require_oversight(user)
        return await self.store.list(status)

    async def review(self, user: User, correction_id: str, status: str) -> None:
        access.require_oversight(user)
        if status not in ("accepted", "rejected", "new"):
            raise BadRequest("invalid_status", "A review is accepted or rejected.")
        await self.store.review(correction_id, status)

    # internals -----------------------------------------------------------------------------
    def _new(self, user: User, conversation_id: str, message: Message, kind: str, text: str,
             understood: str | None, corrected: str | None, comment: str) -> Correction:  # fmt: skip
        return Correction(
            id=new_id(), conversation_id=conversation_id, message_id=message.id, kind=kind, text=text,
            language=message.language, understood=(understood or None) and understood[:60],
            corrected=corrected, comment=comment.strip()[:2000] or None, agent_id=user.id,
            status="new", created_at=self.clock.now(),
        )  # fmt: skip

    async def _message(
        self, user: User, conversation_id: str, message_id: str, sender: Sender
    ) -> Message:
        await self.desk.get(user, conversation_id)
        messages = await self.desk.conversations.messages(conversation_id)
        found = next((m for m in messages if m.id == message_id and m.sender is sender), None)
        if found is None:
            raise NotFound(
                "message_not_found", f"No {sender} message with this id in this conversation."
            )
        return found

    async def _question(self, conversation_id: str, answer: Message) -> str | None:
        messages = await self.desk.conversations.messages(conversation_id)
        asked = answer.metadata.get("in_reply_to")
        before = [
            m for m in messages if m.sender is Sender.CUSTOMER and m.created_at <= answer.created_at
        ]
        found = next((m for m in messages if m.id == asked), None) or (
            before[-1] if before else None
        )
        return found.text if found else None

    async def _record(self, user: User, correction: Correction, mark: dict[str, Any]) -> None:
        await self.store.add(correction)
        data = {
            "kind": correction.kind,
            "correction_id": correction.id,
            "message_id": correction.message_id,
            "understood": correction.understood,
            "corrected": correction.corrected,
            "by": user.name,
        }

        async def mutate(tx: Transaction, c: Conversation) -> list[tuple[str, dict[str, Any]]]:
            for message in await tx.list_messages(c.id):
                if message.id == correction.message_id:
                    message.metadata["correction"] = mark
                    await tx.update_message_metadata(message)
            packet = c.context.get("handover") or {}
            if correction.kind == "intent" and packet.get("intent") == correction.understood:
                packet["intent_corrected"] = {"intent": correction.corrected, "by": user.name}
            return [("correction", data)]

        conversation = await self.desk.conversations.change(
            correction.conversation_id, mutate, actor=user.id
        )
        await self.desk.activity(conversation, "correction")
