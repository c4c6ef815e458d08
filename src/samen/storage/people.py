"""``SqlPeople``: users, sessions, API keys and agents' workload in SQL (the ``People`` port).

It runs inside ``SqlStore`` transactions so that, on SQLite, its writes take the same turns as
the conversation writes instead of meeting them as "database is locked".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from samen.agents.models import ApiKey, Exchange, Presence, Role, Session, User, UserId
from samen.errors import Conflict
from samen.storage import tables as t
from samen.storage.repositories import SqlStore


class SqlPeople:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    async def _run(self, statement: Any) -> Any:
        async with self.store.transaction() as tx:
            return await tx.conn.execute(statement)

    async def _rows(self, statement: Any) -> list[Any]:
        async with self.store.reading() as tx:
            return list(await tx.conn.execute(statement))

    # users ---------------------------------------------------------------------------------
    async def add_user(self, user: User) -> None:
        try:
            await self._run(insert(t.users).values(**_user_row(user)))
        except IntegrityError as exc:  # another process added the same e-mail just now
            raise Conflict("user_exists", f"There is already a user {user.email}.") from exc

    async def save_user(self, user: User) -> None:
        values = _user_row(user)
        values.pop("id")
        await self._run(update(t.users).where(t.users.c.id == user.id).values(**values))

    async def get_user(self, user_id: str) -> User | None:
        rows = await self._rows(select(t.users).where(t.users.c.id == user_id))
        return _user(rows[0]) if rows else None

    async def find_user(self, email: str) -> User | None:
        rows = await self._rows(select(t.users).where(t.users.c.email == email.strip().lower()))
        return _user(rows[0]) if rows else None

    async def list_users(
        self, *, active_only: bool = True, available_since: datetime | None = None
    ) -> list[User]:
        users = t.users.c
        query = select(t.users).order_by(users.name)
        if active_only:
            query = query.where(users.active.is_(True))
        if available_since is not None:
            query = query.where(
                users.presence == str(Presence.AVAILABLE), users.last_seen_at >= available_since
            )
        return [_user(row) for row in await self._rows(query)]

    async def set_presence(self, user_id: UserId, presence: Presence, at: datetime) -> None:
        await self._run(
            update(t.users)
            .where(t.users.c.id == user_id)
            .values(presence=str(presence), last_seen_at=at)
        )

    async def touch(self, user_id: UserId, at: datetime) -> None:
        await self._run(update(t.users).where(t.users.c.id == user_id).values(last_seen_at=at))

    # sessions ------------------------------------------------------------------------------
    async def add_session(self, session: Session) -> None:
        await self._run(
            insert(t.agent_sessions).values(
                id=session.id,
                user_id=session.user_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
            )
        )

    async def get_session(self, session_id: str) -> Session | None:
        rows = await self._rows(select(t.agent_sessions).where(t.agent_sessions.c.id == session_id))
        if not rows:
            return None
        row = rows[0]
        return Session(row.id, UserId(row.user_id), row.created_at, row.expires_at)

    async def delete_session(self, session_id: str) -> None:
        await self._run(delete(t.agent_sessions).where(t.agent_sessions.c.id == session_id))

    async def delete_sessions_of(self, user_id: UserId) -> None:
        await self._run(delete(t.agent_sessions).where(t.agent_sessions.c.user_id == user_id))

    async def delete_expired_sessions(self, now: datetime) -> int:
        result = await self._run(
            delete(t.agent_sessions).where(t.agent_sessions.c.expires_at < now)
        )
        return int(result.rowcount or 0)

    # API keys ------------------------------------------------------------------------------
    async def add_api_key(self, key: ApiKey) -> None:
        await self._run(
            insert(t.api_keys).values(
                id=key.id,
                user_id=key.user_id,
                name=key.name,
                prefix=key.prefix,
                key_hash=key.key_hash,
                created_at=key.created_at,
            )
        )

    async def find_api_key(self, prefix: str) -> ApiKey | None:
        rows = await self._rows(select(t.api_keys).where(t.api_keys.c.prefix == prefix))
        return _api_key(rows[0]) if rows else None

    async def list_api_keys(self, user_id: UserId) -> list[ApiKey]:
        query = (
            select(t.api_keys)
            .where(t.api_keys.c.user_id == user_id)
            .order_by(t.api_keys.c.created_at.desc())
        )
        return [_api_key(row) for row in await self._rows(query)]

    async def revoke_api_key(self, key_id: str, user_id: UserId, at: datetime) -> bool:
        result = await self._run(
            update(t.api_keys)
            .where(
                (t.api_keys.c.id == key_id)
                & (t.api_keys.c.user_id == user_id)
                & t.api_keys.c.revoked_at.is_(None)
            )
            .values(revoked_at=at)
        )
        return bool(result.rowcount)

    async def used_api_key(self, key_id: str, at: datetime) -> None:
        await self._run(update(t.api_keys).where(t.api_keys.c.id == key_id).values(last_used_at=at))

    # work ----------------------------------------------------------------------------------
    async def load(self) -> dict[str, int]:
        c = t.conversations.c
        query = (
            select(c.agent_id, func.count())
            .where((c.state == "assigned") & c.agent_id.is_not(None))
            .group_by(c.agent_id)
        )
        return {agent_id: int(count) for agent_id, count in await self._rows(query)}

    async def exchanges(
        self, queues: Sequence[str], *, exclude: Sequence[str], since: datetime, limit: int = 300
    ) -> list[Exchange]:
        m, c = t.messages.c, t.conversations.c
        query = (
            select(m.id, m.conversation_id, m.seq, m.sender, m.text, m.author_name, m.created_at)
            .join(t.conversations, c.id == m.conversation_id)
            .where(
                c.queue.in_(list(queues))
                & c.id.not_in(list(exclude))
                & (m.created_at >= since)
                & m.sender.in_(["customer", "agent"])
            )
            .order_by(m.created_at.desc())
            .limit(limit * 4)
        )
        rows = sorted(await self._rows(query), key=lambda r: (r.conversation_id, r.seq))
        found: list[Exchange] = []
        asked: list[str] = []
        conversation = None
        for row in rows:
            if row.conversation_id != conversation:
                conversation, asked = row.conversation_id, []
            if row.sender == "customer":
                asked.append(row.text)
            elif asked:  # an agent's answer to what the customer said since the last one
                found.append(Exchange(row.conversation_id, tuple(asked[-3:]), row.text, row.author_name,
                                      row.created_at, row.id))  # fmt: skip
                asked = []
        found.sort(key=lambda e: e.answered_at, reverse=True)
        return found[:limit]


def _user_row(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": str(user.role),
        "queues": list(user.queues),
        "capacity": user.capacity,
        "password_hash": user.password_hash,
        "presence": str(user.presence),
        "active": user.active,
        "created_at": user.created_at,
        "last_seen_at": user.last_seen_at,
    }


def _user(row: Any) -> User:
    return User(
        id=UserId(row.id),
        email=row.email,
        name=row.name,
        role=Role(row.role),
        queues=tuple(row.queues or ()),
        capacity=int(row.capacity),
        password_hash=row.password_hash,
        created_at=row.created_at,
        presence=Presence(row.presence),
        active=bool(row.active),
        last_seen_at=row.last_seen_at,
    )


def _api_key(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        user_id=UserId(row.user_id),
        name=row.name,
        prefix=row.prefix,
        key_hash=row.key_hash,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )
