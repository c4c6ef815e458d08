"""What the voice channel keeps: every voicemail recording exactly as it was uploaded.

``storage.voicemails.SqlVoicemails`` implements ``Voicemails`` on SQLite and PostgreSQL::

    recording = Recording.received(audio, "bericht.wav", "audio/wav", now, caller="0612345678")
    await voicemails.add(recording)       # first, before the audio is even decoded
    recording.status = "taken"
    await voicemails.update(recording)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from samen.conversations.models import new_id


@dataclass(slots=True)
class Recording:
    """One uploaded voicemail as it arrived, and what became of it."""

    id: str
    received_at: datetime
    filename: str
    content_type: str
    audio: bytes
    caller: str = ""
    language: str = "nl"
    status: str = "received"  # received → taken | unreadable
    conversation_id: str | None = None
    message_id: str | None = None
    error: str | None = None

    @classmethod
    def received(
        cls, audio: bytes, filename: str, content_type: str, at: datetime, **values: Any
    ) -> Recording:
        return cls(
            id=new_id(),
            received_at=at,
            filename=filename,
            content_type=content_type,
            audio=audio,
            **values,
        )


class Voicemails(Protocol):
    async def add(self, recording: Recording) -> None:
        """Store it, committed, before anything else happens to it."""

    async def update(self, recording: Recording) -> None:
        """Save what became of it (status, conversation, message, error); the audio stays as is."""

    async def get(self, recording_id: str) -> Recording | None: ...
