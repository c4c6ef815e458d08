"""The connector a company implements against its own systems, so the bot can act for customers.

Samen ships one implementation, the Polderlink demo backend (``samen.demo.backend``). A real
company writes its own class with these methods (calling its CRM, order system, ...)::

    class AcmeBackend:
        async def order(self, order_number: str) -> Order | None:
            data = await self.http.get(f"/orders/{order_number}")
            ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from samen.errors import SamenError


class BackendError(SamenError):
    """The company's system refused or failed; raised ``from`` its cause."""

    code = "backend_error"
    http_status = 502


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    house_number: str
    postcode: str
    city: str

    def line(self) -> str:
        return f"{self.street} {self.house_number}, {self.postcode} {self.city}"


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    customer_number: str
    name: str
    email: str
    phone: str | None
    address: Address
    products: tuple[str, ...] = ()
    language: str = "nl"


@dataclass(frozen=True, slots=True)
class Order:
    order_number: str
    customer_number: str
    items: tuple[str, ...]
    status: str  # received, processing, shipped, delivered, cancelled
    ordered_on: date
    expected: date | None = None
    carrier: str | None = None
    tracking: str | None = None
    delivered_on: date | None = None


@dataclass(frozen=True, slots=True)
class Repair:
    reference: str
    customer_number: str
    kind: str  # technician_visit or device_repair
    status: str  # planned, in_progress, waiting_for_parts, completed
    description: str
    appointment_start: datetime | None = None
    appointment_end: datetime | None = None
    updated_on: date | None = None


@dataclass(frozen=True, slots=True)
class Outage:
    reference: str
    postcodes: tuple[str, ...]
    services: tuple[str, ...]
    started_at: datetime
    expected_end: datetime | None
    description: str  # in the company's language
    # The same in other languages, where the company's system has them ({"en": "..."}).
    translations: dict[str, str] = field(default_factory=dict)

    def described_in(self, language: str | None) -> str:
        return self.translations.get(language or "", self.description)


@dataclass(frozen=True, slots=True)
class Invoice:
    number: str
    customer_number: str
    issued_on: date
    amount: str  # "54.95"
    status: str  # open, paid, overdue
    lines: tuple[tuple[str, str], ...] = ()  # (description, amount)


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    customer_number: str
    kind: str  # invoice, contract, letter
    title: str  # what the company's system calls it, in the company's language
    issued_on: date
    url: str
    reference: str = ""  # the number a customer quotes, e.g. the invoice number


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a change did, in words the customer can keep, and a reference to quote."""

    reference: str
    summary: str
    details: dict[str, str] = field(default_factory=dict)


class Backend(Protocol):
    async def find_customer(
        self,
        *,
        customer_number: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> CustomerRecord | None: ...

    async def verify(self, customer_number: str, postcode: str) -> CustomerRecord | None:
        """The customer if the postcode matches their address (a second factor), else None."""

    async def order(self, order_number: str) -> Order | None: ...
    async def orders_of(self, customer_number: str) -> list[Order]: ...
    async def repairs_of(self, customer_number: str) -> list[Repair]: ...
    async def outages_at(self, postcode: str) -> list[Outage]: ...
    async def invoices_of(self, customer_number: str) -> list[Invoice]: ...
    async def documents_of(self, customer_number: str) -> list[Document]: ...
    async def change_address(
        self, customer_number: str, new: Address, moving_on: date
    ) -> Receipt: ...
    async def send_password_reset(self, customer_number: str) -> Receipt: ...
    async def cancel_subscription(
        self, customer_number: str, end_on: date, reason: str
    ) -> Receipt: ...
