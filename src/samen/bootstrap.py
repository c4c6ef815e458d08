"""The composition root: settings → adapters → services. Nothing is built at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from samen.channels.registry import ChannelRegistry
from samen.clock import Clock, SystemClock
from samen.conversations.handler import ConversationHandler
from samen.conversations.service import ConversationService
from samen.realtime.memory import InProcessBroker
from samen.realtime.ports import Broker
from samen.settings import Settings
from samen.storage.database import create_engine, upgrade
from samen.storage.repositories import SqlStore
from samen.tenant import Tenant

log = logging.getLogger(__name__)


@dataclass
class Container:
    settings: Settings
    tenant: Tenant
    clock: Clock
    store: SqlStore
    broker: Broker
    channels: ChannelRegistry
    conversations: ConversationService
    extras: dict[str, Any] = field(default_factory=dict)

    async def aclose(self) -> None:
        for closer in reversed(self.extras.get("closers", [])):
            await closer()
        await self.broker.close()
        await self.store.engine.dispose()


def make_broker(settings: Settings) -> Broker:
    if settings.redis_url:
        from samen.realtime.redis import RedisBroker

        return RedisBroker(settings.redis_url)
    return InProcessBroker()


async def build(
    settings: Settings,
    *,
    handler: ConversationHandler | None = None,
    clock: Clock | None = None,
    migrate: bool = True,
) -> Container:
    """Build every service from settings. ``handler`` replaces the brain (tests use a fake)."""
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tenant = Tenant.load(settings.tenant_dir)
    engine = create_engine(settings.effective_database_url)
    if migrate:
        await upgrade(engine)
    store = SqlStore(engine)
    broker = make_broker(settings)
    channels = ChannelRegistry()
    if handler is None:
        from samen.brain import build_brain

        handler = await build_brain(settings, tenant, store, clock)
    conversations = ConversationService(
        store,
        handler,
        broker,
        channels,
        clock,
        message_rate=(settings.messages_per_window, settings.message_window_seconds),
    )
    return Container(settings, tenant, clock, store, broker, channels, conversations)
