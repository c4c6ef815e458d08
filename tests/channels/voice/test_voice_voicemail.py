"""A voicemail in which nothing could be heard (silence, no speech-to-text on the server, a
transcript of nothing) is still stored for a call back, never refused or lost to an error. The
recording itself is stored before it is decoded, kept even when it cannot be read, and only
the agents who may read its conversation can listen to it."""

from __future__ import annotations

import io
import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import numpy as np
import pytest
from recordings import FixedTranscriber
from sqlalchemy import select

from samen.bootstrap import Container
from samen.channels.voice.audio import ulaw_encode
from samen.channels.voice.speech import Transcript
from samen.conversations.models import Sender
from samen.errors import MissingDependency
from samen.storage.voicemails import voicemails
from samen.web.app import create_app

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


# The recording itself ----------------------------------------------------------------------


class PeekingTranscriber:
    """A recogniser that breaks, but first looks at what is stored at that moment."""

    def __init__(self, container: Container) -> None:
        self.container, self.stored_then = container, []

    async def transcribe(
        self, samples: np.ndarray, language: str, *, expecting: str | None = None
    ) -> Transcript:
        async with self.container.store.reading() as tx:
            rows = await tx.conn.execute(select(voicemails.c.status, voicemails.c.audio))
            self.stored_then = [(row.status, bytes(row.audio)) for row in rows]
        raise RuntimeError("the speech model ran out of memory")

    async def warm(self) -> None:
        return None


async def recordings(container: Container, status: str) -> list:
    async with container.store.reading() as tx:
        rows = await tx.conn.execute(select(voicemails.c.id).where(voicemails.c.status == status))
        ids = [row.id for row in rows]
    return [await container.extras["voice"].voicemails.get(i) for i in ids]


async def test_that_the_recording_is_stored_before_it_is_transcribed_and_survives_a_failing_one(
    client, container
):
    peeking = PeekingTranscriber(container)
    container.extras["voice"].transcriber = peeking
    audio = recording(1.0, loud=True)
    answer = await leave_voicemail(client, audio)
    assert peeking.stored_then == [("received", audio)]
    [message] = await stored(container, answer)
    assert message.text == UNHEARD
    assert (
        message.metadata["voicemail"]["unheard"] == "The speech-to-text failed on this recording."
    )
    [kept] = await recordings(container, "taken")
    assert kept.audio == audio and kept.content_type == "audio/wav"
    assert kept.caller == "06-12345678" and kept.language == "nl"
    assert kept.conversation_id == answer["conversation"]["id"]
    assert kept.message_id == message.id
    assert message.metadata["voicemail"]["recording"] == kept.id


async def test_that_an_unreadable_upload_is_kept_and_answered_with_a_clear_400(client, container):
    not_audio = b"<html>this is no recording</html>"
    response = await client.post(
        VOICEMAIL,
        files={"audio": ("voicemail.wav", not_audio, "audio/wav")},
        data={"from": "06-12345678", "language": "nl"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unsupported_audio"
    assert error["message"] == "This recording could not be read." or "Send a" in error["message"]
    [kept] = await recordings(container, "unreadable")
    assert error["fields"]["voicemail"] == kept.id
    assert kept.audio == not_audio and kept.error == error["message"]
    assert kept.conversation_id is None and kept.message_id is None


# Listening to it ---------------------------------------------------------------------------

PASSWORD = "polderlink-demo"


@asynccontextmanager
async def logged_in(container: Container, name: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own for a demo person, logged in to the agent API."""
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as http:
        response = await http.post(
            "/api/v1/agent/session",
            json={"email": f"{name}@polderlink.example", "password": PASSWORD},
        )
        assert response.status_code == 200, response.text
        yield http


@pytest.fixture
async def waiting_voicemail(client, container) -> dict:
    """A voicemail asking for a person: queued in care (the echo handler's rule)."""
    container.extras["voice"].transcriber = FixedTranscriber("Bel me terug, ik wil een mens.")
    audio = recording(1.0, loud=True)
    answer = await leave_voicemail(client, audio)
    assert answer["conversation"]["state"] == "queued"
    [message] = await stored(container, answer)
    return {
        "conversation": answer["conversation"],
        "audio": audio,
        "url": f"/api/v1/agent/voicemails/{message.metadata['voicemail']['recording']}/audio",
    }


async def test_that_an_agent_of_the_queue_can_listen_to_the_voicemail(container, waiting_voicemail):
    async with logged_in(container, "sanne") as sanne:  # care and billing
        response = await sanne.get(waiting_voicemail["url"])
    assert response.status_code == 200
    assert response.content == waiting_voicemail["audio"]
    assert response.headers["content-type"] == "audio/wav"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_that_an_agent_of_another_queue_is_told_the_voicemail_does_not_exist(
    container, waiting_voicemail
):
    async with logged_in(container, "daan") as daan:  # tech only
        response = await daan.get(waiting_voicemail["url"])
        wrong = await daan.get("/api/v1/agent/voicemails/" + "0" * 32 + "/audio")
    for answer in (response, wrong):
        assert answer.status_code == 404
        assert answer.json() == {
            "error": {"code": "voicemail_not_found", "message": "No such voicemail."}
        }


async def test_that_neither_a_customer_nor_an_anonymous_caller_gets_a_recording(
    client, waiting_voicemail
):
    started = (
        await client.post("/api/v1/conversations", json={"channel": "web", "customer": {}})
    ).json()
    as_customer = await client.get(
        waiting_voicemail["url"], headers={"Authorization": f"Bearer {started['token']}"}
    )
    anonymous = await client.get(waiting_voicemail["url"])
    for answer in (as_customer, anonymous):
        assert answer.status_code == 401
        assert "error" in answer.json()
        assert answer.content != waiting_voicemail["audio"]


async def test_that_the_console_shows_a_player_on_the_voicemail(container, waiting_voicemail):
    async with logged_in(container, "sanne") as sanne:
        page = await sanne.get(f"/console/conversations/{waiting_voicemail['conversation']['id']}")
    assert page.status_code == 200
    assert f'<audio controls preload="metadata" src="{waiting_voicemail["url"]}"' in page.text
    assert 'aria-label="Voicemail recording from' in page.text


async def test_that_a_mu_law_voicemail_is_played_back_as_a_wav(client, container):
    container.extras["voice"].transcriber = FixedTranscriber("Bel me terug.")
    tone = (8000 * np.sin(2 * np.pi * 300 * np.arange(8000) / 8000)).astype(np.int16)
    response = await client.post(
        VOICEMAIL,
        files={"audio": ("voicemail.ulaw", ulaw_encode(tone), "application/octet-stream")},
        data={"from": "06-12345678", "language": "nl"},
    )
    assert response.status_code == 201, response.text
    [kept] = await recordings(container, "taken")
    async with logged_in(container, "eva") as eva:  # a supervisor reads everything
        played = await eva.get(f"/api/v1/agent/voicemails/{kept.id}/audio")
    assert played.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(played.content)) as wav:
        assert (wav.getframerate(), wav.getnframes(), wav.getsampwidth()) == (8000, 8000, 2)


async def test_that_an_unreadable_upload_is_for_supervisors_and_never_served_as_a_web_page(
    client, container
):
    page = b"<script>alert('hi')</script>"
    response = await client.post(
        VOICEMAIL, files={"audio": ("voicemail.html", page, "text/html")}, data={"from": "0612"}
    )
    assert response.status_code == 400
    url = f"/api/v1/agent/voicemails/{response.json()['error']['fields']['voicemail']}/audio"
    async with logged_in(container, "sanne") as sanne:
        assert (await sanne.get(url)).status_code == 404
    async with logged_in(container, "eva") as eva:
        served = await eva.get(url)
    assert served.status_code == 200 and served.content == page
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["x-content-type-options"] == "nosniff"
