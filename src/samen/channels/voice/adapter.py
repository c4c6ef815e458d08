"""``attach_voice(container)``: the voice channel's services as ``container.extras["voice"]``,
and its outbound half as ``voice`` in the channel registry. At start, in the background, it
takes the voicemails a stopped server left untaken (``recovery``).

Speech-to-text loads faster-whisper only when audio first arrives (the ``voice`` extra), so a
server that only answers Twilio webhooks never needs it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from samen.channels.base import Capabilities
from samen.channels.voice.calls import VoiceCalls
from samen.conversations.models import Conversation, Message, Sender
from samen.conversations.ports import Transaction

if TYPE_CHECKING:
    from samen.bootstrap import Container
    from samen.channels.voice.ports import Voicemails
    from samen.channels.voice.recovery import VoicemailRecovery
    from samen.channels.voice.speech import Transcriber
    from samen.channels.voice.synthesis import Synthesizer

log = logging.getLogger(__name__)


@dataclass
class VoiceChannel:
    calls: VoiceCalls
    default_language: str
    voicemails: Voicemails  # every uploaded recording, stored before it is decoded
    auth_token: str | None = None
    public_url: str | None = None
    transcriber: Transcriber | None = None
    synthesizer: Synthesizer | None = None
    live: dict[str, Any] = field(default_factory=dict)  # conversation id → media-stream session
    recovery: VoicemailRecovery | None = None  # of voicemails left by the last stop
    # Of a longer voicemail only this much is transcribed (the rest stays in the recording).
    voicemail_seconds: float = 600.0
    # One voicemail transcribed at a time: each holds a thread of the shared pool (password
    # checks, knowledge search and call turns use it too) for as long as its speech-to-text
    # runs, half a minute for ten minutes of audio on two cores. Others wait without a thread.
    transcribing_voicemail: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))


class VoiceOutbound:
    """A person's written reply cannot reach a caller whose call has ended (or who is on a
    Twilio call, where people talk over ``<Dial>``): it is stored, and an event says so, so
    the agent knows to call back. Bot replies are spoken in the call itself."""

    name = "voice"
    capabilities = Capabilities(audio=True)

    def __init__(self, container: Container) -> None:
        self.container = container

    async def send(self, conversation: Conversation, messages: Sequence[Message]) -> None:
        from_people = [m for m in messages if m.sender in (Sender.AGENT, Sender.SYSTEM)]
        if not from_people:
            return
        channel: VoiceChannel | None = self.container.extras.get("voice")
        session = channel.live.get(conversation.id) if channel else None
        if session is not None:
            for message in from_people:
                await session.speak_text(message.text)
            return
        phone = None
        async with self.container.store.transaction() as tx:
            customer = await tx.get_customer(conversation.customer_id)
            phone = customer.identity("phone") if customer else None
        reason = "A written reply cannot be delivered on a phone call: call the customer back."
        data = {"channel": "voice", "message_ids": [m.id for m in from_people], "reason": reason}
        if phone:
            data["call_back"] = phone

        async def note(tx: Transaction, c: Conversation) -> list[tuple[str, dict[str, Any]]]:
            return [("not_delivered", data)]

        await self.container.conversations.change(conversation.id, note, actor="voice")


def attach_voice(container: Container) -> VoiceChannel | None:
    from samen.bot.texts import Texts
    from samen.channels.voice.recovery import VoicemailRecovery
    from samen.channels.voice.speech import WhisperTranscriber
    from samen.channels.voice.synthesis import EspeakSynthesizer
    from samen.errors import ConfigError
    from samen.storage.voicemails import SqlVoicemails

    brain = container.extras.get("brain")
    tenant = container.tenant
    try:
        texts = (
            brain.texts if brain else Texts.load(tenant.path("texts.yml"), tenant.default_language)
        )
    except ConfigError:
        log.warning("No usable texts.yml in %s: the voice channel is off.", tenant.root)
        return None
    settings = container.settings
    channel = VoiceChannel(
        calls=VoiceCalls(container.conversations, texts, tenant, brain),
        default_language=tenant.default_language,
        voicemails=SqlVoicemails(container.store),
        auth_token=settings.twilio_auth_token,
        public_url=settings.public_url,
        transcriber=WhisperTranscriber(
            settings.data_dir / "speech", vocabulary=tenant.speech_vocabulary
        ),
        synthesizer=EspeakSynthesizer(),
        # As many seconds as the largest WAV upload holds at 16 kHz, 16-bit, mono.
        voicemail_seconds=settings.voicemail_max_bytes / (16000 * 2),
    )
    container.channels.register(VoiceOutbound(container))
    container.extras["voice"] = channel
    channel.recovery = VoicemailRecovery(channel, container.clock)
    container.extras.setdefault("startups", []).append(channel.recovery.start)
    container.extras.setdefault("shutdowns", []).append(channel.recovery.stop)
    return channel
