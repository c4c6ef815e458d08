"""Self-service changes: verified first, confirmed by the customer, then made and recorded."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from samen.bot import formats
from samen.bot.connectors import Address
from samen.bot.flowkit import FlowKit, house_number_answer, postcode_answer
from samen.bot.session import BotResult, BotTurn


async def _confirmed(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool | None:
    """True/False once the customer answered the confirmation, None while still waiting."""
    if flow.get("await") != "confirm":
        return None
    answer = kit.texts.answer(turn.text, turn.language)
    if answer is None:
        return None
    if answer == "no":
        kit.say(result, turn, "action_cancelled")
        result.events.append(("action", {"action": f"{flow['name']}_declined"}))
    return answer == "yes"


async def change_address(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool:
    customer = await kit.verified(turn, result, flow)
    if customer is None:
        return result.handover is not None
    data = flow.setdefault("data", {})
    decided = await _confirmed(kit, turn, result, flow)
    if decided is False:
        return True
    if decided:
        new = Address(data["street"], data["house_number"], data["postcode"], data["city"])
        moving_on = date.fromisoformat(data["date"])
        receipt = await kit.backend.change_address(customer.customer_number, new, moving_on)
        kit.say(
            result,
            turn,
            "address_changed",
            address=new.line(),
            date=formats.day(moving_on, turn.language),
            reference=receipt.reference,
        )
        result.events.append(
            (
                "action",
                {
                    "action": "address_changed",
                    "reference": receipt.reference,
                    "address": new.line(),
                    "moving_on": data["date"],
                },
            )
        )
        result.resolved = True
        return True
    step = flow.get("await")
    if step == "new_street" and kit.texts.answer(turn.text, turn.language) is None:
        street, city = _street_and_city(turn.text)
        data["street"], data["city"] = street, city
    postcode = (
        postcode_answer(turn) if step in (None, "new_postcode") or "postcode" not in data else None
    )
    if postcode and postcode.replace(" ", "") != customer.address.postcode.replace(" ", ""):
        data["postcode"] = postcode
        data["house_number"] = house_number_answer(turn) or data.get("house_number")
    when = turn.parse.entity("date") or turn.parse.entity("datetime")
    if when is not None:
        data["date"] = str(when.value)[:10]
    if "postcode" not in data or not data.get("house_number"):
        flow["await"] = "new_postcode"
        kit.say(result, turn, "ask_new_postcode")
        return False
    if "street" not in data:
        flow["await"] = "new_street"
        kit.say(result, turn, "ask_new_street")
        return False
    if "date" not in data:
        flow["await"] = "moving_date"
        kit.say(result, turn, "ask_moving_date")
        return False
    if date.fromisoformat(data["date"]) < kit.today():
        data.pop("date")
        flow["await"] = "moving_date"
        kit.say(result, turn, "moving_date_past")
        return False
    new = Address(data["street"], data["house_number"], data["postcode"], data["city"])
    flow["await"] = "confirm"
    kit.say(
        result,
        turn,
        "confirm_address",
        address=new.line(),
        date=formats.day(date.fromisoformat(data["date"]), turn.language),
    )
    return False


def _street_and_city(text: str) -> tuple[str, str]:
    parts = [p.strip() for p in re.split(r",| in | te ", text.strip(), maxsplit=1) if p.strip()]
    street = re.sub(r"\s+\d+\s*[a-zA-Z]?$", "", parts[0]).strip().title() if parts else text.strip()
    city = parts[1].strip().title() if len(parts) > 1 else ""
    return street, city


async def reset_password(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool:
    customer = await kit.verified(turn, result, flow)
    if customer is None:
        return result.handover is not None
    decided = await _confirmed(kit, turn, result, flow)
    if decided is False:
        return True
    if decided:
        receipt = await kit.backend.send_password_reset(customer.customer_number)
        kit.say(
            result, turn, "password_reset_sent", email=receipt.summary, reference=receipt.reference
        )
        result.events.append(
            ("action", {"action": "password_reset_sent", "reference": receipt.reference})
        )
        result.resolved = True
        return True
    flow["await"] = "confirm"
    kit.say(result, turn, "confirm_password_reset", email=formats.mask_email(customer.email))
    return False


async def cancel_subscription(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool:
    customer = await kit.verified(turn, result, flow)
    if customer is None:
        return result.handover is not None
    end_on = _end_of_notice(kit.today())
    decided = await _confirmed(kit, turn, result, flow)
    if decided is False:
        return True
    if decided:
        receipt = await kit.backend.cancel_subscription(
            customer.customer_number, end_on, "via digital assistant"
        )
        kit.say(
            result,
            turn,
            "cancel_done",
            date=formats.day(end_on, turn.language),
            reference=receipt.reference,
        )
        result.events.append(
            (
                "action",
                {
                    "action": "subscription_cancelled",
                    "reference": receipt.reference,
                    "end_on": end_on.isoformat(),
                },
            )
        )
        result.resolved = True
        return True
    flow["await"] = "confirm"
    kit.say(
        result,
        turn,
        "ask_cancel_confirm",
        products=", ".join(customer.products),
        date=formats.day(end_on, turn.language),
    )
    return False


def _end_of_notice(today: date) -> date:
    """One month's notice: the same day next month (or the month's last day)."""
    month = today.month % 12 + 1
    year = today.year + (today.month == 12)
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return today + timedelta(days=30)
