"""The chat widget in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


async def test_that_a_customer_chats_reloads_and_finds_the_conversation_intact(
    site, browser, database_url
):
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    await page.goto(site + "/")
    await page.get_by_role("button", name="Chat met ons").click()
    log = page.get_by_role("log")
    await log.get_by_text("digitale assistent").first.wait_for()

    box = page.get_by_label("Je bericht")
    await box.fill("waar blijft bestelling ORD-2026-004512?")
    await box.press("Enter")
    await log.get_by_text("onderweg met PostNL").wait_for()
    await box.fill("wat kost glas 500?")
    await page.get_by_role("button", name="Versturen").click()
    await log.get_by_text("Bron:").first.wait_for()
    if database_url.startswith("sqlite"):
        await page.screenshot(path=str(SCREENSHOTS / "widget.png"))
    before = await log.inner_text()

    await page.reload()
    await page.get_by_role("log").get_by_text("onderweg met PostNL").wait_for()
    after = await page.get_by_role("log").inner_text()
    assert after == before
    await page.close()


async def test_that_the_widget_is_usable_with_the_keyboard_alone(site, browser):
    page = await browser.new_page()
    await page.goto(site + "/?lang=en")
    launcher = page.get_by_role("button", name="Chat with us")
    await launcher.focus()
    await page.keyboard.press("Enter")
    assert (
        await page.evaluate("document.activeElement.getAttribute('aria-label')") == "Your message"
    )
    await page.keyboard.type("are you a robot?")
    await page.keyboard.press("Enter")
    await page.get_by_role("log").get_by_text("computer program").last.wait_for()
    await page.keyboard.press("Escape")
    assert await launcher.is_visible()
    await page.close()


async def ask(page: Any, text: str, expect: str) -> None:
    """Type a message in the widget and wait for the bot's reply that contains ``expect``."""
    box = page.get_by_label("Je bericht")
    await box.fill(text)
    await box.press("Enter")
    await page.get_by_role("log").get_by_text(expect).last.wait_for()


async def test_that_a_customer_gets_a_sourced_answer_tracks_an_order_and_moves_house(
    site, browser, demo, database_url
):
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(site + "/")
    await page.get_by_role("button", name="Chat met ons").click()
    await page.get_by_role("log").get_by_text("digitale assistent").first.wait_for()

    await ask(page, "hoeveel kost glas 1000 per maand?", "Bron: Internetabonnementen en prijzen")
    assert "€62,95" in await page.get_by_role("log").inner_text()
    await ask(page, "en waar blijft mijn bestelling ORD-2026-004512?", "onderweg met PostNL")

    await ask(page, "ik ga verhuizen, kan ik dat hier doorgeven?", "Wat is je klantnummer?")
    await ask(page, "PL-104233", "Wat is de postcode van het adres")
    await ask(page, "3511 AB", "Dank je, Anna")
    await ask(page, "2513 AA 14", "Wat is de straatnaam en plaats")
    await ask(page, "Lange Voorhout, Den Haag", "Op welke datum verhuis je?")
    await ask(page, "15 december", "Klopt dat?")
    backend = demo.extras["brain"].bot.kit.backend
    anna = await backend.find_customer(customer_number="PL-104233")
    assert anna.address.postcode == "3511 AB"  # nothing changed before the yes
    await ask(page, "ja", "Referentie")
    if database_url.startswith("sqlite"):
        await page.screenshot(path=str(SCREENSHOTS / "widget-address-change.png"))
    anna = await backend.find_customer(customer_number="PL-104233")
    assert anna.address.line() == "Lange Voorhout 14, 2513 AA Den Haag"
    await page.close()


async def test_that_a_logged_in_customer_is_known_to_the_widget_without_questions(
    site, browser, demo
):
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(site + "/?as=PL-104233")
    await page.get_by_role("button", name="Chat met ons").click()
    await page.get_by_role("log").get_by_text("Hoi Anna!").wait_for()
    await ask(page, "ik wil mn factuur downloaden", "ingelogd als Anna de Vries")
    log = await page.get_by_role("log").inner_text()
    assert "klantnummer?" not in log and "Factuur F-2026-0081234" in log
    # Logged out on the same browser: that conversation is not shown to whoever comes next.
    await page.goto(site + "/")
    await page.get_by_role("button", name="Chat met ons").click()
    await page.get_by_role("log").get_by_text("digitale assistent").first.wait_for()
    assert "Anna" not in await page.get_by_role("log").inner_text()
    await page.close()


@pytest.mark.parametrize(("page_language", "sent"), [("de-DE", "de-DE"), ("en-GB-oxendict", "en")])
async def test_that_the_widget_on_a_page_in_another_language_still_starts_a_conversation(
    site, browser, page_language, sent
):
    # A company page that names its own language and leaves the widget's data-locale out.
    html = (
        f'<!doctype html><html lang="{page_language}"><head><title>Shop</title></head><body>'
        f'<script src="{site}/static/widget/samen-widget.js" defer></script></body></html>'
    )
    page = await browser.new_page()
    await page.route(
        f"{site}/shop", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    await page.goto(f"{site}/shop")
    async with page.expect_request(lambda r: r.url.endswith("/conversations")) as started:
        await page.get_by_role("button", name="Chat").click()
    await page.get_by_role("log").get_by_text("assist", exact=False).first.wait_for(timeout=20000)
    # The page's language reaches the server, which keeps it for the agents; a locale shaped
    # unlike "de-DE" would be refused, so the widget sends its own language instead.
    assert (await started.value).post_data_json["locale"] == sent
    await page.close()
