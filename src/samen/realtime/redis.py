"""Redis pub/sub: every ``samen serve`` process on the same Redis hears every event."""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from samen.errors import SamenError

log = logging.getLogger(__name__)


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


class RedisTally:
    """Counts that every process on this Redis shares, for rate limits across workers.

    A fixed window per key (``INCR`` and ``EXPIRE`` in one round trip): a burst across a window
    edge may get up to twice the limit, which a limit against floods can afford. When Redis is
    unreachable the count is 0: a customer's message is not refused because a counter is down.
    """

    def __init__(self, url: str, prefix: str = "samen:tally:") -> None:
        self._redis = Redis.from_url(url)
        self._prefix = prefix

    def _key(self, key: str, window: float) -> str:
        return f"{self._prefix}{key}:{int(time.time() // window)}"

    async def add(self, key: str, window: float) -> int:
        name = self._key(key, window)
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.incr(name)
                pipe.expire(name, int(window) + 1)
                count, _ = await pipe.execute()
        except RedisError:
            log.warning("rate limit tally unavailable (Redis); not counting %s", key)
            return 0
        return int(count)

    async def count(self, key: str, window: float) -> int:
        try:
            value = await self._redis.get(self._key(key, window))
        except RedisError:
            return 0
        return int(value or 0)

    async def clear(self, key: str, window: float) -> None:
        with contextlib.suppress(RedisError):
            await self._redis.delete(self._key(key, window))

    async def close(self) -> None:
        await self._redis.aclose()
