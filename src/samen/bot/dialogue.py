"""The bot's dialogue: follow a flow, notice a change of subject, come back to what was left.

    result = await bot.respond(BotTurn(parse, "nl", state))

``state`` is the bot's part of the conversation's context and is changed in place; the
``BotResult`` says what to reply and whether a person should take over.
"""

from __future__ import annotations

from typing import Any

from samen.bot.changes import cancel_subscription, change_address, reset_password
from samen.bot.flowkit import Flow, FlowKit, awaits_entity, postcode_answer
from samen.bot.generation import AnswerWriter, sources_of, write_grounded
from samen.bot.knowledge import MIN_SCORE, KnowledgeBase
from samen.bot.live import LiveKnowledge
from samen.bot.lookups import (
    download_document,
    invoice_question,
    order_status,
    outage_check,
    repair_status,
)
from samen.bot.session import BotResult, BotTurn
from samen.bot.troubleshooting import troubleshoot
from samen.nlu.models import OUT_OF_SCOPE

FLOWS: dict[str, Flow] = {
    "order_status": order_status,
    "repair_status": repair_status,
    "outage_check": outage_check,
    "change_address": change_address,
    "reset_password": reset_password,
    "download_document": download_document,
    "cancel_subscription": cancel_subscription,
    "invoice_question": invoice_question,
    "tech_support": troubleshoot,
}
SMALL_TALK = {"greeting", "goodbye", "bot_identity"}
CONFIDENT = 0.5
_FREE_TEXT_STEPS = {"new_street"}
# A street and a town are names the intent model has no meaning for: it guesses some intent at a
# middling confidence ("Lange Voorhout in Den Haag" read as outage_check at 0.64). A real change
# of subject at that question is a sentence the model knows, and near certain ("is er een
# storing op mijn nieuwe adres?": 0.9999).
_FREE_TEXT_CONFIDENT = 0.95
_ANSWER_STEPS = {"confirm", "invoice_answered", "step_result"}


class Bot:
    def __init__(
        self,
        kit: FlowKit,
        knowledge: KnowledgeBase,
        live: LiveKnowledge | None = None,
        writer: AnswerWriter | None = None,
    ) -> None:
        self.kit = kit
        self.texts = kit.texts
        self.knowledge = knowledge
        self.live = live  # keeps ``knowledge`` in step with the article store
        self.writer = writer  # the optional generative mode

    async def respond(self, turn: BotTurn) -> BotResult:
        result = BotResult()
        state = turn.state
        answer = self.texts.answer(turn.text, turn.language)
        if state.pop("offered", None) and answer == "no":
            self.kit.say(result, turn, "offer_declined")
            return result
        resumable = state.pop("resume_offer", None)
        if resumable is not None and answer is not None:
            if answer == "no":
                self.kit.say(result, turn, "anything_else")
                return result
            resumable["await"] = None  # ask again for what it still needs
            state["flow"] = resumable
        flow = state.get("flow")
        if (
            flow is not None
            and not self._continues(flow, turn, answer)
            and self._new_subject(flow, turn)
        ):
            state.setdefault("suspended", []).append(flow)
            state["flow"] = flow = None
        if flow is not None and answer == "no" and flow.get("await") not in (None, *_ANSWER_STEPS):
            # "laat maar" instead of a customer number or a postcode: stop, don't ask again.
            state["flow"] = None
            result.events.append(("action", {"action": f"{flow['name']}_stopped"}))
            self.kit.say(result, turn, "flow_stopped")
        elif flow is not None:
            await self._run(flow, turn, result)
        else:
            await self._dispatch(turn, result)
        self._offer_to_resume(turn, result)
        return result

    def _offer_to_resume(self, turn: BotTurn, result: BotResult) -> None:
        """After a detour, offer to go back to what the customer left unfinished."""
        state = turn.state
        if (
            state.get("flow")
            or result.handover
            or not state.get("suspended")
            or state.get("resume_offer")
        ):
            return
        resumable = state["suspended"].pop()
        state["resume_offer"] = resumable
        titles = self.texts.raw("flow_titles", turn.language)
        self.kit.say(
            result, turn, "resume", flow_title=titles.get(resumable["name"], resumable["name"])
        )

    def continuing(self, turn: BotTurn) -> str | None:
        """The flow this message carries on (an answer to the bot's question), if any."""
        flow = turn.state.get("flow")
        if flow is None:
            resumable = turn.state.get("resume_offer")
            answer = self.texts.answer(turn.text, turn.language)
            return resumable["name"] if resumable is not None and answer == "yes" else None
        answer = self.texts.answer(turn.text, turn.language)
        if self._continues(flow, turn, answer):
            return str(flow["name"])
        return None if self._new_subject(flow, turn) else str(flow["name"])

    # deciding --------------------------------------------------------------------------------
    def _continues(self, flow: dict[str, Any], turn: BotTurn, answer: str | None) -> bool:
        step = flow.get("await")
        wanted = awaits_entity(flow)
        if wanted == "postcode" and postcode_answer(turn):
            return True
        if wanted and (
            turn.parse.entity(wanted) or (wanted == "date" and turn.parse.entity("datetime"))
        ):
            return True
        if step is not None and answer is not None:
            return True  # a bare yes or no answers the bot's question ("no" is not a fault)
        if step == "step_result" and turn.parse.intent.name == "tech_support":
            return True
        if step in _FREE_TEXT_STEPS and not self._new_subject(flow, turn):
            return True
        return turn.parse.intent.name == flow["name"]

    def _new_subject(self, flow: dict[str, Any], turn: BotTurn) -> bool:
        intent = turn.parse.intent
        # Asking for a person is honoured at a lower confidence than other changes of subject.
        if intent.name == "human_handoff":
            needed = 0.4
        elif flow.get("await") in _FREE_TEXT_STEPS:
            needed = _FREE_TEXT_CONFIDENT
        else:
            needed = CONFIDENT
        return (
            intent.name not in (OUT_OF_SCOPE, flow["name"])
            and intent.name not in SMALL_TALK
            and intent.confidence >= needed
        )

    # acting ----------------------------------------------------------------------------------
    async def _run(self, flow: dict[str, Any], turn: BotTurn, result: BotResult) -> None:
        done = await FLOWS[flow["name"]](self.kit, turn, result, flow)
        if not done:
            return
        turn.state["flow"] = None

    async def _dispatch(self, turn: BotTurn, result: BotResult) -> None:
        intent = turn.parse.intent.name
        if intent in FLOWS and turn.parse.intent.confidence >= 0.3:
            flow: dict[str, Any] = {"name": intent, "await": None, "data": {}}
            turn.state["flow"] = flow
            await self._run(flow, turn, result)
            return
        if intent in SMALL_TALK:
            self.kit.say(result, turn, intent)
            result.resolved = True if intent == "goodbye" else None
            return
        if intent == OUT_OF_SCOPE and turn.parse.language not in self.texts.languages:
            self.kit.say(result, turn, "fallback_other_language")
            result.fallback = True
            return
        await self._knowledge(turn, result, intent)

    async def _knowledge(self, turn: BotTurn, result: BotResult, intent: str) -> None:
        if self.live is not None:
            await self.live.fresh()
        vector = turn.parse.signals.get("vector")
        hint = intent if intent != OUT_OF_SCOPE else None
        hits = self.knowledge.search(
            turn.text, turn.language, hint, vector, top=3 if self.writer else 1
        )
        answer = self.knowledge.answer_from(hits)
        if answer is None:
            if intent == OUT_OF_SCOPE:
                self.kit.say(result, turn, "fallback")
            else:
                self.kit.say(result, turn, "kb_none")
                turn.state["offered"] = turn.escalation_queue or "care"
            result.fallback = True
            return
        event: dict[str, Any] = {
            "action": "knowledge_answer",
            "article": answer.article.id,
            "heading": answer.heading,
            "score": round(answer.score, 3),
        }
        grounded = None
        if self.writer is not None:  # only now: never asked when retrieval found nothing
            sources = sources_of(hits, MIN_SCORE)
            grounded = await write_grounded(self.writer, turn.text, turn.language, sources)
        if grounded is not None:
            titles = "; ".join(f"[{s.number}] {s.title}" for s in grounded.cited)
            source = self.texts.say("kb_source", turn.language, title=titles)
            views = [s.view() for s in grounded.cited]
            result.say(
                f"{grounded.text}\n\n{source}", source=views[0], sources=views, generated=True
            )
            event.update(generated=True, cited=[s.article_id for s in grounded.cited])
        else:
            source = self.texts.say("kb_source", turn.language, title=answer.article.title)
            result.say(
                f"{answer.text}\n\n{source}", source=answer.source(), sources=[answer.source()]
            )
        result.events.append(("action", event))
        result.resolved = True
