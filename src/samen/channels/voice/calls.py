"""The call flow every voice transport shares (Twilio webhooks, media streams).

A call is a conversation on the ``voice`` channel, found again by its ``call_sid`` reference;
each thing the caller says goes through ``ConversationService.receive`` like a chat message.
What a call carries between turns (language, turns not understood, slow speech) is a small
``CallState`` that the transport keeps: Twilio in the ``<Gather action>`` URL, a media stream
in its session::

    step = await calls.start("CA123", "+31612345678", CallState("nl"))
    step = await calls.hear("CA123", step.state, speech="waar is mijn bestelling")
    step.action, step.say        # "listen", ["Wat is je bestelnummer? ..."]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from samen.bot.texts import Texts
from samen.channels.identity import normalise_phone
from samen.channels.voice.heard import keypad_text, normalise_transcript
from samen.channels.voice.spoken import speakable
from samen.conversations.handler import Outcome
from samen.conversations.models import Conversation, Identity, Reply, Sender, State
from samen.conversations.ports import Transaction
from samen.conversations.service import (
    MAX_MESSAGE_CHARS,
    ConversationService,
    without_controls,
)
from samen.errors import ConfigError, NotFound
from samen.tenant import Tenant

if TYPE_CHECKING:
    from samen.brain import Brain

MISSES_BEFORE_PERSON = 2
# In a conversation's context once its call has ended: later webhook turns only hang up.
CALL_ENDED = "call_ended"
_PERSON = re.compile(r"\b(medewerker|mens|persoon|agent|operator|human|person)\b", re.I)
_REPEAT = re.compile(
    r"\b(herhaal|herhalen|nog ?een ?keer|wat zei je|wat zegt u|repeat|say (that|it) again|"
    r"come again|pardon|sorry\?)", re.I,
)  # fmt: skip
_SLOWER = re.compile(r"\b(langzamer|rustiger|slower|more slowly|slow down)\b", re.I)


@dataclass(frozen=True, slots=True)
class CallState:
    language: str
    misses: int = 0  # turns in a row that were not understood (or silent)
    slow: bool = False
    turn: int = 0


@dataclass(slots=True)
class CallStep:
    """What to do next on the line: say these sentences, then listen, dial or hang up."""

    conversation_id: str
    state: CallState
    say: list[str]
    action: Literal["listen", "dial", "hangup"] = "listen"
    dial: str | None = None
    queue: str | None = None
    intent: str | None = None
    heard: str | None = None
    understanding: dict[str, Any] = field(default_factory=dict)
    expecting: str | None = None  # what the bot asked for: "order_number", "customer_number"


class VoiceCalls:
    def __init__(
        self,
        conversations: ConversationService,
        texts: Texts,
        tenant: Tenant,
        brain: Brain | None = None,
    ) -> None:
        self.conversations = conversations
        self.texts = texts
        self.tenant = tenant
        self.brain = brain

    # the call's life ---------------------------------------------------------------------
    async def start(self, call_sid: str, caller: str, state: CallState) -> CallStep:
        """A new call: route it on the caller's history first, else greet and listen."""
        existing = await self._find(call_sid)
        if existing is not None and await self._over(existing):
            return await self._after_the_end(existing, state, {"call_start": True})
        if existing is not None:  # the provider retried its first request
            return await self._again(existing, state)
        phone = normalise_phone(caller) if caller else None
        conversation, _, _ = await self.conversations.start(
            "voice",
            [Identity("phone", phone)] if phone else [],
            locale=state.language,
            references=[("call_sid", call_sid)],
            greet=False,
        )
        if self.brain is not None:
            customer = await self._customer(conversation)
            outcome = await self.brain.route_call_start(conversation, customer)
            if outcome is not None:
                conversation = await self._apply(conversation, outcome)
                return self._after(conversation, state, [r.text for r in outcome.replies])
        greeting = self.texts.say_on("voice", "welcome", state.language)
        await self.conversations.post(
            conversation.id, greeting, sender=Sender.BOT, metadata={"kind": "disclosure"},
            deliver=False,
        )  # fmt: skip
        return self._step(conversation, state, [greeting])

    async def hear(
        self,
        call_sid: str,
        state: CallState,
        *,
        speech: str | None = None,
        digits: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> CallStep:
        """One turn of the caller: words (as transcribed) or keys."""
        conversation = await self._find(call_sid)
        if conversation is None:
            raise NotFound("call_not_found", "No conversation for this call.")
        state = replace(state, turn=state.turn + 1)
        speech = (speech or "").strip()
        digits = (digits or "").strip()
        if await self._over(conversation):
            heard = {"heard": speech} if speech else {"dtmf": digits} if digits else {}
            return await self._after_the_end(conversation, state, {**heard, **(metadata or {})})
        if conversation.state is not State.BOT:
            return await self._again(conversation, state)
        if not speech and not digits:
            return await self._not_understood(conversation, state, "no_input")
        if digits == "0":
            return await self._to_person(
                conversation, state, "human_request", "The caller pressed 0 to talk to a person."
            )
        if speech and len(speech.split()) <= 6 and _SLOWER.search(speech):
            return await self._again(conversation, replace(state, slow=True))
        if speech and len(speech.split()) <= 5 and _REPEAT.search(speech):
            return await self._again(conversation, state)
        if digits:
            text, meta = keypad_text(digits, _awaiting(conversation)), {"dtmf": digits}
        else:
            text, meta = normalise_transcript(speech), {"heard": speech}
        # Keys without a digit (a lone * or #), a transcript of nothing (or of control characters,
        # which the conversation would not store): as if nothing was said; a transcript beyond a
        # message's length is heard up to it. An error would end the call.
        text = without_controls(text).strip()[:MAX_MESSAGE_CHARS]
        if not text:
            return await self._not_understood(conversation, state, "no_input")
        result = await self.conversations.receive(
            conversation.id, text, metadata={**meta, **(metadata or {})}
        )
        conversation = result.conversation
        understanding = result.message.metadata.get("understanding") or {}
        intent = (understanding.get("intent") or {}).get("name")
        replies = [m.text for m in result.replies]
        if conversation.state is State.BOT and speech and _PERSON.search(speech):
            step = await self._to_person(
                conversation, state, "human_request", "The caller asked for a person."
            )  # always honoured, even when the words were not understood as such
            step.intent, step.heard, step.understanding = intent, text, understanding
            return step
        fallback = bool((conversation.context.get("bot") or {}).get("fallbacks"))
        state = replace(state, misses=state.misses + 1 if fallback else 0)
        if conversation.state is State.BOT and state.misses >= MISSES_BEFORE_PERSON:
            return await self._to_person(
                conversation, state, "stuck", "The caller was not understood twice in a row."
            )
        step = self._after(conversation, state, replies)
        if intent == "goodbye" and step.action == "listen":
            step.action = "hangup"
        step.intent, step.heard, step.understanding = intent, text, understanding
        return step

    async def ended(self, call_sid: str) -> None:
        """The caller hung up: the call is marked ended (later turns for it only hang up), and
        a call the bot still had is closed (a queued one stays queued: a person calls back)."""
        conversation = await self._find(call_sid)
        if conversation is None or _ended(conversation):
            return

        async def end(tx: Transaction, c: Conversation) -> list[tuple[str, dict[str, Any]]]:
            c.context = {**c.context, CALL_ENDED: True}
            events: list[tuple[str, dict[str, Any]]] = [("call_ended", {"call_sid": call_sid})]
            if c.state is State.BOT:
                c.transition(State.CLOSED, None, self.conversations.clock.now())
                events.append(("closed", {"reason": "The caller hung up."}))
            return events

        await self.conversations.change(conversation.id, end, actor="voice")

    async def _over(self, conversation: Conversation) -> bool:
        """The call has ended, or its conversation was closed: nothing more to say on it."""
        return conversation.state is State.CLOSED or _ended(conversation)

    async def _after_the_end(
        self, conversation: Conversation, state: CallState, data: dict[str, Any]
    ) -> CallStep:
        """A webhook for a call that is over (late, replayed): hang up, with no bot, and keep
        what it carried in the conversation's log, so a person can still read it."""

        async def note(tx: Transaction, c: Conversation) -> list[tuple[str, dict[str, Any]]]:
            return [("turn_after_call_ended", data)]

        await self.conversations.change(conversation.id, note, actor="voice")
        return CallStep(conversation.id, state, [], action="hangup")

    # steps -------------------------------------------------------------------------------
    def _after(self, conversation: Conversation, state: CallState, texts: list[str]) -> CallStep:
        if conversation.state is not State.QUEUED:
            return self._step(conversation, state, texts)
        queue = self.tenant.queues.get(conversation.queue or "")
        route = conversation.route or {}
        step = self._step(conversation, state, texts, action="hangup")
        step.queue = conversation.queue
        if queue is not None and queue.phone and "out_of_hours" not in route.get("rules", []):
            step.action, step.dial = "dial", queue.phone
        return step

    def _step(
        self, conversation: Conversation, state: CallState, texts: list[str], action: str = "listen"
    ) -> CallStep:
        today = self.conversations.clock.now().astimezone(self.tenant.zone).date()
        language = conversation.language if conversation.language in ("nl", "en") else None
        state = replace(state, language=language or state.language)
        sentences = [
            s
            for t in texts
            for s in speakable(
                self._voice_version(t, state.language), state.language, today=today,
                slow=state.slow,
            )
        ]  # fmt: skip
        step = CallStep(conversation.id, state, sentences, action)  # type: ignore[arg-type]
        step.expecting = _awaiting(conversation)
        return step

    def _voice_version(self, text: str, language: str) -> str:
        """A bot text that ``texts.yml`` words differently for the phone (``channels: voice:``),
        such as "key in your order number" instead of "you find it in your e-mail"."""
        try:
            variants = (self.texts.raw("channels", language) or {}).get("voice") or {}
        except ConfigError:
            return text
        for key in variants:
            try:
                if "{" not in str(self.texts.raw(key, language)) and text == self.texts.say(
                    key, language
                ):
                    return self.texts.say_on("voice", key, language)
            except ConfigError:
                continue
        return text

    async def _again(self, conversation: Conversation, state: CallState) -> CallStep:
        """Say the last answer again (the caller asked, or the provider retried)."""
        messages = await self.conversations.messages(conversation.id)
        last: list[str] = []
        for message in reversed(messages):
            if message.sender is Sender.CUSTOMER:
                break
            if message.sender is not Sender.SYSTEM:
                last.insert(0, message.text)
        return self._after(conversation, state, last)

    async def _not_understood(
        self, conversation: Conversation, state: CallState, key: str
    ) -> CallStep:
        state = replace(state, misses=state.misses + 1)
        if state.misses >= MISSES_BEFORE_PERSON:
            return await self._to_person(
                conversation, state, "stuck", "The caller was not heard twice in a row."
            )
        return self._step(conversation, state, [self.texts.say_on("voice", key, state.language)])

    async def _to_person(
        self, conversation: Conversation, state: CallState, rule: str, reason: str
    ) -> CallStep:
        if self.brain is None:
            return self._step(conversation, state, [])
        customer = await self._customer(conversation)
        outcome = await self.brain.hand_over_call(conversation, customer, rule, reason)
        conversation = await self._apply(conversation, outcome)
        return self._after(conversation, state, [r.text for r in outcome.replies])

    # the store ---------------------------------------------------------------------------
    async def _find(self, call_sid: str) -> Conversation | None:
        async with self.conversations.store.reading() as tx:
            return await tx.find_conversation_by_reference("call_sid", call_sid)

    async def _customer(self, conversation: Conversation) -> Any:
        async with self.conversations.store.reading() as tx:
            return await tx.get_customer(conversation.customer_id)

    async def _apply(self, conversation: Conversation, outcome: Outcome) -> Conversation:
        """Store a decision made without a new message (at the call's start, on 0)."""
        now = self.conversations.clock.now()

        async def mutate(tx: Transaction, c: Conversation) -> list[tuple[str, dict[str, Any]]]:
            events = list(outcome.events)
            if outcome.route is not None:
                c.route = outcome.route
                events.append(("routed", outcome.route))
            if outcome.context is not None:
                c.context = outcome.context
            if outcome.priority is not None:
                c.priority = outcome.priority
            if outcome.state is not None and outcome.state is not c.state:
                c.transition(outcome.state, outcome.queue, now)
                events.append(("state_changed", {"state": str(c.state), "queue": c.queue}))
            return events

        notice = _joined(outcome.replies)
        return await self.conversations.change(conversation.id, mutate, notice=notice)


def _ended(conversation: Conversation) -> bool:
    return bool(conversation.context.get(CALL_ENDED))


def _joined(replies: list[Reply]) -> Reply | None:
    if not replies:
        return None
    return Reply("\n\n".join(r.text for r in replies), metadata=dict(replies[-1].metadata))


def _awaiting(conversation: Conversation) -> str | None:
    """What the bot's current flow waits for (keyed digits are read as that identifier)."""
    flow = (conversation.context.get("bot") or {}).get("flow") or {}
    return {"order_number": "order_number", "verify_number": "customer_number"}.get(
        str(flow.get("await"))
    )
