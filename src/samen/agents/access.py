"""Who may see and touch which conversation. Enforced here, in the service layer, not in views.

An agent sees the queues they work and the conversations assigned to them; a supervisor or admin
sees everything. Whoever may not see a conversation is told it does not exist, exactly as if it
did not, so an id reveals nothing.
"""

from __future__ import annotations

from samen.agents.models import User
from samen.conversations.models import Conversation, State
from samen.errors import Conflict, Forbidden, NotFound


def can_read(user: User, conversation: Conversation) -> bool:
    if user.oversees or conversation.agent_id == user.id:
        return True
    return conversation.state is not State.BOT and user.works(conversation.queue)


def can_act(user: User, conversation: Conversation) -> bool:
    """Reply, transfer, close: the person who has it, or a supervisor; a waiting one, its queue."""
    if user.oversees or conversation.agent_id == user.id:
        return True
    return conversation.state is State.QUEUED and user.works(conversation.queue)


def hidden() -> NotFound:
    return NotFound("conversation_not_found", "No such conversation.")


def require_read(user: User, conversation: Conversation | None) -> Conversation:
    if conversation is None or not can_read(user, conversation):
        raise hidden()
    return conversation


def require_act(user: User, conversation: Conversation) -> None:
    require_read(user, conversation)
    if conversation.state is State.CLOSED:
        raise Conflict("conversation_closed", "This conversation is closed.")
    if not can_act(user, conversation):
        if conversation.state is State.BOT:
            raise Conflict(
                "with_the_bot", "The bot has this conversation; a supervisor can take it over."
            )
        raise Conflict("assigned_to_someone_else", "A colleague is handling this conversation.")


def require_queue(user: User, queue: str, known: set[str]) -> None:
    if queue not in known:
        raise NotFound("queue_not_found", f"There is no queue '{queue}'.")
    if not user.works(queue):
        raise Forbidden("queue_not_permitted", "You do not work this queue.")


def require_oversight(user: User) -> None:
    if not user.oversees:
        raise Forbidden("supervisors_only", "Only supervisors and admins can do this.")
