"""What the voice channel keeps: every voicemail recording exactly as it was uploaded.

``storage.voicemails.SqlVoicemails`` implements ``Voicemails`` on SQLite and PostgreSQL::

    recording = Recording.received(audio, "bericht.wav", "audio/wav", now, fields=[("from", "06…")])
    await voicemails.add(recording)       # first, before its fields are checked or its audio decoded
    recording.status = "taken"
    await voicemails.update(recording)

A process holds a recording while it takes it: from the moment it stores it, or from when it
``claim``s one that a stopped process left ``received``::

    for left in await voicemails.unfinished(received_before=started):
        recording = await voicemails.claim(left.id, held_before=now - hold, now=now)
        if recording is not None:   # no other process holds it; now this one does
            ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from samen.channels.leftovers import Unfinished
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
    status: str = "received"  # received → taken | unreadable | rejected (its fields refused)
    conversation_id: str | None = None
    message_id: str | None = None
    error: str | None = None
    # The upload's other form fields as they came, in order (``caller`` and ``language`` are
    # read from them): a refused upload can be understood, and one left half-way re-checked.
    fields: list[tuple[str, str]] = field(default_factory=list)

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


class Unplaced(NamedTuple):
    """A recording in no conversation (refused, unreadable, or not taken yet), without its audio."""

    id: str
    received_at: datetime
    status: str
    caller: str
    fields: list[tuple[str, str]]
    error: str | None
    size: int


class Voicemails(Protocol):
    async def add(self, recording: Recording) -> None:
        """Store it, committed, before anything else happens to it; this process holds it."""

    async def update(self, recording: Recording) -> bool:
        """Save what became of it (status, caller, language, conversation, message, error);
        the audio and fields stay as they are. Only a recording still ``received`` changes:
        ``False`` when another process already decided what became of it."""

    async def get(self, recording_id: str) -> Recording | None: ...

    async def unplaced(self, limit: int = 100) -> list[Unplaced]:
        """The recordings in no conversation, newest first: for a supervisor to listen to."""

    async def unfinished(self, received_before: datetime) -> list[Unfinished]:
        """The recordings received before then and still ``received``, oldest first."""

    async def claim(
        self, recording_id: str, held_before: datetime, now: datetime
    ) -> Recording | None:
        """Hold a ``received`` recording nobody has held since ``held_before``, as of ``now``;
        the recording, or ``None`` when another process holds it or it is no longer received.
        One conditional update: of processes claiming at once, one gets it."""
