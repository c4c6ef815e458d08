"""``AgentServices``: the people side, composed once in ``bootstrap`` as ``extras["agents"]``.

agents = AgentServices.create(people, corrections, conversations, tenant, clock, secret)
user, token = await agents.auth.login(email, password)
await agents.desk.claim(user, conversation_id)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from samen.agents.actions import StepResult, Steps
from samen.agents.assignment import Assigner
from samen.agents.assist import Assistant
from samen.agents.auth import Authenticator, LoginThrottle
from samen.agents.canned import Phrasebook
from samen.agents.casefile import CaseFiles
from samen.agents.corrections import Corrections, CorrectionStore
from samen.agents.desk import Desk
from samen.agents.directory import Directory, UserSpec
from samen.agents.models import User
from samen.agents.overview import Overview
from samen.agents.passwords import Passwords
from samen.agents.ports import People
from samen.bot.connectors import Backend
from samen.bot.knowledge import KnowledgeBase
from samen.clock import Clock
from samen.conversations.limits import MemoryTally, Tally
from samen.conversations.models import Conversation
from samen.conversations.ports import Transaction
from samen.conversations.service import ConversationService
from samen.routing.queues import QueueEstimator
from samen.tenant import Tenant


@dataclass(slots=True)
class AgentServices:
    people: People
    phrases: Phrasebook
    auth: Authenticator
    directory: Directory
    desk: Desk
    assigner: Assigner
    cases: CaseFiles
    steps: Steps
    assistant: Assistant
    corrections: Corrections
    overview: Overview

    @classmethod
    def create(
        cls,
        people: People,
        corrections: CorrectionStore,
        conversations: ConversationService,
        tenant: Tenant,
        clock: Clock,
        secret: str,
        *,
        estimator: QueueEstimator | None = None,
        knowledge: KnowledgeBase | None = None,
        backend: Backend | None = None,
        intents: Callable[[], Sequence[str]] | None = None,
        passwords: Passwords | None = None,
        tally: Tally | None = None,
    ) -> AgentServices:
        passwords = passwords or Passwords()
        phrases = Phrasebook.load(tenant.path("canned.yml"), tenant.default_language)
        desk = Desk(conversations, people, tenant, phrases, clock)
        assigner = Assigner(desk, people, conversations.broker, clock, estimator)
        desk.on_change.append(assigner.sweep)
        steps = Steps(backend, phrases, clock, tenant.zone)
        return cls(
            people=people,
            phrases=phrases,
            auth=Authenticator(
                people,
                passwords,
                clock,
                secret,
                LoginThrottle(tally or MemoryTally(lambda: clock.now().timestamp())),
            ),
            directory=Directory(people, passwords, clock, tenant.queues),
            desk=desk,
            assigner=assigner,
            cases=CaseFiles(desk, backend),
            steps=steps,
            assistant=Assistant(people, phrases, steps, clock, knowledge),
            corrections=Corrections(desk, corrections, clock, intents),
            overview=Overview(desk, assigner),
        )

    async def seed(self, users: Iterable[UserSpec]) -> None:
        """The tenant's fixed users (the demo's), created once."""
        await self.directory.ensure(users)

    async def perform(
        self, user: User, conversation_id: str, action: str, value: str | None = None
    ) -> StepResult:
        """Run a next step for the agent and note it in the timeline."""
        case = await self.cases.open(user, conversation_id)
        result = await self.steps.run(case, action, value)  # BackendError leaves as a 502
        data = {"name": result.action, "summary": result.summary, "by": user.name, **result.data}

        async def mutate(tx: Transaction, c: Conversation) -> list[tuple[str, dict[str, object]]]:
            return [("action", data)]

        conversation = await self.desk.conversations.change(conversation_id, mutate, actor=user.id)
        await self.desk.activity(conversation, "action")
        return result
