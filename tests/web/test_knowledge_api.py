"""The knowledge base's management API: reading, writing by role, errors, and the search."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from samen.bootstrap import Container

API = "/api/v1/knowledge"
WIFI = {
    "title": "Wifi in de tuin",
    "language": "nl",
    "tags": ["wifi", "tuin"],
    "intents": ["product_info"],
    "owner": "Techniek",
    "last_reviewed": "2026-11-01",
    "body": "Met een Polderlink Booster Buiten heb je ook in de tuin wifi.\n\n"
    "## Plaatsen\nHang de booster aan de buitenmuur, hooguit 15 meter van de modem.",
}
Headers = Callable[[str], Awaitable[dict[str, str]]]


def key_headers(container: Container) -> Headers:
    """Bearer headers of an API key for a demo person (sanne: agent, eva: supervisor, beheer:
    admin)."""

    async def make(name: str) -> dict[str, str]:
        agents = container.extras["agents"]
        user = await agents.people.find_user(f"{name}@polderlink.example")
        _, plain = await agents.auth.create_key(user, "knowledge tests")
        return {"Authorization": f"Bearer {plain}"}

    return make


@pytest.fixture
def as_person(container: Container) -> Headers:
    return key_headers(container)


async def test_that_any_agent_reads_the_tenants_articles_and_can_filter_them(client, as_person):
    agent = await as_person("sanne")
    everything = (await client.get(f"{API}/articles", headers=agent)).json()
    assert len(everything["articles"]) == 48  # the demo's folder, imported on first start
    assert "body" not in everything["articles"][0]
    assert everything["revision"] >= 1

    english = (await client.get(f"{API}/articles?language=en", headers=agent)).json()["articles"]
    assert english and {a["language"] for a in english} == {"en"}
    hours = (await client.get(f"{API}/articles?intent=opening_hours", headers=agent)).json()
    assert hours["articles"]
    assert all("opening_hours" in a["intents"] for a in hours["articles"])
    tagged = (await client.get(f"{API}/articles?tag=modem", headers=agent)).json()["articles"]
    assert tagged and all("modem" in a["tags"] for a in tagged)

    one = await client.get(f"{API}/articles/{english[0]['id']}", headers=agent)
    assert one.status_code == 200
    assert one.json()["article"]["body"]


async def test_that_an_admin_creates_changes_and_deletes_an_article(client, as_person):
    admin = await as_person("beheer")
    created = await client.post(
        f"{API}/articles", json={**WIFI, "id": "wifi-tuin-nl"}, headers=admin
    )
    assert created.status_code == 201, created.text
    article = created.json()["article"]
    assert article["id"] == "wifi-tuin-nl"
    assert article["last_reviewed"] == "2026-11-01"
    assert article["created_at"] == article["updated_at"]

    patched = await client.patch(
        f"{API}/articles/wifi-tuin-nl", json={"tags": ["wifi", "buiten"]}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["article"]["tags"] == ["wifi", "buiten"]
    assert patched.json()["article"]["title"] == "Wifi in de tuin"

    replaced = await client.put(
        f"{API}/articles/wifi-tuin-nl", json={**WIFI, "title": "Wifi buiten"}, headers=admin
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["article"]["title"] == "Wifi buiten"
    assert replaced.json()["article"]["tags"] == ["wifi", "tuin"]

    deleted = await client.delete(f"{API}/articles/wifi-tuin-nl", headers=admin)
    assert deleted.status_code == 204
    gone = await client.get(f"{API}/articles/wifi-tuin-nl", headers=admin)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "article_not_found"


async def test_that_a_supervisor_may_write_and_an_agent_may_not(client, as_person):
    agent = await as_person("sanne")
    refused = await client.post(f"{API}/articles", json=WIFI, headers=agent)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "knowledge_editors_only"
    any_id = (await client.get(f"{API}/articles", headers=agent)).json()["articles"][0]["id"]
    assert (await client.delete(f"{API}/articles/{any_id}", headers=agent)).status_code == 403

    supervisor = await as_person("eva")
    allowed = await client.post(f"{API}/articles", json=WIFI, headers=supervisor)
    assert allowed.status_code == 201
    assert allowed.json()["article"]["id"] == "wifi-in-de-tuin-nl"  # made from the title


async def test_that_nobody_without_a_login_or_key_reads_anything(client):
    response = await client.get(f"{API}/articles")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_logged_in"


async def test_that_an_invalid_article_is_refused_with_the_field_that_is_wrong(client, as_person):
    admin = await as_person("beheer")
    no_body = {k: v for k, v in WIFI.items() if k != "body"}
    missing = await client.post(f"{API}/articles", json=no_body, headers=admin)
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "invalid_request"
    assert missing.json()["error"]["message"] == "Invalid request: body: Field required."

    german = await client.post(f"{API}/articles", json={**WIFI, "language": "de"}, headers=admin)
    assert german.status_code == 422
    assert german.json()["error"]["code"] == "invalid_article"
    assert german.json()["error"]["fields"]["field"] == "language"

    bad_id = await client.post(f"{API}/articles", json={**WIFI, "id": "Wifi Tuin!"}, headers=admin)
    assert bad_id.status_code == 422

    unknown = await client.post(f"{API}/articles", json={**WIFI, "titel": "x"}, headers=admin)
    assert unknown.status_code == 422


async def test_that_an_id_can_be_neither_taken_twice_nor_changed(client, as_person):
    admin = await as_person("beheer")
    assert (await client.post(f"{API}/articles", json=WIFI, headers=admin)).status_code == 201
    again = await client.post(f"{API}/articles", json=WIFI, headers=admin)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "article_exists"
    renamed = await client.patch(
        f"{API}/articles/wifi-in-de-tuin-nl", json={"id": "ander-nl"}, headers=admin
    )
    assert renamed.status_code == 422  # not a field one changes


async def test_that_changing_or_deleting_a_missing_article_is_404(client, as_person):
    admin = await as_person("beheer")
    for response in (
        await client.put(f"{API}/articles/bestaat-niet", json=WIFI, headers=admin),
        await client.patch(f"{API}/articles/bestaat-niet", json={"tags": []}, headers=admin),
        await client.delete(f"{API}/articles/bestaat-niet", headers=admin),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "article_not_found"


async def test_that_search_says_so_when_the_server_has_no_bot(client, as_person):
    agent = await as_person("sanne")
    response = await client.post(f"{API}/search", json={"question": "modem"}, headers=agent)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "knowledge_unavailable"


@pytest.mark.parametrize("question", ["", "   ", "\n\t", " \x00 "])
async def test_that_a_search_for_nothing_but_blanks_is_refused_with_the_field_named(
    client, as_person, question
):
    agent = await as_person("sanne")
    response = await client.post(f"{API}/search", json={"question": question}, headers=agent)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["fields"]["problems"][0]["field"] == "question"


# With the whole demo: the running bot answers from what the API changed. --------------------

DOGS = {
    "id": "huisdieren-winkel-nl",
    "title": "Huisdieren in onze winkels",
    "language": "nl",
    "tags": ["hond", "huisdier", "winkel"],
    "body": "Honden zijn welkom in al onze winkels, als ze aangelijnd zijn. "
    "Een waterbak staat bij de ingang.",
}


async def test_that_the_running_bot_answers_from_an_article_created_through_the_api(
    demo: Container, demo_client: httpx.AsyncClient, chat
):
    admin = await key_headers(demo)("beheer")
    question = "Mag mijn hond mee naar binnen in jullie winkel?"
    before = await (await chat()).say(question)
    assert "aangelijnd" not in before

    created = await demo_client.post(f"{API}/articles", json=DOGS, headers=admin)
    assert created.status_code == 201, created.text

    customer = await chat()
    reply = await customer.say(question)
    assert "Honden zijn welkom in al onze winkels" in reply
    assert "Bron: Huisdieren in onze winkels" in reply
    source = customer.last["replies"][-1]["source"]
    assert source["article_id"] == "huisdieren-winkel-nl"

    found = await demo_client.post(
        f"{API}/search", json={"question": question, "language": "nl"}, headers=admin
    )
    assert found.status_code == 200
    best = found.json()["passages"][0]
    assert best["source"]["article_id"] == "huisdieren-winkel-nl"
    assert found.json()["answerable"] and best["score"] >= found.json()["min_score"]

    await demo_client.delete(f"{API}/articles/huisdieren-winkel-nl", headers=admin)
    after = await (await chat()).say(question)
    assert "aangelijnd" not in after


async def test_that_search_ranks_passages_with_scores_and_detects_the_language(
    demo: Container, demo_client: httpx.AsyncClient
):
    agent = await key_headers(demo)("sanne")
    response = await demo_client.post(
        f"{API}/search", json={"question": "How long does delivery of a new modem take?"},
        headers=agent,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["language"] == "en"
    scores = [p["score"] for p in found["passages"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 5
    assert found["passages"][0]["source"]["language"] == "en"
    assert found["passages"][0]["text"]
