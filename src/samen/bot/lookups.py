"""Self-service lookups: orders, repairs, outages, documents and the invoice explained."""

from __future__ import annotations

import re
from typing import Any

from samen.bot import formats
from samen.bot.connectors import Document, Order
from samen.bot.flowkit import FlowKit, postcode_answer
from samen.bot.session import BotResult, BotTurn

_OTHER = re.compile(r"\b(ander[e]?|other|another|tweede|second|vorige|previous|oude|old)\b", re.I)


async def order_status(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool:
    number = turn.entity("order_number")
    seen: list[str] = turn.state.setdefault("orders_seen", [])
    if number is None and seen and _OTHER.search(turn.text):
        # "en die andere bestelling?": another order of the same customer
        first = await kit.backend.order(seen[-1])
        others = (
            [
                o
                for o in await kit.backend.orders_of(first.customer_number)
                if o.order_number not in seen
            ]
            if first
            else []
        )
        if not others:
            kit.say(result, turn, "order_no_other")
            return True
        number = others[0].order_number
    if number is None and turn.channel == "email" and turn.email and not seen:
        number = await _latest_order_of_sender(kit, turn.email)
    if number is None:
        flow["await"] = "order_number"
        kit.say(result, turn, "ask_order_number")
        return False
    order = await kit.backend.order(number)
    if order is None:
        flow["await"] = "order_number"
        kit.say(result, turn, "order_not_found", order_number=number)
        result.fallback = True
        return False
    seen.append(order.order_number)
    result.say(describe_order(kit, turn, order))
    result.events.append(
        (
            "action",
            {"action": "order_lookup", "order_number": order.order_number, "status": order.status},
        )
    )
    result.resolved = True
    return True


async def _latest_order_of_sender(kit: FlowKit, email: str) -> str | None:
    """By e-mail the answer goes to the sender's own address, so their order may be looked up
    by it (in chat a typed e-mail address proves nothing, so there we ask for the number)."""
    customer = await kit.backend.find_customer(email=email)
    if customer is None:
        return None
    orders = await kit.backend.orders_of(customer.customer_number)
    open_orders = [o for o in orders if o.status not in ("delivered", "cancelled")]
    chosen = (open_orders or orders)[:1]
    return chosen[0].order_number if chosen else None


def describe_order(kit: FlowKit, turn: BotTurn, order: Order) -> str:
    today = kit.today()
    values = {
        "order_number": order.order_number,
        "items": ", ".join(order.items),
        "expected": formats.day(order.expected, turn.language, today) if order.expected else "-",
        "carrier": order.carrier or "PostNL",
        "tracking": order.tracking or "-",
        "delivered_on": formats.day(order.delivered_on, turn.language, today)
        if order.delivered_on
        else "-",
    }
    return kit.texts.say(f"order_{order.status}", turn.language, **values)


async def repair_status(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool:
    customer = await kit.verified(turn, result, flow)
    if customer is None:
        return result.handover is not None
    repairs = [r for r in await kit.backend.repairs_of(customer.customer_number)]
    if not repairs:
        kit.say(result, turn, "repair_none")
        return True
    today = kit.today()
    order = {"planned": 0, "in_progress": 1, "waiting_for_parts": 2, "completed": 3}
    for repair in sorted(repairs, key=lambda r: order.get(r.status, 9))[:2]:
        values = {
            "reference": repair.reference,
            "description": repair.description,
            "updated": formats.day(repair.updated_on, turn.language, today)
            if repair.updated_on
            else "-",
            "day": formats.day(
                repair.appointment_start.astimezone(kit.zone).date(), turn.language, today
            )
            if repair.appointment_start
            else "-",
            "start": formats.clock(repair.appointment_start, kit.zone)
            if repair.appointment_start
            else "-",
            "end": formats.clock(repair.appointment_end, kit.zone)
            if repair.appointment_end
            else "-",
        }
        kit.say(result, turn, f"repair_{repair.status}", **values)
    result.events.append(
        ("action", {"action": "repair_lookup", "customer_number": customer.customer_number})
    )
    result.resolved = True
    return True


async def outage_check(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool:
    postcode = postcode_answer(turn) or _postcode_area(turn, flow) or turn.recall("postcode")
    if postcode is None and turn.state.get("verified"):
        customer = await kit.backend.find_customer(customer_number=turn.state["verified"])
        postcode = customer.address.postcode if customer else None
    if postcode is None:
        flow["await"] = "outage_postcode"
        kit.say(result, turn, "ask_outage_postcode")
        return False
    turn.remember("postcode", postcode)
    outages = await kit.backend.outages_at(postcode)
    result.events.append(
        ("action", {"action": "outage_check", "postcode": postcode, "found": len(outages)})
    )
    if not outages:
        kit.say(result, turn, "outage_none", postcode=postcode)
        return True
    outage = outages[0]
    turn.state["service_down"] = True
    today = kit.today()
    kit.say(
        result,
        turn,
        "outage_found",
        postcode=postcode,
        description=outage.described_in(turn.language),
        services=" + ".join(outage.services),
        started=formats.moment(outage.started_at, turn.language, kit.zone, today),
        expected=formats.moment(outage.expected_end, turn.language, kit.zone, today)
        if outage.expected_end
        else "?",
    )
    result.resolved = True
    return True


async def download_document(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool:
    data = flow.setdefault("data", {})
    # What they asked for, remembered: by the time they are verified they are typing postcodes.
    data["kind"] = _document_kind(turn.text) or data.get("kind")
    customer = await kit.verified(turn, result, flow)
    if customer is None:
        return result.handover is not None
    documents = await kit.backend.documents_of(customer.customer_number)
    wanted = data["kind"]
    chosen = [d for d in documents if wanted is None or d.kind == wanted][:4] or documents[:4]
    lines = [kit.texts.say("documents_list", turn.language)]
    for document in chosen:
        lines.append(
            kit.texts.say(
                "document_line",
                turn.language,
                title=_title(kit, document, turn.language),
                date=formats.day(document.issued_on, turn.language),
                url=document.url,
            )
        )
    result.say("\n".join(lines), links=[d.url for d in chosen])
    result.events.append(("action", {"action": "documents_listed", "count": len(chosen)}))
    result.resolved = True
    return True


_AREA = re.compile(r"(?<![\d-])([1-9]\d{3})(?![\d-])")
_AREA_NAMED = re.compile(
    r"\b(?:post\s?code|zip|in|bij|rond|rondom|omgeving|near|around|area)\s+([1-9]\d{3})(?![\d-])",
    re.I,
)


def _postcode_area(turn: BotTurn, flow: dict[str, Any]) -> str | None:
    """The four digits of a postcode area ("1012"), which is what outages are known by: in the
    answer to "which postcode?", or named as a place ("postcode 3512", "storing in 9711?")."""
    named = _AREA_NAMED.search(turn.text)
    if named:
        return named.group(1)
    if flow.get("await") == "outage_postcode":
        match = _AREA.search(turn.text)
        return match.group(1) if match else None
    return None


def _title(kit: FlowKit, document: Document, language: str) -> str:
    """The document's name in the customer's language where the texts know its kind."""
    key = f"document_{document.kind}"
    if not kit.texts.has(key, language):
        return document.title
    return kit.texts.say(key, language, reference=document.reference)


_KINDS = (
    ("contract", re.compile(r"contract|voorwaarden|terms", re.I)),
    ("invoice", re.compile(r"factu[ru]|rekening|nota|invoice|bill", re.I)),
)


def _document_kind(text: str) -> str | None:
    """Which kind of document the customer asked for, if they said (else all are offered)."""
    return next((kind for kind, words in _KINDS if words.search(text)), None)


async def invoice_question(
    kit: FlowKit, turn: BotTurn, result: BotResult, flow: dict[str, Any]
) -> bool:
    if flow.get("await") == "invoice_answered":
        answer = kit.texts.answer(turn.text, turn.language)
        if answer == "yes":
            kit.say(result, turn, "invoice_glad")
            result.resolved = True
            return True
        result.handover = turn.escalation_queue or "billing"
        result.handover_reason = "The bot's explanation of the invoice did not answer the question."
        result.resolved = False
        return True
    customer = await kit.verified(turn, result, flow)
    if customer is None:
        return result.handover is not None
    invoices = await kit.backend.invoices_of(customer.customer_number)
    if not invoices:
        result.handover = turn.escalation_queue or "billing"
        result.handover_reason = "No invoice found for the customer to explain."
        return True
    invoice = invoices[0]
    lines = [
        kit.texts.say(
            "invoice_explain_intro",
            turn.language,
            number=invoice.number,
            date=formats.day(invoice.issued_on, turn.language),
            amount=formats.money(invoice.amount, turn.language),
            status=kit.texts.raw("statuses", turn.language).get(invoice.status, invoice.status),
        )
    ]
    for description, amount in invoice.lines:
        lines.append(
            kit.texts.say(
                "invoice_line",
                turn.language,
                description=description,
                amount=formats.money(amount, turn.language),
            )
        )
    result.say("\n".join(lines))
    result.events.append(("action", {"action": "invoice_explained", "invoice": invoice.number}))
    kit.say(result, turn, "invoice_resolved_question")
    flow["await"] = "invoice_answered"
    return False
