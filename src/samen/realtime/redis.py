"""Redis pub/sub: every ``samen serve`` process on the same Redis hears every event."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from samen.errors import SamenError


class RealtimeUnavailable(SamenError):
    code = "realtime_unavailable"
    http_status = 503


class RedisBroker:
    def __init__(self, url: str, prefix: str = "samen:") -> None:
        self._redis = Redis.from_url(url)
        self._prefix = prefix

    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        try:
            await self._redis.publish(self._prefix + channel, json.dumps(event, default=str))
        except RedisError as exc:
            raise RealtimeUnavailable(
                message="The realtime service (Redis) is unreachable."
            ) from exc

    @asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(*(self._prefix + c for c in channels))
        try:
            yield self._listen(pubsub)
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()

    @staticmethod
    async def _listen(pubsub: Any) -> AsyncIterator[dict[str, Any]]:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                yield json.loads(message["data"])

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    async def close(self) -> None:
        await self._redis.aclose()
