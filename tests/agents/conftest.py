"""People-side fixtures: the demo's users in a container with the recording echo handler."""

from __future__ import annotations

import pytest

from samen.agents.models import User
from samen.agents.service import AgentServices
from samen.bootstrap import Container
from samen.conversations.models import Identity


@pytest.fixture
def agents(container: Container) -> AgentServices:
    return container.extras["agents"]


@pytest.fixture
def person(agents: AgentServices):
    async def find(name: str) -> User:
        user = await agents.people.find_user(f"{name}@polderlink.example")
        assert user is not None
        return user

    return find


@pytest.fixture
def waiting(container: Container):
    """A web-chat customer who asked for a person: queued in care (the echo handler's rule)."""

    async def start(text: str = "ik wil een mens", email: str = "klant@example.nl") -> str:
        service = container.conversations
        conversation, _, _ = await service.start("web", [Identity("email", email)], locale="nl")
        result = await service.receive(conversation.id, text)
        assert result.conversation.state.value == "queued"
        return conversation.id

    return start
