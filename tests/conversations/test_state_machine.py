"""The conversation state machine refuses what makes no sense."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from samen.conversations.models import Conversation, ConversationId, CustomerId, Priority, State
from samen.errors import IllegalTransition

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


def conversation(state: State) -> Conversation:
    return Conversation(ConversationId("c"), CustomerId("k"), "web", state, NOW, NOW)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (State.BOT, State.QUEUED),
        (State.QUEUED, State.ASSIGNED),
        (State.ASSIGNED, State.CLOSED),
        (State.CLOSED, State.BOT),
        (State.ASSIGNED, State.BOT),
        (State.QUEUED, State.BOT),
        (State.ASSIGNED, State.QUEUED),
        (State.QUEUED, State.QUEUED),
    ],
)
def test_that_allowed_transitions_happen(start, target):
    c = conversation(start)
    c.transition(target, "billing", NOW)
    assert c.state is target


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (State.BOT, State.BOT),
        (State.CLOSED, State.ASSIGNED),
        (State.CLOSED, State.CLOSED),
    ],
)
def test_that_illegal_transitions_are_refused(start, target):
    with pytest.raises(IllegalTransition) as refused:
        conversation(start).transition(target, None, NOW)
    assert refused.value.http_status == 409


def test_that_queueing_records_the_queue_and_the_time():
    c = conversation(State.BOT)
    c.transition(State.QUEUED, "care", NOW)
    assert (c.queue, c.queued_at, c.agent_id) == ("care", NOW, None)


def test_that_returning_to_the_bot_clears_queue_agent_and_priority():
    c = conversation(State.ASSIGNED)
    c.queue, c.agent_id, c.priority = "care", "a1", Priority.HIGH
    c.transition(State.BOT, None, NOW)
    assert (c.queue, c.agent_id, c.priority) == (None, None, Priority.NORMAL)
