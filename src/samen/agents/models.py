"""People in plain dataclasses: who works which queues, how many at once, and who is here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NewType

UserId = NewType("UserId", str)


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Presence(StrEnum):
    """``available`` people are given conversations; ``away`` people keep theirs but get none."""

    AVAILABLE = "available"
    AWAY = "away"
    OFFLINE = "offline"


@dataclass(slots=True)
class User:
    id: UserId
    email: str
    name: str
    role: Role
    queues: tuple[str, ...]
    capacity: int
    password_hash: str
    created_at: datetime
    presence: Presence = Presence.OFFLINE
    active: bool = True
    last_seen_at: datetime | None = None

    @property
    def oversees(self) -> bool:
        """Supervisors and admins see every queue and may step into any conversation."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    def works(self, queue: str | None) -> bool:
        """Whether this person may see a queue (an agent: only the queues they work)."""
        return self.oversees or (queue is not None and queue in self.queues)

    @property
    def first_name(self) -> str:
        """What customers see: the first name only."""
        return self.name.split()[0] if self.name.strip() else self.email.split("@")[0]

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.split() if p[:1].isalpha()]
        return ((parts[0][0] + parts[-1][0]) if len(parts) > 1 else self.name[:2]).upper()

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": str(self.role),
            "queues": list(self.queues),
            "capacity": self.capacity,
            "presence": str(self.presence),
            "last_seen_at": self.last_seen_at.isoformat() if self.last_seen_at else None,
        }


@dataclass(frozen=True, slots=True)
class Session:
    """A console login; ``id`` is the SHA-256 of the cookie's token, never the token itself."""

    id: str
    user_id: UserId
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key for an integration, acting as its user; only its hash is kept."""

    id: str
    user_id: UserId
    name: str
    prefix: str
    key_hash: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
            "revoked": self.revoked_at is not None,
        }


@dataclass(frozen=True, slots=True)
class Exchange:
    """An earlier question of a customer and how a colleague answered it (for live assist)."""

    conversation_id: str
    questions: tuple[str, ...]  # what the customer said since the agent's previous message
    answer: str
    author_name: str | None
    answered_at: datetime
    answer_id: str
