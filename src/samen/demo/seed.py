"""The Polderlink demo data: a dozen customers with orders, repairs, invoices and outages.

Dates are relative to the day the demo is first started, so an order shipped "yesterday" is
still believable; everything else is fixed, so tests and the README can name it.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

AMS = ZoneInfo("Europe/Amsterdam")

# (number, name, email, phone, street, house, postcode, city, products, language)
CUSTOMERS: tuple[tuple[str, ...], ...] = (
    ("PL-104233", "Anna de Vries", "anna.devries@example.nl", "+31612345678", "Oudegracht", "112",
     "3511 AB", "Utrecht", "Glas 500|TV Basis", "nl"),
    ("PL-104871", "Mohamed El Amrani", "m.elamrani@example.com", "+31687654321", "Lijnbaan", "45",
     "3012 EL", "Rotterdam", "Glas 1000|TV Plus|Mobiel 30 GB", "nl"),
    ("PL-105002", "Sophie Jansen", "sophie.jansen@example.org", "+31623456789", "Kalverstraat", "10",
     "1012 NX", "Amsterdam", "Kabel 100", "en"),
    ("PL-103870", "Peter Bakker", "p.bakker@example.nl", "+31634567890", "Herestraat", "9",
     "9711 LA", "Groningen", "Glas 200|Mobiel 10 GB", "nl"),
    ("PL-106114", "Liam O'Connor", "liam.oconnor@example.com", "+31645678901", "Demer", "23",
     "5611 AS", "Eindhoven", "Glas 500|Mobiel Onbeperkt", "en"),
    ("PL-102559", "Fatma Yilmaz", "fatma.yilmaz@example.nl", "+31656789012", "Vredenburg", "40",
     "3511 BD", "Utrecht", "Glas 1000|TV Plus", "nl"),
    ("PL-107345", "Jan Visser", "jan.visser@example.nl", "+31667890123", "Marktstraat", "3a",
     "8011 AB", "Zwolle", "Kabel 100|TV Basis", "nl"),
    ("PL-108002", "Maria Kowalska", "maria.kowalska@example.com", "+31678901234", "Amstelveenseweg", "210",
     "1075 XR", "Amsterdam", "Glas 200", "en"),
)  # fmt: skip


def customers() -> list[dict[str, Any]]:
    keys = ("customer_number", "name", "email", "phone", "street", "house_number", "postcode",
            "city", "products", "language")  # fmt: skip
    return [dict(zip(keys, row, strict=True)) for row in CUSTOMERS]


def orders(today: date) -> list[dict[str, Any]]:
    d = lambda days: today + timedelta(days=days)  # noqa: E731
    return [
        dict(order_number="ORD-2026-004512", customer_number="PL-104233",
             items="Polderlink Box 6|TV-box 4K", status="shipped", ordered_on=d(-2),
             expected=d(1), carrier="PostNL", tracking="3SPLK004512NL", delivered_on=None),
        dict(order_number="ORD-2026-004388", customer_number="PL-104233", items="Wifi-booster",
             status="delivered", ordered_on=d(-14), expected=d(-12), carrier="PostNL",
             tracking="3SPLK004388NL", delivered_on=d(-12)),
        dict(order_number="ORD-2026-004601", customer_number="PL-104871", items="Simkaart Mobiel 30 GB",
             status="processing", ordered_on=d(-1), expected=d(2), carrier="PostNL",
             tracking=None, delivered_on=None),
        dict(order_number="ORD-2026-004733", customer_number="PL-105002", items="Polderlink Box 6",
             status="received", ordered_on=d(0), expected=d(1), carrier="PostNL", tracking=None,
             delivered_on=None),
        dict(order_number="ORD-2026-003990", customer_number="PL-106114", items="TV-box 4K",
             status="delivered", ordered_on=d(-30), expected=d(-29), carrier="PostNL",
             tracking="3SPLK003990NL", delivered_on=d(-29)),
        dict(order_number="ORD-2026-004650", customer_number="PL-102559", items="Wifi-booster|Netwerkkabel 5 m",
             status="shipped", ordered_on=d(-3), expected=d(0), carrier="DHL",
             tracking="JVGL0604650", delivered_on=None),
    ]  # fmt: skip


def repairs(today: date) -> list[dict[str, Any]]:
    at = lambda days, hour: datetime.combine(today + timedelta(days=days), time(hour), AMS)  # noqa: E731
    return [
        dict(reference="REP-2026-01877", customer_number="PL-104871", kind="technician_visit",
             status="planned", description="Glasvezelaansluiting (FTU) doormeten",
             appointment_start=at(3, 8), appointment_end=at(3, 12), updated_on=today - timedelta(days=1)),
        dict(reference="REP-2026-01790", customer_number="PL-104233", kind="device_repair",
             status="waiting_for_parts", description="TV-box 4K start niet op",
             appointment_start=None, appointment_end=None, updated_on=today - timedelta(days=2)),
        dict(reference="REP-2026-01655", customer_number="PL-107345", kind="technician_visit",
             status="completed", description="Kabelaansluiting vervangen",
             appointment_start=at(-5, 13), appointment_end=at(-5, 17), updated_on=today - timedelta(days=5)),
    ]  # fmt: skip


def outages(now: datetime) -> list[dict[str, Any]]:
    local = now.astimezone(AMS)
    start = local.replace(hour=7, minute=40, second=0, microsecond=0)
    if start > local:
        start -= timedelta(days=1)
    return [
        dict(reference="STR-2026-0412", postcodes="1012|1011|1013", services="internet|tv",
             started_at=start, expected_end=start + timedelta(hours=9),
             description=_both("Kabelbreuk bij graafwerkzaamheden in Amsterdam-Centrum",
                               "A cable cut during excavation work in Amsterdam city centre")),
        dict(reference="STR-2026-0415", postcodes="3512", services="tv",
             started_at=start + timedelta(hours=2), expected_end=start + timedelta(hours=6),
             description=_both("Onderhoud aan de tv-zender in Utrecht-Oost",
                               "Maintenance on the TV transmitter in Utrecht-Oost")),
    ]  # fmt: skip


def _both(dutch: str, english: str) -> str:
    return json.dumps({"nl": dutch, "en": english}, ensure_ascii=False)


def invoices(today: date) -> list[dict[str, Any]]:
    first = today.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    return [
        dict(number="F-2026-0081234", customer_number="PL-104233", issued_on=first, amount="67.45",
             status="open", lines="Glas 500 (abonnement)=52.95|TV Basis=12.50|Extra bundel 2 GB=5.00|Bundelkorting=-3.00"),
        dict(number="F-2026-0079120", customer_number="PL-104233", issued_on=previous, amount="62.45",
             status="paid", lines="Glas 500 (abonnement)=52.95|TV Basis=12.50|Bundelkorting=-3.00"),
        dict(number="F-2026-0081501", customer_number="PL-103870", issued_on=first, amount="128.90",
             status="open", lines="Glas 200 (abonnement)=44.95|Mobiel 10 GB=14.50|Installatie monteur=75.00|Bundelkorting=-5.55"),
        dict(number="F-2026-0081777", customer_number="PL-104871", issued_on=first, amount="95.40",
             status="open", lines="Glas 1000 (abonnement)=62.95|TV Plus=19.95|Mobiel 30 GB=19.50|Bundelkorting=-7.00"),
        dict(number="F-2026-0081802", customer_number="PL-105002", issued_on=first, amount="39.95",
             status="overdue", lines="Kabel 100 (abonnement)=39.95"),
    ]  # fmt: skip
