"""The conversation handler: understand the message, route it, and let the bot or a person act.

    message → Understanding.parse → RoutingEngine.decide → Bot.respond | hand-over to a queue

It reads the customer's earlier contacts and the clock to route, keeps the bot's state in the
conversation's context, and returns an ``Outcome`` that ``ConversationService`` stores.
"""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from typing import Any

from samen.bot.dialogue import Bot
from samen.bot.session import BotResult, BotTurn
from samen.bot.texts import Texts
from samen.clock import Clock
from samen.conversations.handler import NO_AUTOMATIC_ANSWER, Outcome, Turn
from samen.conversations.models import Conversation, Customer, Priority, Reply, Sender, State
from samen.conversations.ports import Store
from samen.nlu.batching import ParseBatcher, Run
from samen.nlu.models import OUT_OF_SCOPE, ParseResult
from samen.nlu.pipeline import ParseContext, Understanding
from samen.routing.engine import Decision, RoutingEngine
from samen.routing.facts import ConversationFacts, EarlierContact, RoutingFacts
from samen.routing.handover import build_packet
from samen.routing.queues import QueueEstimator
from samen.tenant import Tenant

# The wait a customer handed over is told: figures of the queue read this recently will do.
# Under load hand-overs come many a second, and a second's hand-overs move a wait in minutes
# by hardly a minute; the console's queue figures are read fresh.
WAIT_FIGURES_MAX_AGE = timedelta(seconds=2)
_NO_TOPIC = {"greeting", "goodbye", "bot_identity", "human_handoff", OUT_OF_SCOPE}
_SERVICE_DOWN = re.compile(
    r"\b(geen (internet|verbinding|tv|beeld|bereik)|doet (het )?niks|ligt (er )?(plat|eruit)|"
    r"no (internet|connection|signal|service)|(internet|wifi|tv) is down|nothing works)\b",
    re.I,
)


class Brain:
    def __init__(
        self,
        understanding: Understanding,
        engine: RoutingEngine,
        bot: Bot,
        texts: Texts,
        tenant: Tenant,
        store: Store,
        clock: Clock,
        queues: QueueEstimator,
        *,
        parse: Run | None = None,
    ) -> None:
        self.understanding = understanding
        # Concurrent messages share one parse; ``parse`` runs it elsewhere (samen.nlu.process).
        self.parser = ParseBatcher(understanding, run=parse)
        self.engine = engine
        self.bot = bot
        self.texts = texts
        self.tenant = tenant
        self.store = store
        self.clock = clock
        self.queues = queues

    async def opening(self, conversation: Conversation, customer: Customer) -> list[Reply]:
        language = self.texts.language(conversation.language)
        identity = conversation.context.get("identity")
        if identity:  # signed in on the company's site: greet them by name
            backend = self.bot.kit.backend
            known = await backend.find_customer(customer_number=identity["customer_number"])
            if known is not None:
                name = known.name.split()[0]
                text = self.texts.say("welcome_identified", language, name=name)
                return [Reply(text, metadata={"kind": "disclosure"})]
        return [Reply(self.texts.say("welcome", language), metadata={"kind": "disclosure"})]

    async def handle(self, turn: Turn) -> Outcome:
        conversation = turn.conversation
        context = copy.deepcopy(conversation.context)
        hint = conversation.language or self.tenant.default_language
        parse = await self.parser.parse(
            turn.message.text,
            ParseContext(
                language=hint, earlier_frustration=tuple(context.get("frustration", []))[-5:]
            ),
        )
        # Reply in the customer's language when we speak it; keep the conversation's otherwise.
        language = (
            parse.language if parse.language in self.texts.languages else self.texts.language(hint)
        )
        context.setdefault("frustration", []).append(round(parse.frustration, 3))
        context["frustration"] = context["frustration"][-20:]
        outcome = Outcome(understanding=parse.as_dict(), language=language, context=context)
        if conversation.state is not State.BOT:
            return self._with_person(conversation, parse, outcome)

        bot_state: dict[str, Any] = context.setdefault("bot", {})
        if turn.message.metadata.get(NO_AUTOMATIC_ANSWER):
            return await self._for_people_only(turn, parse, context, outcome, language)
        if parse.intent.name not in _NO_TOPIC and parse.intent.confidence >= 0.5:
            context["topic"] = parse.intent.name
            outcome.topic = parse.intent.name
        history = await self._history(conversation, turn.earlier)
        bot_turn = BotTurn(
            parse=parse,
            language=language,
            state=bot_state,
            channel=conversation.channel,
            email=turn.customer.identity("email"),
            phone=turn.customer.identity("phone"),
            identified=(context.get("identity") or {}).get("customer_number"),
        )
        continuing = self.bot.continuing(bot_turn)
        if continuing and context.get("topic") != continuing and parse.intent.name != continuing:
            # An answer inside a flow ("PL-104233") says nothing about the topic.
            context["topic"] = outcome.topic = continuing
        spoken = conversation.language
        if continuing and spoken is not None and spoken in self.texts.languages:
            # Nor about the language: "Lange Voorhout, Den Haag" in an English conversation.
            language = bot_turn.language = outcome.language = spoken
        facts = self._facts(turn, parse, context, history, continuing)
        decision = self.engine.decide(facts)
        if decision.to_person:
            return await self._hand_over(turn, parse, decision, history, outcome, language, [])

        bot_turn.escalation_queue = decision.bot_first or self.engine.policy.topic_queue(
            continuing or parse.intent.name
        )
        result = await self.bot.respond(bot_turn)
        bot_state["fallbacks"] = bot_state.get("fallbacks", 0) + 1 if result.fallback else 0
        outcome.events.extend(result.events)
        if result.handover:
            handover = Decision(
                "handover",
                result.handover,
                "normal",
                result.handover_reason or "The bot could not resolve it.",
                ["intent"],
            )
            handover = self.engine.adjust(handover, facts)  # same adjustments: priority, hours
            return await self._hand_over(
                turn, parse, handover, history, outcome, language, result.replies
            )
        if decision.action == "offer" and decision.queue:
            self._offer(result, decision, language, parse)
            bot_state["offered"] = decision.queue
        outcome.replies = self._disclosed(turn, result.replies, language)
        outcome.route = decision.route()
        if result.resolved is False:
            outcome.events.append(("unresolved", {"intent": parse.intent.name}))
        return outcome

    async def preview(
        self, text: str, customer: Customer | None, channel: str = "web"
    ) -> tuple[ParseResult, Decision]:
        """What a first message would get, without storing anything (``samen route``)."""
        from samen.conversations.models import (
            ConversationId,
            CustomerId,
            Message,
            MessageId,
            new_id,
        )

        now = self.clock.now()
        customer = customer or Customer(CustomerId(new_id()), None, [], now)
        conversation = Conversation(
            ConversationId(new_id()), customer.id, channel, State.BOT, now, now
        )
        message = Message(MessageId(new_id()), conversation.id, Sender.CUSTOMER, text, now)
        parse = await self.parser.parse(text, ParseContext(language=self.tenant.default_language))
        context: dict[str, Any] = {"frustration": [parse.frustration]}
        history = await self._history(conversation)
        facts = self._facts(
            Turn(conversation, customer, message, [message]), parse, context, history
        )
        return parse, self.engine.decide(facts)

    # facts -----------------------------------------------------------------------------------
    async def _history(
        self, conversation: Conversation, earlier: list[Conversation] | None = None
    ) -> list[EarlierContact]:
        if earlier is None:
            async with self.store.reading() as tx:
                earlier = await tx.earlier_contacts(conversation.customer_id, limit=50)
        return [
            EarlierContact(
                conversation_id=c.id,
                channel=c.channel,
                started_at=c.created_at,
                topic=c.topic,
                queue=c.queue or (c.route or {}).get("queue"),
                with_person=c.queued_at is not None,
                resolved=(c.outcome or {}).get("resolved") if c.outcome else None,
                state=str(c.state),
            )
            for c in earlier
            if c.id != conversation.id
        ]

    def _facts(
        self,
        turn: Turn,
        parse: ParseResult,
        context: dict[str, Any],
        history: list[EarlierContact],
        continuing: str | None = None,
    ) -> RoutingFacts:
        bot_state = context.get("bot", {})
        now = self.clock.now()
        customer_messages = sum(1 for m in turn.history if m.sender is Sender.CUSTOMER)
        likely_fallback = parse.intent.name == OUT_OF_SCOPE and not continuing
        trend = parse.signals.get("trend", {})
        return RoutingFacts(
            parse=parse,
            conversation=ConversationFacts(
                state=str(turn.conversation.state),
                channel=turn.conversation.channel,
                customer_messages=customer_messages,
                fallbacks_in_row=bot_state.get("fallbacks", 0) + (1 if likely_fallback else 0),
                offered_person=bool(bot_state.get("offered")),
                frustration_history=tuple(context.get("frustration", [])),
                escalating=bool(trend.get("escalating")) and customer_messages > 1,
                bot_minutes=(now - turn.conversation.created_at).total_seconds() / 60,
                topic=context.get("topic"),
                service_down=bool(bot_state.get("service_down"))
                or bool(_SERVICE_DOWN.search(parse.text)),
                answer=self.texts.answer(parse.text, parse.language),
                continues_flow=continuing,
            ),
            history=tuple(history),
            now=now,
            open_now=self.tenant.hours.is_open(now),
            next_opening=self.tenant.hours.next_opening(now),
            available=dict(self.queues.available),
        )

    # outcomes --------------------------------------------------------------------------------
    def _with_person(
        self, conversation: Conversation, parse: ParseResult, outcome: Outcome
    ) -> Outcome:
        """A person has it: keep understanding for them, raise priority on a sensitive turn."""
        if parse.sensitive and conversation.priority is not Priority.HIGH:
            outcome.priority = Priority.HIGH
            outcome.events.append(
                (
                    "priority_raised",
                    {"reason": "sensitive", "signals": [s.kind for s in parse.sensitive]},
                )
            )
        return outcome

    def _offer(
        self, result: BotResult, decision: Decision, language: str, parse: ParseResult
    ) -> None:
        queue = self.tenant.queues.get(decision.queue or "")
        title = queue.title(language) if queue else decision.queue
        key = "offer_person_frustrated" if "frustration" in decision.rules else "offer_person"
        text = self.texts.say(key, language, queue_title=title)
        if result.fallback and "stuck" in decision.rules:
            result.replies.clear()  # not a third "I don't understand": the offer is the answer
        yes, no = (
            ("Ja, graag", "Nee, dank je") if language == "nl" else ("Yes, please", "No, thanks")
        )
        result.replies.append(Reply(text, buttons=(yes, no), metadata={"kind": "offer"}))

    def _disclosed(self, turn: Turn, replies: list[Reply], language: str) -> list[Reply]:
        """The first bot message of a conversation says it is a bot and how to reach a person."""
        if not replies or any(m.sender is Sender.BOT for m in turn.history):
            return replies
        first = replies[0]
        notice = self.texts.say_on(turn.conversation.channel, "disclosure_short", language)
        return [
            Reply(f"{notice}\n\n{first.text}", first.sender, first.buttons, first.metadata),
            *replies[1:],
        ]

    async def _for_people_only(
        self,
        turn: Turn,
        parse: ParseResult,
        context: dict[str, Any],
        outcome: Outcome,
        language: str,
    ) -> Outcome:
        """A message the bot must not answer (an auto-reply, a bounce): routed, but to a person,
        and in silence. The conversation's topic stays what the customer wrote about."""
        history = await self._history(turn.conversation, turn.earlier)
        facts = self._facts(turn, parse, context, history)
        decision = self.engine.decide(facts)
        # What an auto-reply seems to be about says nothing of what the customer needs: only a
        # rule about the customer (sensitive, a repeat contact, frustration) chooses the queue.
        if not decision.to_person or decision.rules[:1] in (["intent"], ["low_confidence"]):
            policy = self.engine.policy
            queue = policy.topic_queue(context.get("topic")) or policy.default_queue
            reasons = "; ".join(turn.message.metadata.get(NO_AUTOMATIC_ANSWER) or [])
            reason = f"No automatic answer ({reasons}); a person takes a look."
            decision = Decision("handover", queue, "normal", reason, [])
        outcome = await self._hand_over(turn, parse, decision, history, outcome, language, [])
        outcome.replies = []
        return outcome

    async def _hand_over(
        self,
        turn: Turn,
        parse: ParseResult,
        decision: Decision,
        history: list[EarlierContact],
        outcome: Outcome,
        language: str,
        bot_replies: list[Reply],
    ) -> Outcome:
        queue_name = decision.queue or self.engine.policy.default_queue
        queue = self.tenant.queues.get(queue_name)
        title = queue.title(language) if queue else queue_name
        figures = await self.queues.figures(queue_name, max_age=WAIT_FIGURES_MAX_AGE)
        route = decision.route()
        now = self.clock.now()
        channel = turn.conversation.channel
        if decision.out_of_hours:
            opening = self.tenant.hours.next_opening(now)
            from samen.bot.formats import moment

            text = self.texts.say_on(
                channel,
                "handover_out_of_hours",
                language,
                queue_title=title,
                opening=moment(
                    opening, language, self.tenant.zone, now.astimezone(self.tenant.zone).date()
                ),
            )
        elif "sensitive" in decision.rules:
            text = self.texts.say_on(
                channel, "handover_sensitive", language, wait=figures.expected_wait_minutes
            )
        elif "repeat_contact" in decision.rules and history:
            earlier = next((h for h in history if h.conversation_id in decision.linked), history[0])
            topic = (earlier.topic or "").replace("_", " ")
            text = self.texts.say_on(
                channel,
                "handover_repeat",
                language,
                topic=topic,
                queue_title=title,
                wait=figures.expected_wait_minutes,
            )
        else:
            text = self.texts.say_on(
                channel,
                "handover_queued",
                language,
                queue_title=title,
                wait=figures.expected_wait_minutes,
            )
        replies = [*bot_replies, Reply(text, metadata={"kind": "handover", "queue": queue_name})]
        outcome.replies = self._disclosed(turn, replies, language)
        outcome.state = State.QUEUED
        outcome.queue = queue_name
        outcome.priority = Priority(decision.priority)
        outcome.route = route
        context = outcome.context or {}
        context["wait"] = figures.expected_wait_minutes
        messages = [*turn.history]
        for message in messages:
            if message.id == turn.message.id:
                message.metadata["understanding"] = outcome.understanding
        packet = build_packet(
            turn.conversation, turn.customer, messages, route, history, context.get("bot", {})
        )
        packet["expected_wait_minutes"] = figures.expected_wait_minutes
        packet["problem"] = packet["problem"] or parse.text
        context["handover"] = packet
        outcome.events.append(
            (
                "handover",
                {
                    "queue": queue_name,
                    "priority": decision.priority,
                    "linked": decision.linked,
                    "reason": decision.reason,
                },
            )
        )
        return outcome

    # calls -----------------------------------------------------------------------------------
    async def route_call_start(
        self, conversation: Conversation, customer: Customer
    ) -> Outcome | None:
        """Route a phone call before the caller has said a word: the policy's rules run on the
        customer's earlier contacts (any channel) with no message, and only a ``repeat_contact``
        decision counts. ``None`` means: greet and listen as usual::

            outcome = await brain.route_call_start(conversation, customer)
            outcome.queue if outcome else None   # "billing" for last week's invoice complaint
        """
        history = await self._history(conversation)
        if not history:
            return None
        parse, turn = await self._wordless(conversation, customer)
        context = copy.deepcopy(conversation.context)
        decision = self.engine.decide(self._facts(turn, parse, context, history))
        if not decision.to_person or "repeat_contact" not in decision.rules:
            return None
        outcome = Outcome(language=parse.language, context=context)
        return await self._hand_over(turn, parse, decision, history, outcome, parse.language, [])

    async def hand_over_call(
        self, conversation: Conversation, customer: Customer, rule: str, reason: str
    ) -> Outcome:
        """Put a call through to a person without new words (the caller pressed 0, or was not
        understood twice): the conversation's topic picks the queue, adjustments still apply."""
        history = await self._history(conversation)
        parse, turn = await self._wordless(conversation, customer)
        context = copy.deepcopy(conversation.context)
        policy = self.engine.policy
        queue = policy.topic_queue(context.get("topic") or conversation.topic)
        decision = self.engine.adjust(
            Decision("handover", queue or policy.default_queue, "normal", reason, [rule]),
            self._facts(turn, parse, context, history),
        )
        outcome = Outcome(language=parse.language, context=context)
        return await self._hand_over(turn, parse, decision, history, outcome, parse.language, [])

    async def _wordless(
        self, conversation: Conversation, customer: Customer
    ) -> tuple[ParseResult, Turn]:
        """An empty parse and a turn without a stored message, for decisions a call makes
        before or between the caller's words."""
        from samen.conversations.models import Message, MessageId, new_id
        from samen.nlu.models import IntentScore, Sentiment

        language = self.texts.language(conversation.language or self.tenant.default_language)
        parse = ParseResult(
            text="",
            language=language,
            intent=IntentScore(OUT_OF_SCOPE, 0.0),
            ranking=(),
            entities=(),
            sentiment=Sentiment(0.0, "neutral"),
            frustration=0.0,
            sensitive=(),
        )
        async with self.store.transaction() as tx:
            messages = await tx.list_messages(conversation.id, limit=50)
        now = self.clock.now()
        placeholder = Message(MessageId(new_id()), conversation.id, Sender.CUSTOMER, "", now)
        return parse, Turn(conversation, customer, placeholder, messages)
