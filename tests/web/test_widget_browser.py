"""The chat widget in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

from pathlib import Path

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
