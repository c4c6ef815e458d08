"""Rate limits: per process without Redis, shared by every server process with it."""

from __future__ import annotations

import os
import uuid

import pytest

from samen.agents.auth import LoginThrottle
from samen.conversations.limits import MemoryTally, RateLimit
from samen.errors import RateLimited
from samen.realtime.redis import RedisTally

REDIS_URL = os.environ.get("SAMEN_TEST_REDIS", "redis://127.0.0.1:6379/0")


def messages(tally) -> RateLimit:
    return RateLimit(tally, 3, 10.0, "rate_limited", "Too many messages")


async def test_that_a_conversation_may_send_up_to_its_limit_and_is_then_told_to_wait():
    limit = messages(MemoryTally())
    for _ in range(3):
        await limit.hit("c1")
    with pytest.raises(RateLimited) as refused:
        await limit.hit("c1")
    assert refused.value.fields["retry_after"] == 10.0
    await limit.hit("c2")  # another conversation has its own count


async def test_that_the_window_slides_on():
    now = [0.0]
    limit = messages(MemoryTally(lambda: now[0]))
    for _ in range(3):
        await limit.hit("c1")
    now[0] = 10.5
    await limit.hit("c1")


@pytest.mark.redis
async def test_that_two_server_processes_on_one_redis_share_a_conversations_limit():
    first, second = RedisTally(REDIS_URL), RedisTally(REDIS_URL)  # as two workers have
    key = f"c-{uuid.uuid4().hex}"
    try:
        await messages(first).hit(key)
        await messages(second).hit(key)
        await messages(first).hit(key)
        with pytest.raises(RateLimited):
            await messages(second).hit(key)
    finally:
        await first.close()
        await second.close()


@pytest.mark.redis
async def test_that_failed_logins_count_across_processes_and_a_success_clears_them():
    first, second = RedisTally(REDIS_URL), RedisTally(REDIS_URL)
    email = f"{uuid.uuid4().hex}@polderlink.example"
    one, other = LoginThrottle(first, per_email=2), LoginThrottle(second, per_email=2)
    try:
        await one.failed(email, "203.0.113.7")
        await other.check(email, "198.51.100.2")  # one failure: still allowed
        await other.failed(email, "198.51.100.2")
        with pytest.raises(RateLimited):
            await one.check(email, "192.0.2.1")
        await one.succeeded(email)
        await other.check(email, "192.0.2.1")
    finally:
        await first.close()
        await second.close()


async def test_that_a_lost_redis_does_not_refuse_customers():
    unreachable = RedisTally("redis://127.0.0.1:1/0")
    try:
        for _ in range(5):
            await messages(unreachable).hit("c1")
    finally:
        await unreachable.close()
