"""Next steps the company's systems can take for the agent, through the bot's own connector:
send a password-reset link, look up an order, repairs, an outage, invoices, documents.

Each step returns a sentence in the customer's language for the reply box (the agent edits and
sends it), and is written to the timeline as an ``action`` event with who ran it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from samen.agents.canned import Phrasebook
from samen.agents.casefile import CaseFile
from samen.bot import formats
from samen.bot.connectors import Backend
from samen.clock import Clock
from samen.errors import BadRequest, Conflict

_BY_INTENT = {
    "reset_password": ("password_reset",),
    "order_status": ("order",),
    "delivery_time": ("order",),
    "repair_status": ("repairs",),
    "outage_check": ("outage", "repairs"),
    "tech_support": ("outage", "repairs"),
    "invoice_question": ("invoices",),
    "invoice_complaint": ("invoices",),
    "payment_arrangement": ("invoices",),
    "download_document": ("documents",),
    "cancel_subscription": ("invoices",),
}
LABELS = {
    "password_reset": "Send password-reset link",
    "order": "Look up order",
    "repairs": "Look up repairs and visits",
    "outage": "Check outages",
    "invoices": "Show latest invoice",
    "documents": "List documents",
}


@dataclass(frozen=True, slots=True)
class NextStep:
    action: str
    label: str
    value: str | None = None  # the order number or postcode it will use

    def view(self) -> dict[str, Any]:
        return {"action": self.action, "label": self.label, "value": self.value}


@dataclass(frozen=True, slots=True)
class StepResult:
    action: str
    text: str  # for the reply box
    summary: str  # for the timeline
    data: dict[str, Any] = field(default_factory=dict)


class Steps:
    def __init__(
        self, backend: Backend | None, phrases: Phrasebook, clock: Clock, zone: ZoneInfo
    ) -> None:
        self.backend = backend
        self.phrases = phrases
        self.clock = clock
        self.zone = zone

    def offer(self, case: CaseFile, intent: str | None, topic: str | None = None) -> list[NextStep]:
        """What could help now (for the question, and the conversation's topic); steps whose
        input is missing are left out."""
        if self.backend is None:
            return []
        entities = case.packet.get("entities") or {}
        linked = set(case.packet.get("linked") or ())
        contacts = case.packet.get("earlier_contacts") or ()
        earlier = [e.get("topic") for e in contacts if e.get("conversation_id") in linked]
        hints = (intent, case.packet.get("intent"), topic, *earlier)
        wanted = list(dict.fromkeys(a for hint in hints for a in _BY_INTENT.get(hint or "", ())))
        if not wanted and case.customer_number:
            wanted = ["order", "invoices"]
        steps = []
        for action in wanted:
            value = self._value(action, case, entities)
            needs_number = action not in ("outage",) and not (action == "order" and value)
            if (needs_number and not case.customer_number) or (action == "outage" and not value):
                continue
            label = LABELS[action] + (f" {value}" if value else "")
            steps.append(NextStep(action, label, value))
        return steps

    async def run(self, case: CaseFile, action: str, value: str | None = None) -> StepResult:
        if self.backend is None:
            raise Conflict("no_connector", "No company system is connected.")
        language = case.conversation.language or self.phrases.default_language
        handlers = {
            "password_reset": self._password_reset, "order": self._order, "repairs": self._repairs,
            "outage": self._outage, "invoices": self._invoices, "documents": self._documents,
        }  # fmt: skip
        if action not in handlers:
            raise BadRequest("unknown_action", f"Unknown action '{action}'.")
        value = value or self._value(action, case, case.packet.get("entities") or {})
        return await handlers[action](self.backend, case, language, value)

    def _value(self, action: str, case: CaseFile, entities: dict[str, Any]) -> str | None:
        if action == "order":
            return str(entities["order_number"]) if entities.get("order_number") else None
        if action == "outage":
            found = entities.get("postcode") or (
                case.record.address.postcode if case.record else None
            )
            return str(found) if found else None
        return None

    def _number(self, case: CaseFile) -> str:
        if not case.customer_number:
            raise Conflict(
                "customer_unknown", "Ask for the customer number first; it is not known yet."
            )
        return case.customer_number

    async def _password_reset(
        self, backend: Backend, case: CaseFile, lang: str, _: str | None
    ) -> StepResult:
        receipt = await backend.send_password_reset(self._number(case))
        email = formats.mask_email(case.record.email) if case.record else ""
        text = self.phrases.action("password_reset", lang, email=email, reference=receipt.reference)
        return StepResult("password_reset", text, receipt.summary, {"reference": receipt.reference})

    async def _order(
        self, backend: Backend, case: CaseFile, lang: str, number: str | None
    ) -> StepResult:
        if number:
            order = await backend.order(number)
        else:
            orders = await backend.orders_of(self._number(case))
            order = max(orders, key=lambda o: o.ordered_on) if orders else None
        if order is None:
            return StepResult("order", self.phrases.action("orders_none", lang), "No order found")
        detail = ""
        if order.expected and order.status not in ("delivered", "cancelled"):
            label = "Verwachte levering: " if lang == "nl" else "Expected delivery: "
            detail = label + self._day(order.expected, lang)
        if order.tracking:
            detail += f" {order.carrier or ''} {order.tracking}"
        text = self.phrases.action("order", lang, order=order.order_number, items=", ".join(order.items),
                                   status=order.status, detail=detail.strip())  # fmt: skip
        return StepResult("order", text, f"Looked up order {order.order_number}: {order.status}")

    async def _repairs(
        self, backend: Backend, case: CaseFile, lang: str, _: str | None
    ) -> StepResult:
        repairs = [
            r for r in await backend.repairs_of(self._number(case)) if r.status != "completed"
        ]
        if not repairs:
            return StepResult(
                "repairs", self.phrases.action("repairs_none", lang), "No open repairs"
            )
        r = repairs[0]
        detail = ""
        if r.appointment_start:
            when = self._day(r.appointment_start.astimezone(self.zone).date(), lang)
            detail = ("Afspraak: " if lang == "nl" else "Appointment: ") + (
                f"{when} {formats.clock(r.appointment_start, self.zone)}"
            )
        kind = r.kind.replace("_", " ")
        text = self.phrases.action(
            "repair", lang, kind=kind, reference=r.reference, status=r.status, detail=detail
        )
        return StepResult("repairs", text, f"Looked up repair {r.reference}: {r.status}")

    async def _outage(
        self, backend: Backend, case: CaseFile, lang: str, postcode: str | None
    ) -> StepResult:
        if not postcode:
            raise Conflict("postcode_unknown", "Ask for the postcode first.")
        outages = await backend.outages_at(postcode)
        if not outages:
            text = self.phrases.action("outage_none", lang, postcode=postcode)
            return StepResult("outage", text, f"No outage at {postcode}")
        o = outages[0]
        detail = o.description
        if o.expected_end:
            end = formats.moment(o.expected_end, lang, self.zone, self._today())
            detail += (" Verwacht opgelost: " if lang == "nl" else " Expected to be fixed: ") + end
        services = ", ".join(o.services)
        text = self.phrases.action(
            "outage", lang, postcode=postcode, services=services, detail=detail
        )
        return StepResult("outage", text, f"Outage {o.reference} at {postcode}")

    async def _invoices(
        self, backend: Backend, case: CaseFile, lang: str, _: str | None
    ) -> StepResult:
        invoices = await backend.invoices_of(self._number(case))
        if not invoices:
            return StepResult("invoices", self.phrases.action("invoices_none", lang), "No invoices")
        i = invoices[0]
        text = self.phrases.action("invoices", lang, number=i.number, issued=self._day(i.issued_on, lang),
                                   amount=i.amount.replace(".", ",") if lang == "nl" else i.amount,
                                   status=i.status)  # fmt: skip
        return StepResult(
            "invoices", text, f"Looked up invoice {i.number}: € {i.amount}, {i.status}"
        )

    async def _documents(
        self, backend: Backend, case: CaseFile, lang: str, _: str | None
    ) -> StepResult:
        documents = await backend.documents_of(self._number(case))
        if not documents:
            return StepResult(
                "documents", self.phrases.action("documents_none", lang), "No documents"
            )
        links = "\n".join(f"- {d.title}: {d.url}" for d in documents[:4])
        text = self.phrases.action("documents", lang, links="\n" + links)
        return StepResult("documents", text, f"Listed {min(4, len(documents))} documents")

    def _today(self) -> Any:
        return self.clock.now().astimezone(self.zone).date()

    def _day(self, value: Any, lang: str) -> str:
        return formats.day(value, lang, self._today())
