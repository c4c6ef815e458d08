"""A voicemail upload whose other fields are wrong (a caller that is no phone number, a language
the service does not speak, the recording under another name) is stored first, then refused
with the contract's error and the stored recording's id: the recording is not lost, and a
supervisor can listen to it. Only an upload with no recording at all stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from recordings import FixedTranscriber, spoken
from sqlalchemy import func, select
from test_voice_voicemail import logged_in

from samen.bootstrap import Container
from samen.storage import tables
from samen.storage.voicemails import voicemails

VOICEMAIL = "/api/v1/channels/voice/voicemail"


@pytest.fixture
def said(tmp_path: Path) -> bytes:
    return spoken("Met Anna, bel me terug over mijn factuur.", tmp_path)


async def upload(client, audio: bytes, **fields: str):
    return await client.post(
        VOICEMAIL, files={"audio": ("voicemail.wav", audio, "audio/wav")}, data=fields
    )


async def count(container: Container, table) -> int:
    async with container.store.reading() as tx:
        return int((await tx.conn.execute(select(func.count()).select_from(table))).scalar_one())


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"from": "06-12345678", "language": "de"}, "language", "must be one of nl, en"),
        ({"from": "anna@example.nl", "language": "nl"}, "from", "not a phone number"),
        ({"from": "0" * 41}, "from", "longer than 40 characters"),
    ],
)
async def test_that_an_upload_with_a_wrong_field_is_stored_first_and_refused_with_its_id(
    client, container, said, fields, field, problem
):
    container.extras["voice"].transcriber = transcriber = FixedTranscriber("Bel me terug.")
    response = await upload(client, said, **fields)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].startswith(f"Invalid request: {field}: {problem}")
    assert error["fields"]["problems"][0]["field"] == field
    kept = await container.extras["voice"].voicemails.get(error["fields"]["voicemail"])
    assert kept is not None and kept.status == "rejected"
    assert kept.audio == said and kept.fields == list(fields.items())
    assert kept.error is not None and kept.error.startswith(f"{field}: {problem}")
    assert kept.conversation_id is None
    assert transcriber.given == 0  # refused before any speech-to-text
    assert await count(container, tables.conversations) == 0


async def test_that_every_wrong_field_is_named_and_kept_as_it_came(client, container, said):
    response = await upload(client, said, **{"from": "bel me", "language": "Frysk"})
    error = response.json()["error"]
    assert [p["field"] for p in error["fields"]["problems"]] == ["from", "language"]
    kept = await container.extras["voice"].voicemails.get(error["fields"]["voicemail"])
    assert kept is not None
    assert kept.fields == [("from", "bel me"), ("language", "Frysk")]
    assert "from: " in (kept.error or "") and "language: " in (kept.error or "")


async def test_that_a_recording_sent_under_another_name_is_kept_and_refused_for_its_name(
    client, container, said
):
    response = await client.post(
        VOICEMAIL,
        files={"recording": ("voicemail.wav", said, "audio/wav")},
        data={"from": "06-12345678"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == "Invalid request: audio: the recording came as 'recording'."
    kept = await container.extras["voice"].voicemails.get(error["fields"]["voicemail"])
    assert kept is not None and kept.audio == said and kept.status == "rejected"


@pytest.mark.parametrize(
    "send",
    [
        {"data": {"from": "06-12345678", "language": "nl"}},
        {"data": {"audio": "UklGRg==", "from": "06-12345678"}},
        {"json": {"audio": "UklGRg==", "from": "06-12345678"}},
    ],
    ids=["no-file", "audio-as-text", "json"],
)
async def test_that_an_upload_without_a_recording_is_a_plain_clear_error(client, container, send):
    response = await client.post(VOICEMAIL, **send)
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "invalid_request",
            "message": "Invalid request: audio: send the recording as a file "
            "(multipart/form-data).",
            "fields": {
                "problems": [
                    {
                        "field": "audio",
                        "problem": "send the recording as a file (multipart/form-data)",
                    }
                ]
            },
        }
    }
    assert await count(container, voicemails) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"from": "", "language": ""},
        {"from": " +31 6 12345678 ", "language": "NL"},
        {"from": "anonymous", "language": "nl-NL"},
        {"from": "tel:+31612345678", "language": "en_GB"},
    ],
)
async def test_that_fields_written_as_people_and_exchanges_write_them_are_taken(
    client, container, said, fields
):
    container.extras["voice"].transcriber = FixedTranscriber("Bel me terug.")
    response = await upload(client, said, **fields)
    assert response.status_code == 201, response.text
    assert response.json()["conversation"]["channel"] == "voice"


async def test_that_a_supervisor_finds_a_refused_upload_and_listens_to_it_and_an_agent_cannot(
    client, container, said
):
    container.extras["voice"].transcriber = FixedTranscriber("Bel me terug.")
    assert (await upload(client, said, **{"from": "06-12345678"})).status_code == 201
    response = await upload(client, said, **{"from": "06-12345678", "language": "de"})
    refused = response.json()["error"]["fields"]["voicemail"]
    async with logged_in(container, "eva") as eva:  # a supervisor
        [found] = (await eva.get("/api/v1/agent/voicemails")).json()
        played = await eva.get(found["audio"])
    assert found["id"] == refused and found["status"] == "rejected"
    assert found["error"] == "language: must be one of nl, en"
    assert found["fields"] == [["from", "06-12345678"], ["language", "de"]]
    assert played.status_code == 200 and played.content == said
    assert played.headers["content-type"] == "audio/wav"
    async with logged_in(container, "sanne") as sanne:  # an agent of care and billing
        listed = await sanne.get("/api/v1/agent/voicemails")
        heard = await sanne.get(found["audio"])
    assert listed.status_code == 403 and listed.json()["error"]["code"] == "supervisors_only"
    assert heard.status_code == 404


async def test_that_the_schema_still_documents_the_upload_form(client):
    schema = (await client.get("/api/v1/openapi.json")).json()
    operation = schema["paths"][VOICEMAIL]["post"]
    form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["audio"]
    assert set(form["properties"]) == {"audio", "from", "language"}
    assert {"400", "422"} <= set(operation["responses"])
