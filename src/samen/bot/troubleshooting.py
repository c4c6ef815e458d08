"""Step-by-step troubleshooting for ``tech_support``; a person from ``tech`` takes over with the
steps already tried when the steps do not solve it."""

from __future__ import annotations

from typing import Any

from samen.bot import formats
from samen.bot.flowkit import FlowKit, postcode_answer
from samen.bot.session import BotResult, BotTurn


async def troubleshoot(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool:
    steps: list[str] = list(kit.texts.raw("troubleshooting", turn.language))
    tried: list[str] = turn.state.setdefault("tried", [])
    data = flow.setdefault("data", {})
    if flow.get("await") == "step_result":
        answer = kit.texts.answer(turn.text, turn.language)
        if answer == "yes":
            kit.say(result, turn, "ts_solved")
            result.events.append(
                ("action", {"action": "troubleshooting_solved", "steps": data["step"] + 1})
            )
            result.resolved = True
            return True
        if answer is None and not _sounds_unsolved(kit, turn):
            # Not an answer to the question: ask it again rather than guess.
            kit.say(result, turn, "ts_ask", step=steps[data["step"]])
            return False
        data["step"] += 1
    else:
        data["step"] = 0
        kit.say(result, turn, "ts_intro")
        await _mention_outage(kit, turn, result)
    if data["step"] >= len(steps):
        result.handover = turn.escalation_queue or "tech"
        result.handover_reason = f"Troubleshooting did not solve it ({len(steps)} steps tried)."
        result.events.append(("action", {"action": "troubleshooting_failed", "tried": list(tried)}))
        result.resolved = False
        return True
    step = steps[data["step"]]
    tried.append(step)
    flow["await"] = "step_result"
    kit.say(result, turn, "ts_ask", step=step)
    return False


def _sounds_unsolved(kit: FlowKit, turn: BotTurn) -> bool:
    """A no in other words: "still nothing", "doet het nog steeds niet"."""
    return (
        turn.parse.intent.name == "tech_support"
        or turn.parse.sentiment.score < -0.2
        or kit.texts.mentions("ts_unsolved_words", turn.text, turn.language)
    )


async def _mention_outage(kit: FlowKit, turn: BotTurn, result: BotResult) -> None:
    postcode = postcode_answer(turn) or turn.recall("postcode")
    if postcode is None and turn.state.get("verified"):
        customer = await kit.backend.find_customer(customer_number=turn.state["verified"])
        postcode = customer.address.postcode if customer else None
    if postcode is None:
        return
    outages = await kit.backend.outages_at(postcode)
    if outages:
        turn.state["service_down"] = True
        outage = outages[0]
        kit.say(
            result,
            turn,
            "ts_outage",
            description=outage.described_in(turn.language),
            expected=formats.moment(outage.expected_end, turn.language, kit.zone, kit.today())
            if outage.expected_end
            else "?",
        )
