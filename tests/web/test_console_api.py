"""The agent API over HTTP: login, CSRF, rate limits, permissions, and the day's work."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from samen.web.app import create_app

PASSWORD = "polderlink-demo"
API = "/api/v1/agent"


@pytest.fixture
async def session(container) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """Browsers of their own: one cookie jar per person."""
    app = create_app(container)
    opened: list[httpx.AsyncClient] = []

    def new() -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://samen.test"
        )
        opened.append(client)
        return client

    yield new
    for client in opened:
        await client.aclose()


@pytest.fixture
def log_in(container):
    """Log in as a demo person; unless ``present``, they are away (so nothing is given to them)."""

    async def go(client: httpx.AsyncClient, name: str, present: bool = False) -> httpx.AsyncClient:
        if not present:
            await away(container, name)
        response = await client.post(
            f"{API}/session", json={"email": f"{name}@polderlink.example", "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client

    return go


async def away(container, name: str) -> None:
    from samen.agents.models import Presence

    people = container.extras["agents"].people
    user = await people.find_user(f"{name}@polderlink.example")
    await people.set_presence(user.id, Presence.AWAY, container.clock.now())


async def customer_asking_for_a_person(
    client: httpx.AsyncClient, email: str = "klant@example.nl"
) -> dict:
    started = (
        await client.post(
            "/api/v1/conversations",
            json={"channel": "web", "locale": "nl", "customer": {"email": email}},
        )
    ).json()
    auth = {"Authorization": f"Bearer {started['token']}"}
    response = await client.post(
        f"/api/v1/conversations/{started['id']}/messages",
        json={"text": "ik wil een mens"},
        headers=auth,
    )
    assert response.json()["conversation"]["state"] == "queued"
    return {"id": started["id"], "auth": auth}


async def test_that_login_sets_an_http_only_same_site_session_cookie(session, container):
    response = await session().post(
        f"{API}/session", json={"email": "sanne@polderlink.example", "password": PASSWORD}
    )
    cookie = response.headers["set-cookie"]
    assert "samen_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie
    container.settings.public_url = "https://support.polderlink.example"
    response = await session().post(
        f"{API}/session", json={"email": "sanne@polderlink.example", "password": PASSWORD}
    )
    assert "Secure" in response.headers["set-cookie"]


async def test_that_nobody_gets_in_without_a_session_or_key(session):
    response = await session().get(f"{API}/queues")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_logged_in"
    response = await session().get(
        f"{API}/queues", headers={"Authorization": "Bearer sk_nope_nope"}
    )
    assert response.status_code == 401


async def test_that_writes_with_the_session_cookie_need_the_csrf_token(session, log_in):
    customer = session()
    conversation = await customer_asking_for_a_person(customer)
    sanne = await log_in(session(), "sanne")
    token = sanne.headers.pop("X-CSRF-Token")
    refused = await sanne.post(f"{API}/conversations/{conversation['id']}/claim")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    wrong = await sanne.post(
        f"{API}/conversations/{conversation['id']}/claim", headers={"X-CSRF-Token": "0" * 64}
    )
    assert wrong.status_code == 403
    ok = await sanne.post(
        f"{API}/conversations/{conversation['id']}/claim", headers={"X-CSRF-Token": token}
    )
    assert ok.status_code == 200 and ok.json()["state"] == "assigned"


async def test_that_logins_are_rate_limited(session):
    client = session()
    for _ in range(5):
        response = await client.post(
            f"{API}/session",
            json={"email": "daan@polderlink.example", "password": "wrong-password"},
        )
        assert response.status_code == 401
    response = await client.post(
        f"{API}/session", json={"email": "daan@polderlink.example", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_logins"
    assert int(response.headers["Retry-After"]) > 0


async def test_that_an_api_key_acts_as_its_person_without_cookie_or_csrf(session, log_in):
    noor = await log_in(session(), "noor")
    created = (await noor.post(f"{API}/api-keys", json={"name": "CRM"})).json()
    assert created["key"].startswith("sk_")
    listed = (await noor.get(f"{API}/api-keys")).json()["api_keys"]
    assert listed[0]["name"] == "CRM" and "key" not in listed[0]
    integration = session()
    headers = {"Authorization": f"Bearer {created['key']}"}
    me = await integration.get(f"{API}/me", headers=headers)
    assert me.json()["user"]["email"] == "noor@polderlink.example"
    presence = await integration.put(f"{API}/presence", json={"presence": "away"}, headers=headers)
    assert presence.status_code == 200


async def test_that_an_agent_claims_replies_and_the_customer_reads_the_reply(session, log_in):
    customer = session()
    conversation = await customer_asking_for_a_person(customer)
    sanne = await log_in(session(), "sanne")
    queues = (await sanne.get(f"{API}/queues")).json()["queues"]
    care = next(q for q in queues if q["name"] == "care")
    assert care["waiting"] == 1
    assert [q["name"] for q in queues] == ["billing", "care"]
    waiting = (await sanne.get(f"{API}/queues/care/conversations")).json()["conversations"]
    assert waiting[0]["id"] == conversation["id"] and waiting[0]["reason"] == "asked for a person"
    assert (await sanne.post(f"{API}/conversations/{conversation['id']}/claim")).status_code == 200
    reply = await sanne.post(
        f"{API}/conversations/{conversation['id']}/messages", json={"text": "Hoi, ik ben Sanne."}
    )
    assert reply.status_code == 201
    seen = (
        await customer.get(
            f"/api/v1/conversations/{conversation['id']}", headers=conversation["auth"]
        )
    ).json()
    assert seen["state"] == "assigned"
    assert seen["messages"][-1]["sender"] == "agent"
    assert seen["messages"][-1]["author"] == {"name": "Sanne"}


async def test_that_a_note_is_never_shown_to_the_customer(session, log_in):
    customer = session()
    conversation = await customer_asking_for_a_person(customer)
    sanne = await log_in(session(), "sanne")
    response = await sanne.post(
        f"{API}/conversations/{conversation['id']}/notes", json={"text": "Geheime notitie"}
    )
    assert response.status_code == 201
    case = (await sanne.get(f"{API}/conversations/{conversation['id']}")).json()
    assert any(i["type"] == "event" and i["kind"] == "note" for i in case["timeline"])
    seen = await customer.get(
        f"/api/v1/conversations/{conversation['id']}", headers=conversation["auth"]
    )
    assert "Geheime notitie" not in seen.text


async def test_that_a_transfer_moves_it_to_the_other_queue_for_the_colleague_there(session, log_in):
    conversation = await customer_asking_for_a_person(session())
    sanne = await log_in(session(), "sanne")
    daan = await log_in(session(), "daan", present=True)
    assert (await daan.get(f"{API}/conversations/{conversation['id']}")).status_code == 404
    await sanne.post(f"{API}/conversations/{conversation['id']}/claim")
    await sanne.put(f"{API}/presence", json={"presence": "away"})
    moved = await sanne.post(
        f"{API}/conversations/{conversation['id']}/transfer",
        json={"queue": "tech", "note": "Modem stuk, al herstart"},
    )
    assert moved.status_code == 200
    # Daan logged in, so he is available and works tech: the conversation is given to him.
    mine = (await daan.get(f"{API}/conversations")).json()["conversations"]
    assert [c["id"] for c in mine] == [conversation["id"]]
    case = (await daan.get(f"{API}/conversations/{conversation['id']}")).json()
    assert case["transfer"]["note"] == "Modem stuk, al herstart"
    assert (await sanne.get(f"{API}/conversations/{conversation['id']}")).status_code == 404


async def test_that_closing_records_the_outcome(session, log_in):
    customer = session()
    conversation = await customer_asking_for_a_person(customer)
    sanne = await log_in(session(), "sanne")
    await sanne.post(f"{API}/conversations/{conversation['id']}/claim")
    closed = await sanne.post(
        f"{API}/conversations/{conversation['id']}/close",
        json={"resolved": True, "reason": "Answered"},
    )
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    assert closed.json()["outcome"]["resolved"] is True
    refused = await sanne.post(
        f"{API}/conversations/{conversation['id']}/messages", json={"text": "nog iets"}
    )
    assert refused.status_code == 409


async def test_that_corrections_are_stored_and_reviewed_by_a_supervisor(session, log_in):
    customer = session()
    conversation = await customer_asking_for_a_person(customer)
    sanne = await log_in(session(), "sanne")
    case = (await sanne.get(f"{API}/conversations/{conversation['id']}")).json()
    question = next(
        i for i in case["timeline"] if i["type"] == "message" and i["sender"] == "customer"
    )
    answer = next(
        i
        for i in case["timeline"]
        if i["type"] == "message" and i["sender"] == "bot" and i["current"]
    )
    wrong_intent = await sanne.post(
        f"{API}/conversations/{conversation['id']}/corrections",
        json={"kind": "intent", "message_id": question["id"], "intent": "complaint"},
    )
    assert wrong_intent.status_code == 201
    assert wrong_intent.json()["correction"]["corrected"] == "complaint"
    wrong_answer = await sanne.post(
        f"{API}/conversations/{conversation['id']}/corrections",
        json={"kind": "answer", "message_id": answer["id"], "comment": "Te kort"},
    )
    assert wrong_answer.status_code == 201
    assert (await sanne.get(f"{API}/corrections")).status_code == 403
    eva = await log_in(session(), "eva")
    listed = (await eva.get(f"{API}/corrections")).json()["corrections"]
    assert {c["kind"] for c in listed} == {"intent", "answer"}
    review = await eva.post(
        f"{API}/corrections/{listed[0]['id']}/review", json={"status": "accepted"}
    )
    assert review.status_code == 200
    assert (await eva.get(f"{API}/corrections", params={"status": "accepted"})).json()[
        "corrections"
    ][0]["id"] == listed[0]["id"]


async def test_that_an_agent_cannot_read_another_queues_conversation_and_learns_nothing(
    session, log_in
):
    conversation = await customer_asking_for_a_person(session())  # care
    daan = await log_in(session(), "daan")  # tech only
    hidden = await daan.get(f"{API}/conversations/{conversation['id']}")
    missing = await daan.get(f"{API}/conversations/{'0' * 32}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    for path in ("claim", "close", "notes", "transfer"):
        response = await daan.post(
            f"{API}/conversations/{conversation['id']}/{path}",
            json={"text": "x", "resolved": True, "reason": "x", "queue": "tech"},
        )
        assert response.status_code in (404, 422), path
    assert (await daan.get(f"{API}/queues/care/conversations")).status_code == 403
    assert (await daan.get(f"{API}/supervisor")).status_code == 403
    eva = await log_in(session(), "eva")
    assert (await eva.get(f"{API}/conversations/{conversation['id']}")).status_code == 200


async def test_that_the_supervisor_board_shows_queues_people_and_the_longest_waiting(
    session, log_in
):
    conversation = await customer_asking_for_a_person(session())
    eva = await log_in(session(), "eva")
    await eva.put(f"{API}/presence", json={"presence": "away"})
    board = (await eva.get(f"{API}/supervisor")).json()
    assert {q["name"] for q in board["queues"]} == {"billing", "tech", "care", "sales"}
    assert board["longest_waiting"][0]["id"] == conversation["id"]
    assert {"name", "load", "capacity", "presence"} <= set(board["agents"][0])


async def test_that_the_agent_api_is_documented_in_openapi(session):
    schema = (await session().get("/api/v1/openapi.json")).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/agent/queues",
        "/api/v1/agent/conversations/{conversation_id}/claim",
        "/api/v1/agent/conversations/{conversation_id}/close",
        "/api/v1/agent/session",
    ):
        assert path in paths
    assert {"HTTPBearer", "APIKeyCookie"} <= set(schema["components"]["securitySchemes"])


async def test_that_logging_in_makes_you_available_and_hands_you_what_waits(session, log_in):
    conversation = await customer_asking_for_a_person(session())
    sanne = await log_in(session(), "sanne", present=True)
    me = (await sanne.get(f"{API}/me")).json()["user"]
    assert (me["presence"], me["load"]) == ("available", 1)
    mine = (await sanne.get(f"{API}/conversations")).json()["conversations"]
    assert [c["id"] for c in mine] == [conversation["id"]]
