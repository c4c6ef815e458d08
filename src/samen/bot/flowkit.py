"""What every self-service flow shares: its dependencies, waiting for answers, verifying identity.

A flow is an async function ``(kit, turn, result, flow) -> bool`` that returns True when it is
done. ``flow["await"]`` names what it is waiting for; ``flow["data"]`` holds what it collected.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from samen.bot.connectors import Backend, CustomerRecord
from samen.bot.session import BotResult, BotTurn
from samen.bot.texts import Texts
from samen.clock import Clock

Flow = Callable[["FlowKit", BotTurn, BotResult, dict[str, Any]], Awaitable[bool]]


@dataclass
class FlowKit:
    texts: Texts
    backend: Backend
    clock: Clock
    zone: ZoneInfo

    def say(self, result: BotResult, turn: BotTurn, key: str, **values: Any) -> None:
        result.say(self.texts.say(key, turn.language, **values))

    def today(self) -> date:
        return self.clock.now().astimezone(self.zone).date()

    async def verified(
        self, turn: BotTurn, result: BotResult, flow: dict[str, Any]
    ) -> CustomerRecord | None:
        """The verified customer, or None after asking for what is missing (number, postcode).

        Verification is customer number plus the postcode of their address, or a signed
        identity token from the company's site; once done it holds for the rest of the
        conversation.
        """
        known = turn.state.get("verified")
        if known:
            customer = await self.backend.find_customer(customer_number=known)
            if customer is not None:
                return customer
            turn.state.pop("verified")  # gone from the company's system: ask again
        if turn.identified and not turn.state.get("identity_unknown"):
            customer = await self._signed_in(turn, result, flow)
            if customer is not None:
                return customer
        data = flow.setdefault("data", {})
        number = turn.entity("customer_number") or data.get("customer_number")
        postcode = postcode_answer(turn) if flow.get("await") == "verify_postcode" else None
        postcode = postcode or (turn.entity("postcode") if number else None)
        if number:
            data["customer_number"] = number
        if not number:
            flow["await"] = "verify_number"
            self.say(result, turn, "ask_customer_number")
            return None
        if not postcode:
            flow["await"] = "verify_postcode"
            self.say(result, turn, "ask_postcode_verify")
            return None
        customer = await self.backend.verify(number, postcode)
        if customer is None:
            attempts = turn.state.get("verify_attempts", 0) + 1
            turn.state["verify_attempts"] = attempts
            data.pop("customer_number", None)
            if attempts >= 2:
                self.say(result, turn, "verify_failed_twice")
                result.handover = turn.escalation_queue or "care"
                result.handover_reason = "The customer could not be verified twice."
                flow["await"] = None
                return None
            flow["await"] = "verify_number"
            self.say(result, turn, "verify_failed")
            return None
        turn.state["verified"] = customer.customer_number
        turn.state["verify_attempts"] = 0
        result.events.append(
            ("action", {"action": "verified", "customer_number": customer.customer_number})
        )
        self.say(result, turn, "verified", name=customer.name.split()[0])
        flow["await"] = None
        return customer

    async def _signed_in(
        self, turn: BotTurn, result: BotResult, flow: dict[str, Any]
    ) -> CustomerRecord | None:
        """The customer the company's site vouched for, said out loud so they know who we think
        they are; None (and the usual questions) when the company's system does not know them."""
        customer = await self.backend.find_customer(customer_number=str(turn.identified))
        if customer is None:
            turn.state["identity_unknown"] = True
            return None
        turn.state["verified"] = customer.customer_number
        turn.state["verified_by"] = "identity_token"
        result.events.append(
            (
                "action",
                {
                    "action": "verified",
                    "customer_number": customer.customer_number,
                    "by": "identity_token",
                },
            )
        )
        self.say(
            result,
            turn,
            "verified_by_login",
            name=customer.name,
            customer_number=customer.customer_number,
        )
        flow["await"] = None
        return customer


_LOOSE_POSTCODE = re.compile(r"(?<![\w-])([1-9]\d{3})\s?-?\s?([a-zA-Z]{2})(?![\w-])")
_HOUSE_AFTER = re.compile(
    r"^\s*(?:nr\.?|nummer|number|no\.?)?\s*(\d{1,4}(?:\s?[a-zA-Z](?!\w)|-\d{1,3})?)"
)


def postcode_answer(turn: BotTurn) -> str | None:
    """A postcode in a reply to "what is your postcode?", also written in lowercase ("3511ab")."""
    found = turn.entity("postcode")
    if found:
        return found
    match = _LOOSE_POSTCODE.search(turn.text)
    if match and match.group(2).upper() not in ("SA", "SD", "SS"):
        return f"{match.group(1)} {match.group(2).upper()}"
    return None


def house_number_answer(turn: BotTurn) -> str | None:
    found = turn.entity("house_number")
    if found:
        return found
    match = _LOOSE_POSTCODE.search(turn.text)
    if match:
        after = _HOUSE_AFTER.match(turn.text[match.end() :])
        if after:
            return after.group(1).replace(" ", "").lower()
    return None


def awaits_entity(flow: dict[str, Any]) -> str | None:
    """Which entity type would answer what the flow is waiting for."""
    return {
        "verify_number": "customer_number",
        "verify_postcode": "postcode",
        "order_number": "order_number",
        "outage_postcode": "postcode",
        "new_postcode": "postcode",
        "moving_date": "date",
    }.get(str(flow.get("await")))
