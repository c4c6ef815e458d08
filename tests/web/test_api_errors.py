"""Bad and unusual requests: every answer is one the OpenAPI schema documents, in the contract's
error shape (``{"error": {"code", "message"}}``), and the schema says so too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

API = "/api/v1"


async def start(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post(f"{API}/conversations", json={"channel": "web"})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def operations(client: httpx.AsyncClient) -> dict[tuple[str, str], dict[str, Any]]:
    schema = (await client.get(f"{API}/openapi.json")).json()
    return {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


def in_error_shape(response: httpx.Response) -> bool:
    body = response.json()
    return (
        set(body) == {"error"}
        and isinstance(body["error"].get("code"), str)
        and isinstance(body["error"].get("message"), str)
    )


async def test_that_every_error_the_schema_documents_has_the_contracts_error_shape(client):
    schema = (await client.get(f"{API}/openapi.json")).json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["error"]
    for (method, path), operation in (await operations(client)).items():
        if not path.startswith(API):
            continue
        statuses = set(operation["responses"])
        takes_input = "requestBody" in operation or operation.get("parameters")
        needed = {"400", "413", "422", "500"} if takes_input else {"500"}
        assert needed <= statuses, f"{method} {path}: {statuses}"
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), f"{method} {path} {status}: {ref}"


async def test_that_the_customer_endpoints_document_a_missing_conversation_and_the_rate_limit(
    client,
):
    found = await operations(client)
    for method, path in [
        ("GET", f"{API}/conversations/{{conversation_id}}"),
        ("POST", f"{API}/conversations/{{conversation_id}}/messages"),
        ("POST", f"{API}/conversations/{{conversation_id}}/typing"),
    ]:
        assert "404" in found[(method, path)]["responses"]
    assert (
        "429" in found[("POST", f"{API}/conversations/{{conversation_id}}/messages")]["responses"]
    )
    assert (
        "409" in found[("POST", f"{API}/conversations/{{conversation_id}}/messages")]["responses"]
    )


@pytest.fixture
async def conversation(client) -> AsyncIterator[dict[str, Any]]:
    yield await start(client)


def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    async def stream() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    return stream()


BAD_BODIES = {
    "not UTF-8": b'{"text": "caf\xe9"}',
    "nested too deeply": b'{"text": "a", "x": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
    "a number too long to read": b'{"text": 1' + b"0" * 5000 + b"}",
}


@pytest.mark.parametrize("kind", BAD_BODIES)
async def test_that_a_body_that_cannot_be_read_as_json_gets_a_named_error(
    client, conversation, kind
):
    response = await client.post(
        f"{API}/conversations/{conversation['id']}/messages",
        content=BAD_BODIES[kind],
        headers={
            "Authorization": f"Bearer {conversation['token']}",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code in (400, 422)
    assert in_error_shape(response)
    assert response.json()["error"]["code"] in ("invalid_body", "invalid_request")
    assert response.json()["error"]["message"].endswith(".")


async def test_that_a_streamed_body_over_the_limit_is_refused_as_too_large(client, conversation):
    response = await client.post(
        f"{API}/conversations/{conversation['id']}/messages",
        content=_chunks(b'{"text": "', *[b"x" * 100_000] * 4, b'"}'),
        headers={
            "Authorization": f"Bearer {conversation['token']}",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


async def test_that_odd_requests_get_only_answers_the_schema_documents(client, conversation):
    cid, token = conversation["id"], conversation["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    json_type = {"Content-Type": "application/json"}
    odd: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", f"{API}/conversations", {"content": b"\xff\xfe", "headers": json_type}),
        ("POST", f"{API}/conversations", {"content": b"[1, 2]", "headers": json_type}),
        ("POST", f"{API}/conversations", {"json": {"identity_token": "\x00"}}),
        ("POST", f"{API}/conversations/{cid}/messages", {"json": {"text": "hoi"}}),
        (
            "POST",
            f"{API}/conversations/{cid}/messages",
            {"json": {"text": "\x00"}, "headers": bearer},
        ),
        (
            "POST",
            f"{API}/conversations/{cid}/messages",
            {"data": {"text": "hoi"}, "headers": bearer},
        ),
        (
            "POST",
            f"{API}/conversations/nope/messages",
            {"json": {"text": "hoi"}, "headers": bearer},
        ),
        ("POST", f"{API}/conversations/{cid}/typing", {"content": b"\xe9", "headers": json_type}),
        ("GET", f"{API}/conversations/{cid}", {"headers": {"Authorization": "Basic abc"}}),
        ("POST", f"{API}/nlu/parse", {"content": b'{"text": "\\ud800"}', "headers": json_type}),
        ("POST", f"{API}/nlu/parse", {"content": b"\xc3\x28", "headers": json_type}),
        ("GET", f"{API}/knowledge/articles", {"headers": bearer}),
        ("POST", f"{API}/knowledge/search", {"content": b"\xff", "headers": json_type}),
        ("POST", f"{API}/channels/voice/twilio", {"data": {"From": "+31612345678"}}),
        (
            "POST",
            f"{API}/channels/voice/twilio",
            {"content": b"--x\r\n", "headers": {"Content-Type": "multipart/form-data"}},
        ),
    ]
    documented = await operations(client)
    for method, url, kwargs in odd:
        response = await client.request(method, url, **kwargs)
        template = url.replace(cid, "{conversation_id}").replace("/nope/", "/{conversation_id}/")
        statuses = documented[(method, template)]["responses"]
        assert str(response.status_code) in statuses, f"{method} {url}: {response.status_code}"
        assert in_error_shape(response), f"{method} {url}: {response.text}"
        assert response.json()["error"]["code"].islower(), response.text
        assert not response.json()["error"]["code"].startswith("http_"), response.text
