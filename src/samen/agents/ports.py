"""The storage port of the people side.

``storage.people.SqlPeople`` implements it on SQLite and PostgreSQL::

    user = await people.find_user("anna@polderlink.example")
    await people.set_presence(user.id, Presence.AVAILABLE, clock.now())

Never call it from inside a ``ConversationService.change`` mutation: on SQLite both share one
writer lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from samen.agents.models import ApiKey, Exchange, Presence, Session, User, UserId


class People(Protocol):
    # users
    async def add_user(self, user: User) -> None: ...
    async def save_user(self, user: User) -> None: ...
    async def get_user(self, user_id: str) -> User | None: ...
    async def find_user(self, email: str) -> User | None: ...
    async def list_users(
        self, *, active_only: bool = True, available_since: datetime | None = None
    ) -> list[User]:
        """Users by name; with ``available_since``, only those available and seen since then."""
        ...

    async def set_presence(self, user_id: UserId, presence: Presence, at: datetime) -> None: ...
    async def touch(self, user_id: UserId, at: datetime) -> None: ...

    # sessions
    async def add_session(self, session: Session) -> None: ...
    async def get_session(self, session_id: str) -> Session | None: ...
    async def delete_session(self, session_id: str) -> None: ...
    async def delete_sessions_of(self, user_id: UserId) -> None: ...
    async def delete_expired_sessions(self, now: datetime) -> int: ...

    # API keys
    async def add_api_key(self, key: ApiKey) -> None: ...
    async def find_api_key(self, prefix: str) -> ApiKey | None: ...
    async def list_api_keys(self, user_id: UserId) -> list[ApiKey]: ...
    async def revoke_api_key(self, key_id: str, user_id: UserId, at: datetime) -> bool: ...
    async def used_api_key(self, key_id: str, at: datetime) -> None: ...

    # work
    async def load(self) -> dict[str, int]:
        """Conversations assigned right now, per person."""

    async def exchanges(
        self, queues: Sequence[str], *, exclude: Sequence[str], since: datetime, limit: int = 300
    ) -> list[Exchange]:
        """Recent agent answers in these queues, each with the customer message before it
        (leaving out the conversations in ``exclude``: the customer's own)."""
