"""With the whole demo: the case file across channels, live assist, next steps, corrections."""

from __future__ import annotations

from samen.conversations.models import Identity, State

ANNA = "anna.devries@example.nl"  # PL-104233 in the demo's own systems


async def person(demo, name: str):
    return await demo.extras["agents"].people.find_user(f"{name}@polderlink.example")


async def conversation(
    demo, channel: str, *texts: str, email: str = ANNA, locale: str = "nl"
) -> str:
    service = demo.conversations
    started, _, _ = await service.start(channel, [Identity("email", email)], locale=locale)
    for text in texts:
        await service.receive(started.id, text)
    return started.id


async def test_that_the_case_file_tells_the_whole_story_across_channels(demo, clock):
    agents = demo.extras["agents"]
    noor, sanne = await person(demo, "noor"), await person(demo, "sanne")
    mailed = await conversation(
        demo, "email", "Mijn factuur is veel te hoog, ik betaal ineens 89 euro."
    )
    await agents.desk.claim(noor, mailed)
    await agents.desk.reply(noor, mailed, "Ik zoek het uit en kom erop terug.")
    await agents.desk.close(noor, mailed, resolved=False, reason="Follow-up needed")
    clock.advance(days=2)
    chatted = await conversation(
        demo, "web", "Ik heb al gemaild over mijn factuur, er gebeurt niks!"
    )
    assert (await demo.conversations.get(chatted)).queue == "billing"

    case = await agents.cases.open(sanne, chatted)
    assert case.packet["rules"][0] == "repeat_contact"
    assert mailed in case.packet["linked"]
    assert case.packet["earlier_contacts"][0]["outcome"] == "not resolved"
    channels = {item["channel"] for item in case.timeline if item["type"] == "message"}
    assert channels == {"email", "web"}
    texts = [item["text"] for item in case.timeline if item["type"] == "message"]
    assert texts.index("Ik zoek het uit en kom erop terug.") < texts.index(
        "Ik heb al gemaild over mijn factuur, er gebeurt niks!"
    )
    assert case.contacts[0]["outcome"]["reason"] == "Follow-up needed"
    assert case.profile()["customer_number"] == "PL-104233"
    assert case.profile()["record"]["address"] == "Oudegracht 112, 3511 AB Utrecht"


async def test_that_live_assist_suggests_articles_colleagues_answers_and_next_steps(demo):
    agents = demo.extras["agents"]
    sanne = await person(demo, "sanne")
    earlier = await conversation(
        demo,
        "web",
        "ik kom niet meer in Mijn Polderlink, wachtwoord vergeten",
        "ik wil een medewerker",
        email="jan.visser@example.nl",
    )
    await agents.desk.reply(
        sanne,
        earlier,
        "Ik stuur je een link om een nieuw wachtwoord in te stellen; kijk ook in je spam.",
    )
    await agents.desk.close(sanne, earlier, resolved=True, reason="Answered")

    now = await conversation(
        demo, "web", "Ik ben mijn wachtwoord vergeten en kan niet inloggen", "ik wil een mens"
    )
    case = await agents.cases.open(sanne, now)
    assist = await agents.assistant.suggest(sanne, case)
    assert any("wachtwoord" in s.title.lower() for s in assist.articles)
    assert assist.colleagues[0].text.startswith("Ik stuur je een link")
    assert [s.action for s in assist.steps] == ["password_reset"]
    assert any(c.title == "Begroeting" for c in assist.canned)

    result = await agents.perform(sanne, now, "password_reset")
    assert "a***@example.nl" in result.text
    async with demo.store.transaction() as tx:
        actions = [
            e
            for e in await tx.list_events(conversation_id=now, kinds=["action"])
            if e.actor == sanne.id
        ]
    assert actions[0].data["name"] == "password_reset"


async def test_that_an_intent_correction_becomes_a_training_example_unless_rejected(demo):
    from samen.storage.corrections import SqlCorrections

    agents = demo.extras["agents"]
    sanne, eva = await person(demo, "sanne"), await person(demo, "eva")
    chat = await conversation(demo, "web", "ik wil een mens")
    asked = (await demo.conversations.messages(chat))[1]
    correction = await agents.corrections.intent(sanne, chat, asked.id, "complaint")
    assert (correction.understood, correction.corrected, correction.agent_id) == (
        "human_handoff",
        "complaint",
        sanne.id,
    )
    data = await SqlCorrections(demo.store.engine).training_data()
    assert [(e.text, e.intent) for e in data.examples] == [("ik wil een mens", "complaint")]
    await agents.corrections.review(eva, correction.id, "rejected")
    assert (await SqlCorrections(demo.store.engine).training_data()).examples == []
    case = await agents.cases.open(sanne, chat)
    assert case.packet["intent_corrected"] == {"intent": "complaint", "by": "Sanne de Boer"}
    assert (await demo.conversations.get(chat)).state is State.QUEUED
