"""A voicemail in which nothing could be heard (silence, no speech-to-text on the server, a
transcript of nothing) is still stored for a call back, never refused or lost to an error."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from samen.bootstrap import Container
from samen.channels.voice.speech import Transcript
from samen.conversations.models import Sender
from samen.errors import MissingDependency

VOICEMAIL = "/api/v1/channels/voice/voicemail"
UNHEARD = "[Voicemail zonder verstaanbare tekst]"


def recording(seconds: float, loud: bool) -> bytes:
    """A 16 kHz 16-bit WAV: digital silence, or a 300 Hz tone as loud as a voice on the line."""
    times = np.arange(int(16000 * seconds)) / 16000
    samples = 8000 * np.sin(2 * np.pi * 300 * times) if loud else np.zeros_like(times)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(samples.astype("<i2").tobytes())
    return out.getvalue()


class FixedTranscriber:
    """A recogniser that hears ``text`` in anything (Whisper does make words up in silence),
    or fails with ``error``; it counts the recordings it was given."""

    def __init__(self, text: str = "", error: Exception | None = None) -> None:
        self.text, self.error, self.given = text, error, 0

    async def transcribe(
        self, samples: np.ndarray, language: str, *, expecting: str | None = None
    ) -> Transcript:
        self.given += 1
        if self.error is not None:
            raise self.error
        return Transcript(self.text, language, len(samples) / 16000, 0.0)

    async def warm(self) -> None:
        return None


async def leave_voicemail(client, audio: bytes) -> dict:
    response = await client.post(
        VOICEMAIL,
        files={"audio": ("voicemail.wav", audio, "audio/wav")},
        data={"from": "06-12345678", "language": "nl"},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def stored(container: Container, answer: dict) -> list:
    messages = await container.conversations.messages(answer["conversation"]["id"])
    return [m for m in messages if m.sender is Sender.CUSTOMER]


async def test_that_a_voicemail_on_a_server_without_speech_to_text_is_stored_for_a_call_back(
    client, container
):
    container.extras["voice"].transcriber = None
    answer = await leave_voicemail(client, recording(2.0, loud=True))
    assert answer["transcript"] == "" and answer["heard"] is False
    [message] = await stored(container, answer)
    assert message.text == UNHEARD
    assert message.metadata["voicemail"]["caller"] == "+31612345678"
    assert message.metadata["voicemail"]["seconds"] == 2.0
    assert message.metadata["voicemail"]["unheard"]


async def test_that_a_voicemail_whose_speech_package_is_missing_is_stored_all_the_same(
    client, container
):
    container.extras["voice"].transcriber = FixedTranscriber(
        error=MissingDependency("faster-whisper", "voice")
    )
    answer = await leave_voicemail(client, recording(1.0, loud=True))
    [message] = await stored(container, answer)
    assert message.text == UNHEARD
    assert "faster-whisper" in message.metadata["voicemail"]["unheard"]


async def test_that_a_silent_voicemail_is_stored_as_unheard_not_as_what_a_recogniser_imagines(
    client, container
):
    imagining = FixedTranscriber("Kijkers, we gaan naar de kijkers.")
    container.extras["voice"].transcriber = imagining
    answer = await leave_voicemail(client, recording(2.0, loud=False))
    [message] = await stored(container, answer)
    assert message.text == UNHEARD
    assert imagining.given == 0


@pytest.mark.parametrize("transcript", [" ", "\x00", "\x07\x1b"])
async def test_that_a_transcript_of_nothing_is_stored_as_an_unheard_voicemail(
    client, container, transcript
):
    container.extras["voice"].transcriber = FixedTranscriber(transcript)
    answer = await leave_voicemail(client, recording(1.0, loud=True))
    [message] = await stored(container, answer)
    assert message.text == UNHEARD
    assert answer["heard"] is False


async def test_that_a_heard_voicemail_keeps_its_words_and_says_so(client, container):
    container.extras["voice"].transcriber = FixedTranscriber("Bel me terug over mijn factuur.")
    answer = await leave_voicemail(client, recording(1.0, loud=True))
    assert answer["heard"] is True
    assert answer["transcript"] == "Bel me terug over mijn factuur."
    [message] = await stored(container, answer)
    assert message.text == "Bel me terug over mijn factuur."
    assert "unheard" not in message.metadata["voicemail"]
