"""A voicemail is minutes of audio, far more than any other request: an upload up to
SAMEN_VOICEMAIL_MAX_BYTES (about ten minutes of 16 kHz 16-bit WAV by default) is stored first
and taken like any other, a larger one is refused with the contract's 413 before any of it is
kept, and every other address keeps the general limit. Of a recording in a format that holds
more minutes in as many bytes, as many are transcribed as that WAV would hold; it is kept whole."""

from __future__ import annotations

import io
import subprocess
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from recordings import FixedTranscriber, spoken
from sqlalchemy import func, select

from samen.bootstrap import Container, build
from samen.channels.voice.audio import ulaw_encode
from samen.clock import FixedClock
from samen.conversations.models import Message, Sender
from samen.settings import Settings
from samen.storage.voicemails import voicemails
from samen.web.app import create_app

VOICEMAIL = "/api/v1/channels/voice/voicemail"
HEARD = "Bel me terug over mijn factuur."


def tone(seconds: float, rate: int = 16000) -> np.ndarray:
    """A 300 Hz tone as loud as a voice on the line, as int16."""
    times = np.arange(int(rate * seconds)) / rate
    return (8000 * np.sin(2 * np.pi * 300 * times)).astype("<i2")


def wav(samples: np.ndarray, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(samples.tobytes())
    return out.getvalue()


async def upload(
    client: httpx.AsyncClient, audio: bytes, filename: str = "voicemail.wav"
) -> httpx.Response:
    return await client.post(
        VOICEMAIL,
        files={"audio": (filename, audio, "audio/wav")},
        data={"from": "06-12345678", "language": "nl"},
    )


async def kept(container: Container) -> int:
    async with container.store.reading() as tx:
        query = select(func.count()).select_from(voicemails)
        return int((await tx.conn.execute(query)).scalar_one())


async def the_message(container: Container, answer: dict) -> Message:
    messages = await container.conversations.messages(answer["conversation"]["id"])
    [message] = [m for m in messages if m.sender is Sender.CUSTOMER]
    return message


@pytest.fixture
async def limited(
    settings: Settings, echo, clock: FixedClock
) -> AsyncIterator[tuple[Container, httpx.AsyncClient]]:
    """A server that takes voicemails up to 64,000 bytes: two seconds of 16 kHz WAV."""
    container = await build(
        settings.model_copy(update={"voicemail_max_bytes": 64_000}), handler=echo, clock=clock
    )
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as http:
        yield container, http
    await container.aclose()


def test_that_the_default_limit_holds_ten_minutes_of_16_khz_speech(tmp_path: Path) -> None:
    ten_minutes = 44 + 600 * 16000 * 2  # a WAV header and 16-bit samples
    assert Settings(data_dir=tmp_path).voicemail_max_bytes > ten_minutes + 1000  # and the form
    assert Settings(data_dir=tmp_path).max_request_bytes == 256_000


async def test_that_a_ten_minute_voicemail_is_stored_and_taken_into_a_conversation(
    client, container
):
    hearing = FixedTranscriber(HEARD)
    container.extras["voice"].transcriber = hearing
    audio = wav(tone(600))
    response = await upload(client, audio)
    assert response.status_code == 201, response.text
    message = await the_message(container, response.json())
    assert message.text == HEARD
    assert message.metadata["voicemail"]["seconds"] == 600.0
    assert "transcribed_seconds" not in message.metadata["voicemail"]
    recording = await container.extras["voice"].voicemails.get(
        message.metadata["voicemail"]["recording"]
    )
    assert recording is not None and recording.status == "taken"
    assert recording.audio == audio
    assert hearing.seconds == [600.0]


async def test_that_a_long_voicemail_whose_speech_to_text_breaks_is_kept_for_a_call_back(
    client, container
):
    container.extras["voice"].transcriber = FixedTranscriber(
        error=RuntimeError("the speech model ran out of memory")
    )
    audio = wav(tone(60))  # eight times the general request limit
    response = await upload(client, audio)
    assert response.status_code == 201, response.text
    message = await the_message(container, response.json())
    assert message.metadata["voicemail"]["unheard"] == (
        "The speech-to-text failed on this recording."
    )
    recording = await container.extras["voice"].voicemails.get(
        message.metadata["voicemail"]["recording"]
    )
    assert recording is not None and recording.audio == audio


async def test_that_a_voicemail_over_its_limit_is_refused_with_a_clear_413_and_nothing_kept(
    limited,
):
    container, client = limited
    response = await upload(client, wav(tone(3)))
    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "code": "request_too_large",
            "message": "The request is larger than 64000 bytes, the most this address accepts.",
        }
    }
    assert await kept(container) == 0


async def test_that_a_voicemail_streamed_past_its_limit_is_refused_the_same_way(limited):
    container, client = limited
    boundary = "samen-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; '
        f'filename="voicemail.wav"\r\nContent-Type: audio/wav\r\n\r\n'
    ).encode()

    async def body() -> AsyncIterator[bytes]:  # no Content-Length: sent in chunks
        yield head
        audio = wav(tone(3))
        for start in range(0, len(audio), 16_000):
            yield audio[start : start + 16_000]
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await client.post(
        VOICEMAIL,
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert "64000 bytes" in response.json()["error"]["message"]
    assert await kept(container) == 0


async def test_that_every_other_address_keeps_the_general_limit(client, container):
    container.extras["voice"].transcriber = FixedTranscriber(HEARD)
    big = b"x" * 300_000
    for path in ("/api/v1/conversations", "/api/v1/channels/voice/twilio", VOICEMAIL + "s"):
        response = await client.post(path, content=big)
        assert response.status_code == 413, path
        assert "256000 bytes" in response.json()["error"]["message"]
    assert (await upload(client, wav(tone(10)))).status_code == 201  # 320 KB


async def test_that_of_a_longer_recording_the_first_minutes_are_heard_and_the_whole_is_kept(
    limited,
):
    container, client = limited
    hearing = FixedTranscriber(HEARD)
    container.extras["voice"].transcriber = hearing
    # Six seconds of telephone μ-law is 48,000 bytes: within the limit, three times what two
    # seconds of 16 kHz WAV (the most the limit holds) is.
    audio = ulaw_encode(tone(6, rate=8000))
    response = await upload(client, audio, "voicemail.ulaw")
    assert response.status_code == 201, response.text
    assert hearing.seconds == [2.0]
    message = await the_message(container, response.json())
    assert message.metadata["voicemail"]["seconds"] == 6.0
    assert message.metadata["voicemail"]["transcribed_seconds"] == 2.0
    recording = await container.extras["voice"].voicemails.get(
        message.metadata["voicemail"]["recording"]
    )
    assert recording is not None and recording.audio == audio


async def test_that_a_compressed_recording_is_heard_up_to_the_same_length_and_kept_whole(
    limited, tmp_path
):
    container, client = limited
    hearing = FixedTranscriber(HEARD)
    container.extras["voice"].transcriber = hearing
    (tmp_path / "said.wav").write_bytes(wav(tone(10, rate=8000), rate=8000))
    subprocess.run(["sox", str(tmp_path / "said.wav"), str(tmp_path / "said.flac")], check=True)
    audio = (tmp_path / "said.flac").read_bytes()  # ten seconds in fewer bytes than two of WAV
    assert len(audio) < 64_000
    response = await upload(client, audio, "voicemail.flac")
    assert response.status_code == 201, response.text
    assert hearing.seconds == [2.0]
    about = (await the_message(container, response.json())).metadata["voicemail"]
    assert about["transcribed_seconds"] == 2.0
    assert about["seconds"] is None  # how much longer is not decoded, so not known
    recording = await container.extras["voice"].voicemails.get(about["recording"])
    assert recording is not None and recording.audio == audio


@pytest.mark.slow
async def test_that_a_minute_of_real_speech_is_uploaded_and_heard_by_whisper(
    client, container, whisper, tmp_path
):
    said = (
        "Good afternoon, this is Anna calling about my invoice for this month. The invoice "
        "says forty nine euros, but my subscription was thirty five euros a month. I already "
        "called last week and I was told that it would be corrected, but nothing has changed. "
        "On top of that, my internet has been dropping out since Monday, mostly in the evening. "
        "The modem blinks orange and I have restarted it three times already. My neighbours "
        "have the same problem, so I think there is an outage in the area. I work from home and "
        "I need a stable connection for my job. Could you please call me back to correct the "
        "invoice and to look at the outage? You can reach me best between nine and five on "
        "weekdays. Thank you in advance and have a nice day."
    )
    audio = spoken(said, tmp_path, voice="en-us")  # 22.05 kHz, about a minute
    assert len(audio) > 2_000_000
    container.extras["voice"].transcriber = whisper
    response = await client.post(
        VOICEMAIL,
        files={"audio": ("voicemail.wav", audio, "audio/wav")},
        data={"from": "06-12345678", "language": "en"},
    )
    assert response.status_code == 201, response.text
    answer = response.json()
    heard = answer["transcript"].lower()
    for word in ("invoice", "internet", "modem", "neighbours", "outage", "weekdays"):
        assert word in heard or word.replace("ou", "o") in heard, word
    message = await the_message(container, answer)
    assert message.metadata["voicemail"]["seconds"] > 50
