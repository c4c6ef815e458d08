"""Polderlink's own systems, for the demo: the connector implemented over its own tables.

This stands in for a company's CRM and order system; it keeps its own tables (``demo_*``),
created and filled on first start, apart from Samen's schema and migrations.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from samen.bot.connectors import (
    Address,
    CustomerRecord,
    Document,
    Invoice,
    Order,
    Outage,
    Receipt,
    Repair,
)
from samen.bot.formats import mask_email
from samen.clock import Clock
from samen.demo import seed
from samen.demo.documents import DocumentFile, DocumentLinks, contract_file, invoice_file
from samen.storage.database import lock_schema
from samen.storage.tables import UtcDateTime

CONTRACT_START = date(2025, 3, 1)  # every demo customer's current contract began then
demo_metadata = MetaData()
customers = Table(
    "demo_customers",
    demo_metadata,
    Column("customer_number", String(20), primary_key=True),
    Column("name", String(200)),
    Column("email", String(200)),
    Column("phone", String(30)),
    Column("street", String(200)),
    Column("house_number", String(20)),
    Column("postcode", String(10)),
    Column("city", String(100)),
    Column("products", String(300)),
    Column("language", String(5)),
    Column("status", String(20), default="active"),
    Column("contract_end", Date),
)
orders = Table(
    "demo_orders",
    demo_metadata,
    Column("order_number", String(20), primary_key=True),
    Column("customer_number", String(20)),
    Column("items", String(300)),
    Column("status", String(20)),
    Column("ordered_on", Date),
    Column("expected", Date),
    Column("carrier", String(30)),
    Column("tracking", String(40)),
    Column("delivered_on", Date),
)
repairs = Table(
    "demo_repairs",
    demo_metadata,
    Column("reference", String(20), primary_key=True),
    Column("customer_number", String(20)),
    Column("kind", String(30)),
    Column("status", String(30)),
    Column("description", String(300)),
    Column("appointment_start", UtcDateTime),
    Column("appointment_end", UtcDateTime),
    Column("updated_on", Date),
)
outages = Table(
    "demo_outages",
    demo_metadata,
    Column("reference", String(20), primary_key=True),
    Column("postcodes", String(200)),
    Column("services", String(100)),
    Column("started_at", UtcDateTime),
    Column("expected_end", UtcDateTime),
    Column("description", String(300)),
)
invoices = Table(
    "demo_invoices",
    demo_metadata,
    Column("number", String(20), primary_key=True),
    Column("customer_number", String(20)),
    Column("issued_on", Date),
    Column("amount", String(20)),
    Column("status", String(20)),
    Column("lines", Text),
)
changes = Table(
    "demo_changes",
    demo_metadata,
    Column("reference", String(20), primary_key=True),
    Column("customer_number", String(20)),
    Column("kind", String(30)),
    Column("details", Text),
    Column("created_at", UtcDateTime),
)


class DemoBackend:
    def __init__(self, engine: AsyncEngine, clock: Clock, base_url: str, secret: str) -> None:
        self.engine = engine
        self.clock = clock
        self.base_url = base_url.rstrip("/")
        self.links = DocumentLinks(secret, clock, base_url)

    async def prepare(self) -> None:
        """Create the demo tables and fill them once."""
        async with self.engine.begin() as conn:
            await lock_schema(conn)
            await conn.run_sync(demo_metadata.create_all)
            if (await conn.execute(select(func.count()).select_from(customers))).scalar_one():
                return
            now = self.clock.now()
            today = now.astimezone(seed.AMS).date()
            await conn.execute(
                insert(customers), [{**c, "status": "active"} for c in seed.customers()]
            )
            await conn.execute(insert(orders), seed.orders(today))
            await conn.execute(insert(repairs), seed.repairs(today))
            await conn.execute(insert(outages), seed.outages(now))
            await conn.execute(insert(invoices), seed.invoices(today))

    async def _one(self, query: Any) -> Any:
        async with self.engine.connect() as conn:
            return (await conn.execute(query)).first()

    async def _all(self, query: Any) -> list[Any]:
        async with self.engine.connect() as conn:
            return list(await conn.execute(query))

    # lookups ------------------------------------------------------------------------------
    async def find_customer(
        self,
        *,
        customer_number: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> CustomerRecord | None:
        query = select(customers)
        if customer_number:
            query = query.where(customers.c.customer_number == customer_number.upper())
        elif email:
            query = query.where(func.lower(customers.c.email) == email.lower())
        elif phone:
            query = query.where(customers.c.phone == phone)
        else:
            return None
        row = await self._one(query)
        return _customer(row) if row else None

    async def verify(self, customer_number: str, postcode: str) -> CustomerRecord | None:
        customer = await self.find_customer(customer_number=customer_number)
        wanted = postcode.replace(" ", "").upper()
        if customer and customer.address.postcode.replace(" ", "").upper() == wanted:
            return customer
        return None

    async def order(self, order_number: str) -> Order | None:
        row = await self._one(select(orders).where(orders.c.order_number == order_number.upper()))
        return _order(row) if row else None

    async def orders_of(self, customer_number: str) -> list[Order]:
        rows = await self._all(
            select(orders)
            .where(orders.c.customer_number == customer_number)
            .order_by(orders.c.ordered_on.desc())
        )
        return [_order(r) for r in rows]

    async def repairs_of(self, customer_number: str) -> list[Repair]:
        rows = await self._all(select(repairs).where(repairs.c.customer_number == customer_number))
        return [
            Repair(
                r.reference,
                r.customer_number,
                r.kind,
                r.status,
                r.description,
                r.appointment_start,
                r.appointment_end,
                r.updated_on,
            )
            for r in rows
        ]

    async def outages_at(self, postcode: str) -> list[Outage]:
        digits = postcode.replace(" ", "")[:4]
        now = self.clock.now()
        found = []
        for r in await self._all(select(outages)):
            if digits in r.postcodes.split("|") and (
                r.expected_end is None or r.expected_end > now
            ):
                found.append(
                    Outage(
                        r.reference,
                        tuple(r.postcodes.split("|")),
                        tuple(r.services.split("|")),
                        r.started_at,
                        r.expected_end,
                        *_described(r.description),
                    )
                )
        return found

    async def invoices_of(self, customer_number: str) -> list[Invoice]:
        rows = await self._all(
            select(invoices)
            .where(invoices.c.customer_number == customer_number)
            .order_by(invoices.c.issued_on.desc())
        )
        return [
            Invoice(
                r.number,
                r.customer_number,
                r.issued_on,
                r.amount,
                r.status,
                tuple(tuple(line.split("=", 1)) for line in r.lines.split("|")),
            )
            for r in rows
        ]

    async def documents_of(self, customer_number: str) -> list[Document]:
        documents = [
            Document(
                f"inv-{i.number}",
                customer_number,
                "invoice",
                f"Factuur {i.number}",
                i.issued_on,
                self.links.url(f"inv-{i.number}"),
                reference=i.number,
            )
            for i in await self.invoices_of(customer_number)
        ]
        documents.append(
            Document(
                f"contract-{customer_number}",
                customer_number,
                "contract",
                "Contract en algemene voorwaarden",
                CONTRACT_START,
                self.links.url(f"contract-{customer_number}"),
            )
        )
        return documents

    async def document_file(self, document_id: str) -> DocumentFile | None:
        """The file behind a document link (checked with ``self.links`` first)."""
        kind, _, key = document_id.partition("-")
        if kind == "inv":
            row = await self._one(
                select(invoices.c.customer_number).where(invoices.c.number == key)
            )
            customer = await self.find_customer(customer_number=row[0]) if row else None
            if customer is None:
                return None
            mine = await self.invoices_of(customer.customer_number)
            invoice = next((i for i in mine if i.number == key), None)
            return invoice_file(invoice, customer) if invoice else None
        if kind == "contract":
            customer = await self.find_customer(customer_number=key)
            return contract_file(customer, CONTRACT_START) if customer else None
        return None

    # changes ------------------------------------------------------------------------------
    async def _record(self, customer_number: str, kind: str, details: str) -> str:
        reference = f"WZG-{secrets.randbelow(900000) + 100000}"
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(changes).values(
                    reference=reference,
                    customer_number=customer_number,
                    kind=kind,
                    details=details,
                    created_at=datetime.now(UTC),
                )
            )
        return reference

    async def change_address(self, customer_number: str, new: Address, moving_on: date) -> Receipt:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(customers)
                .where(customers.c.customer_number == customer_number)
                .values(
                    street=new.street,
                    house_number=new.house_number,
                    postcode=new.postcode,
                    city=new.city,
                )
            )
        reference = await self._record(customer_number, "address", f"{new.line()} per {moving_on}")
        return Receipt(
            reference,
            f"{new.line()} per {moving_on.isoformat()}",
            {"address": new.line(), "moving_on": moving_on.isoformat()},
        )

    async def send_password_reset(self, customer_number: str) -> Receipt:
        customer = await self.find_customer(customer_number=customer_number)
        if customer is None:
            raise LookupError(customer_number)
        reference = await self._record(customer_number, "password_reset", customer.email)
        return Receipt(reference, mask_email(customer.email), {"email": mask_email(customer.email)})

    async def cancel_subscription(self, customer_number: str, end_on: date, reason: str) -> Receipt:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(customers)
                .where(customers.c.customer_number == customer_number)
                .values(status="cancelling", contract_end=end_on)
            )
        reference = await self._record(customer_number, "cancellation", f"{end_on} {reason}")
        return Receipt(reference, end_on.isoformat(), {"end_on": end_on.isoformat()})


def _described(stored: str) -> tuple[str, dict[str, str]]:
    """The outage system's text: Dutch, or {"nl": ..., "en": ...} where it has both."""
    if stored.startswith("{"):
        texts = json.loads(stored)
        return texts["nl"], {k: v for k, v in texts.items() if k != "nl"}
    return stored, {}


def _customer(row: Any) -> CustomerRecord:
    return CustomerRecord(
        customer_number=row.customer_number,
        name=row.name,
        email=row.email,
        phone=row.phone,
        address=Address(row.street, row.house_number, row.postcode, row.city),
        products=tuple(row.products.split("|")) if row.products else (),
        language=row.language or "nl",
    )


def _order(row: Any) -> Order:
    return Order(
        row.order_number,
        row.customer_number,
        tuple(row.items.split("|")),
        row.status,
        row.ordered_on,
        row.expected,
        row.carrier,
        row.tracking,
        row.delivered_on,
    )


async def connect(settings: Any, engine: AsyncEngine, clock: Clock) -> DemoBackend:
    """The tenant's ``connector:`` entry point: build the demo backend and fill its tables."""
    backend = DemoBackend(engine, clock, settings.base_url, settings.resolved_secret_key())
    await backend.prepare()
    return backend
