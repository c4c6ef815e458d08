"""The console in a real browser (Debian's Chromium through Playwright), next to a customer in the
widget: a hand-over arrives live, is claimed, answered, corrected, transferred and closed."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "polderlink-demo"


async def console_of(browser: Any, site: str, name: str) -> Any:
    """A person of the demo, logged in to the console in a browser context of their own."""
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    await page.goto(f"{site}/console/login")
    await page.get_by_label("E-mail address").fill(f"{name}@polderlink.example")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{site}/console")
    return page


async def test_that_a_customer_asking_for_a_person_is_helped_live_from_the_console(
    site, browser, demo
):
    from playwright.async_api import expect

    sanne = await console_of(browser, site, "sanne")  # care and billing
    await sanne.keyboard.press("Tab")  # keyboard first: a skip link, and shortcuts behind "?"
    await expect(sanne.get_by_text("Skip to content")).to_be_focused()
    await sanne.keyboard.press("?")
    await expect(sanne.locator("#shortcuts")).to_be_visible()
    await sanne.keyboard.press("Escape")
    await expect(sanne.locator("#shortcuts")).to_be_hidden()
    await sanne.get_by_role("button", name="Away").click()  # she will claim by hand
    await expect(sanne.get_by_role("button", name="Away")).to_have_attribute("aria-pressed", "true")
    daan = await console_of(browser, site, "daan")  # tech, available since he logged in

    customer = await (await browser.new_context()).new_page()
    await customer.goto(site + "/")
    await customer.get_by_role("button", name="Chat met ons").click()
    chat = customer.get_by_role("log")
    await chat.get_by_text("digitale assistent").first.wait_for()
    await customer.get_by_label("Je bericht").fill("ik wil een mens")
    await customer.get_by_label("Je bericht").press("Enter")
    await chat.get_by_text("medewerker van Klantenzorg").wait_for()

    # It appears in Sanne's queue without a reload, with why it came.
    row = sanne.locator("#overview tbody tr", has_text="asked to talk to a person")
    await row.wait_for()
    await row.locator(".row-link").click()
    await sanne.wait_for_url(re.compile(r"/console/conversations/[0-9a-f]{32}$"))
    conversation_id = sanne.url.rsplit("/", 1)[1]
    packet = sanne.locator("#packet")
    await expect(packet).to_contain_text("The customer asked to talk to a person.")
    await expect(packet).to_contain_text("ik wil een mens")
    await expect(packet).to_contain_text("human handoff")

    await sanne.get_by_role("button", name="Claim").click()
    await expect(sanne.locator("#case-head")).to_contain_text("With you")
    await chat.get_by_text("Sanne van Klantenzorg helpt je nu verder.").wait_for()

    box = sanne.get_by_label("Your message")
    await box.fill("Hoi! Ik ben Sanne. Waarmee kan ik je helpen?")
    await box.press("Control+Enter")
    await chat.get_by_text("Hoi! Ik ben Sanne. Waarmee kan ik je helpen?").wait_for()
    await expect(chat.locator(".samen-agent").last).to_contain_text("Sanne")
    await expect(box).to_have_value("")

    # One intent correction: what the bot understood as a hand-over request was a complaint.
    question = sanne.locator("#timeline .msg-customer", has_text="ik wil een mens")
    await question.get_by_text("Wrong intent?").click()
    await question.get_by_label("The right intent").select_option("complaint")
    await question.get_by_role("button", name="Correct").click()
    await expect(
        sanne.locator("#timeline .msg-customer", has_text="ik wil een mens")
    ).to_contain_text("corrected by Sanne de Boer")

    # Transfer to the technical service: Daan, available there, gets it at once.
    await sanne.get_by_role("button", name="Transfer").click()
    dialog = sanne.locator("#transfer-dialog")
    await dialog.get_by_label("Technical service").check()
    await dialog.get_by_label("Note for whoever takes it").fill(
        "Modem knippert oranje, al herstart."
    )
    await dialog.get_by_role("button", name="Transfer").click()
    await sanne.wait_for_url(re.compile(r"/console\?done=transferred-tech$|/console$"))
    await chat.get_by_text("Daan van Technische dienst helpt je nu verder.").wait_for()

    mine = daan.locator("#sidebar .convo")
    await expect(mine).to_have_count(1)  # arrived in his list live
    await mine.click()
    await expect(daan.locator("#packet")).to_contain_text(
        "Sanne de Boer transferred this to Technical service"
    )
    await expect(daan.locator("#packet")).to_contain_text("Modem knippert oranje, al herstart.")
    assert daan.url.endswith(conversation_id)

    await daan.get_by_role("button", name="Close…").click()
    close = daan.locator("#close-dialog")
    await close.get_by_label("Solved for the customer").check()
    await expect(close.get_by_label("Resolved", exact=True)).to_be_checked()
    await close.get_by_role("button", name="Close conversation").click()
    await daan.wait_for_url(re.compile(r"/console(\?done=closed)?$"))
    await chat.get_by_text("Dit gesprek is afgesloten.").wait_for()

    conversation = await demo.conversations.get(conversation_id)
    assert conversation.state.value == "closed"
    assert conversation.outcome["resolved"] is True
    assert conversation.outcome["reason"] == "Solved for the customer"
    corrections = await demo.extras["agents"].corrections.store.list()
    assert [(c.kind, c.understood, c.corrected) for c in corrections] == [
        ("intent", "human_handoff", "complaint")
    ]
