"""The console's pages over HTTP: login with CSRF, the views, and who may see what by URL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from samen.web.app import create_app

PASSWORD = "polderlink-demo"


@pytest.fixture
async def browser(container) -> AsyncIterator[Callable[[], httpx.AsyncClient]]:
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


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


@pytest.fixture
def log_in(container):
    """Log in through the form; the person is away (so nothing waiting is handed to them)."""

    async def go(client: httpx.AsyncClient, name: str) -> str:
        from samen.agents.models import Presence

        people = container.extras["agents"].people
        user = await people.find_user(f"{name}@polderlink.example")
        await people.set_presence(user.id, Presence.AWAY, container.clock.now())
        form = await client.get("/console/login")
        response = await client.post(
            "/console/login",
            data={
                "email": f"{name}@polderlink.example",
                "password": PASSWORD,
                "csrf_token": csrf_of(form.text),
                "next": "/console",
            },
        )
        assert response.status_code == 303, response.text
        page = await client.get("/console")
        assert page.status_code == 200
        return csrf_of(page.text)

    return go


async def waiting_conversation(client: httpx.AsyncClient, locale: str = "nl") -> str:
    started = (
        await client.post("/api/v1/conversations", json={"channel": "web", "locale": locale})
    ).json()
    await client.post(
        f"/api/v1/conversations/{started['id']}/messages",
        json={"text": "ik wil een mens"},
        headers={"Authorization": f"Bearer {started['token']}"},
    )
    return started["id"]


async def test_that_the_console_sends_strangers_to_the_login_page(browser):
    response = await browser().get("/console/supervisor")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?next=/console/supervisor"


async def test_that_the_login_form_refuses_a_post_without_its_csrf_token(browser):
    client = browser()
    await client.get("/console/login")
    response = await client.post(
        "/console/login", data={"email": "sanne@polderlink.example", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "samen_session" not in response.headers.get("set-cookie", "")


async def test_that_a_wrong_password_shows_the_form_again_with_an_error(browser):
    client = browser()
    form = await client.get("/console/login")
    response = await client.post(
        "/console/login",
        data={
            "email": "sanne@polderlink.example",
            "password": "wrong-one-here",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert response.status_code == 401
    assert "do not match" in response.text


async def test_that_login_never_redirects_to_another_site(browser):
    client = browser()
    form = await client.get("/console/login")
    response = await client.post(
        "/console/login",
        data={
            "email": "sanne@polderlink.example",
            "password": PASSWORD,
            "csrf_token": csrf_of(form.text),
            "next": "https://evil.example/",
        },
    )
    assert response.headers["location"] == "/console"


async def test_that_the_queue_page_shows_what_waits_and_why(browser, log_in):
    customer = browser()
    conversation_id = await waiting_conversation(customer)
    sanne = browser()
    await log_in(sanne, "sanne")
    page = (await sanne.get("/console")).text
    assert "Customer care" in page and "asked for a person" in page
    assert f"/console/conversations/{conversation_id}/claim" in page


async def test_that_a_console_form_without_the_csrf_token_changes_nothing(
    browser, container, log_in
):
    conversation_id = await waiting_conversation(browser())
    sanne = browser()
    await log_in(sanne, "sanne")
    response = await sanne.post(f"/console/conversations/{conversation_id}/claim", data={})
    assert response.status_code == 403
    assert (await container.conversations.get(conversation_id)).state.value == "queued"


async def test_that_claiming_from_the_console_opens_the_conversation_view(
    browser, container, log_in
):
    conversation_id = await waiting_conversation(browser())
    sanne = browser()
    csrf = await log_in(sanne, "sanne")
    response = await sanne.post(
        f"/console/conversations/{conversation_id}/claim",
        data={"csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert response.headers["HX-Redirect"] == f"/console/conversations/{conversation_id}"
    page = await sanne.get(f"/console/conversations/{conversation_id}")
    assert page.status_code == 200
    assert "With you" in page.text and "ik wil een mens" in page.text


async def test_that_an_agent_cannot_open_another_queues_conversation_by_url(browser, log_in):
    conversation_id = await waiting_conversation(browser())  # care
    daan = browser()
    await log_in(daan, "daan")  # tech
    hidden = await daan.get(f"/console/conversations/{conversation_id}")
    missing = await daan.get(f"/console/conversations/{'f' * 32}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text == missing.text
    for part in ("part/timeline", "part/packet", "assist"):
        assert (
            await daan.get(f"/console/conversations/{conversation_id}/{part}")
        ).status_code == 404
    assert (await daan.get("/console/supervisor")).status_code == 403


async def test_that_the_supervisor_page_lists_queues_people_and_corrections(browser, log_in):
    await waiting_conversation(browser())
    eva = browser()
    await log_in(eva, "eva")
    page = (await eva.get("/console/supervisor")).text
    for text in (
        "most urgent first",
        "People",
        "Corrections to review",
        "Daan Mulder",
        "Technical service",
    ):
        assert text in page


async def test_that_the_console_assets_are_served_from_samen_itself(browser, log_in):
    client = browser()
    await log_in(client, "sanne")
    page = (await client.get("/console")).text
    assert "/static/console/htmx.min.js" in page
    assert not re.search(r'src="https?://', page)
    assert (await client.get("/static/console/htmx.min.js")).status_code == 200


async def test_that_the_agent_sees_the_language_of_a_page_the_service_does_not_speak(
    browser, log_in
):
    conversation_id = await waiting_conversation(browser(), locale="de-DE")
    sanne = browser()
    await log_in(sanne, "sanne")
    page = await sanne.get(f"/console/conversations/{conversation_id}")
    assert page.status_code == 200
    assert "page in de-DE" in page.text
