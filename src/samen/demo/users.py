"""The Polderlink demo's people, created when the demo starts (their logins are printed then).

Sanne and Noor share billing; Daan is the technical service; Eva supervises everything.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "polderlink-demo"


@dataclass(frozen=True, slots=True)
class DemoUser:
    email: str
    name: str
    role: str
    queues: tuple[str, ...]
    capacity: int = 3
    password: str = DEMO_PASSWORD


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("sanne@polderlink.example", "Sanne de Boer", "agent", ("care", "billing")),
    DemoUser("daan@polderlink.example", "Daan Mulder", "agent", ("tech",)),
    DemoUser("noor@polderlink.example", "Noor Hendriks", "agent", ("billing", "sales")),
    DemoUser("eva@polderlink.example", "Eva Kuipers", "supervisor", ("care",), capacity=2),
    DemoUser("beheer@polderlink.example", "Beheer Polderlink", "admin", ()),
)
