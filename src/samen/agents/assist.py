"""Live assist: while the agent works, what to say and what to do.

* passages of the knowledge base that answer the customer's question (the bot's own retriever),
* how colleagues answered similar questions before (agent replies whose preceding customer
  message means nearly the same, by sentence embedding),
* canned responses in the customer's language, filled in,
* next steps the company's systems can take (``actions.Steps``).

One click in the console puts any suggestion's text in the reply box, to edit before sending.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np

from samen.agents.actions import NextStep, Steps
from samen.agents.canned import Phrasebook, fill
from samen.agents.casefile import CaseFile
from samen.agents.models import Exchange, User
from samen.agents.ports import People
from samen.bot.knowledge import KnowledgeBase
from samen.clock import Clock
from samen.conversations.models import Sender

_TRIVIAL = {"greeting", "goodbye", "bot_identity", "human_handoff", "out_of_scope"}
# A person judges before anything is sent, so the bar is the bot's (0.55) a little lowered; but the
# passage must mean something like the question (a word in common alone is not enough).
MIN_PASSAGE_SCORE = 0.5
MIN_MEANING = 0.3
# Sentence-embedding cosine of two customer questions: Dutch paraphrases of one question measured
# 0.5–0.7 with the demo's encoder, unrelated questions at most 0.3.
MIN_SIMILARITY = 0.45
HISTORY_DAYS = 120
_CACHE_SIZE = 5000


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: str  # article, colleague, canned
    title: str
    text: str
    detail: str = ""
    url: str | None = None
    score: float | None = None

    def view(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "text": self.text, "detail": self.detail,
                "url": self.url, "score": None if self.score is None else round(self.score, 3)}  # fmt: skip


@dataclass(slots=True)
class Assist:
    question: str
    intent: str | None
    articles: list[Suggestion] = field(default_factory=list)
    colleagues: list[Suggestion] = field(default_factory=list)
    canned: list[Suggestion] = field(default_factory=list)
    steps: list[NextStep] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "intent": self.intent,
            "suggestions": [s.view() for s in (*self.articles, *self.colleagues)],
            "canned": [s.view() for s in self.canned],
            "next_steps": [s.view() for s in self.steps],
        }


class Assistant:
    def __init__(
        self,
        people: People,
        phrases: Phrasebook,
        steps: Steps,
        clock: Clock,
        knowledge: KnowledgeBase | None = None,
    ) -> None:
        self.people = people
        self.phrases = phrases
        self.steps = steps
        self.clock = clock
        self.knowledge = knowledge
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    async def suggest(self, user: User, case: CaseFile) -> Assist:
        question, intent = focus(case)
        language = case.conversation.language or self.phrases.default_language
        topic = case.conversation.topic
        assist = Assist(question, intent, steps=self.steps.offer(case, intent, topic))
        assist.canned = self.canned(user, case)
        if self.knowledge is None or not question:
            return assist
        hint = topic if intent in (None, *_TRIVIAL, "complaint") and topic else intent
        for asked in dict.fromkeys((question, *earlier_questions(case))):
            # A repeat contact ("I mailed last week and nothing happened") is about the earlier
            # question: when the words of now find nothing, those of then usually do.
            assist.articles = await asyncio.to_thread(self._articles, asked, language, hint)
            assist.colleagues = await self._colleagues(case, asked)
            if assist.articles or assist.colleagues:
                break
        return assist

    def canned(self, user: User, case: CaseFile) -> list[Suggestion]:
        name = (case.customer.name or (case.record.name if case.record else "") or "").split(" ")[0]
        return [
            Suggestion("canned", r.title, fill(r.text, name=name, agent=user.first_name))
            for r in self.phrases.canned(case.conversation.language)
        ]

    def _articles(self, question: str, language: str, intent: str | None) -> list[Suggestion]:
        assert self.knowledge is not None
        found: list[Suggestion] = []
        seen: set[str] = set()
        for hit in self.knowledge.search(question, language, intent=intent, top=5):
            if (
                hit.score < MIN_PASSAGE_SCORE
                or hit.semantic < MIN_MEANING
                or hit.article.id in seen
            ):
                continue
            seen.add(hit.article.id)
            text = hit.passage.text.strip()
            found.append(Suggestion("article", hit.article.title, text[:900], hit.passage.heading,
                                    hit.article.url, hit.score))  # fmt: skip
        return found[:3]

    async def _colleagues(self, case: CaseFile, question: str) -> list[Suggestion]:
        assert self.knowledge is not None
        queues = (
            [case.conversation.queue] if case.conversation.queue else list(self.steps_queues(case))
        )
        if not queues:
            return []
        since = self.clock.now() - timedelta(days=HISTORY_DAYS)
        own = [case.conversation.id, *(k["id"] for k in case.contacts)]
        exchanges = await self.people.exchanges(queues, exclude=own, since=since)
        if not exchanges:
            return []
        scored = await asyncio.to_thread(self._similarities, question, exchanges)
        ranked = sorted(zip(scored, exchanges, strict=True), key=lambda pair: -pair[0][0])
        found: list[Suggestion] = []
        for (score, asked), e in ranked:
            if score < MIN_SIMILARITY or len(found) == 3:
                break
            if any(s.text == e.answer for s in found):
                continue
            detail = f"to “{asked[:120]}” on {e.answered_at.date().isoformat()}"
            title = f"{e.author_name or 'A colleague'} answered"
            found.append(Suggestion("colleague", title, e.answer, detail, None, float(score)))
        return found

    def _similarities(self, question: str, exchanges: list[Exchange]) -> list[tuple[float, str]]:
        """Per exchange, how close its closest customer message comes to ``question``, and which."""
        assert self.knowledge is not None
        encoder = self.knowledge.encoder
        keys = [
            (f"{e.answer_id}:{i}", text) for e in exchanges for i, text in enumerate(e.questions)
        ]
        missing = [(key, text) for key, text in keys if key not in self._vectors]
        if missing:
            for (key, _), vector in zip(
                missing, encoder.encode([t for _, t in missing]), strict=True
            ):
                self._vectors[key] = vector
            while len(self._vectors) > _CACHE_SIZE:
                self._vectors.popitem(last=False)
        asked = encoder.encode([question])[0]
        best: list[tuple[float, str]] = []
        for e in exchanges:
            scores = [
                float(self._vectors[f"{e.answer_id}:{i}"] @ asked) for i in range(len(e.questions))
            ]
            top = int(np.argmax(scores))
            best.append((scores[top], e.questions[top]))
        return best

    @staticmethod
    def steps_queues(case: CaseFile) -> list[str]:
        queue = case.packet.get("queue")
        return [queue] if queue else []


def earlier_questions(case: CaseFile) -> list[str]:
    """The first thing the customer said in the conversations this one was linked to."""
    linked = set(case.packet.get("linked") or ())
    found = []
    for item in case.timeline:
        if (
            item["type"] == "message"
            and item["sender"] == "customer"
            and item["conversation_id"] in linked
        ):
            found.append(item["text"])
            linked.discard(item["conversation_id"])
    return found


def focus(case: CaseFile) -> tuple[str, str | None]:
    """The customer's question now, and its intent: their last message that says something."""
    for message in reversed(case.messages):
        if message.sender is not Sender.CUSTOMER:
            continue
        intent = ((message.metadata.get("understanding") or {}).get("intent") or {}).get("name")
        if intent not in _TRIVIAL:
            return message.text, intent or case.packet.get("intent")
    return str(case.packet.get("problem") or ""), case.packet.get("intent")
