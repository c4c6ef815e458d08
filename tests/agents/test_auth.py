"""Accounts: Argon2 passwords, sessions, CSRF tokens, login throttling, API keys."""

from __future__ import annotations

import pytest

from samen.agents.auth import digest
from samen.agents.models import Presence
from samen.errors import BadRequest, RateLimited, Unauthorized

PASSWORD = "polderlink-demo"


async def test_that_passwords_are_stored_as_argon2id_hashes(person):
    sanne = await person("sanne")
    assert sanne.password_hash.startswith("$argon2id$")
    assert PASSWORD not in sanne.password_hash


async def test_that_a_login_opens_a_session_that_the_database_only_knows_by_hash(agents):
    user, token = await agents.auth.login("Sanne@Polderlink.example ", PASSWORD)
    assert user.presence is Presence.AVAILABLE
    assert await agents.people.get_session(token) is None
    assert await agents.people.get_session(digest(token)) is not None
    assert (await agents.auth.session_user(token)).id == user.id


async def test_that_a_wrong_password_and_an_unknown_address_get_the_same_answer(agents):
    with pytest.raises(Unauthorized) as wrong:
        await agents.auth.login("sanne@polderlink.example", "not-the-password")
    with pytest.raises(Unauthorized) as unknown:
        await agents.auth.login("nobody@polderlink.example", "not-the-password")
    assert (wrong.value.code, wrong.value.message) == (unknown.value.code, unknown.value.message)


async def test_that_after_five_failures_even_the_right_password_waits(agents, clock):
    for _ in range(5):
        with pytest.raises(Unauthorized):
            await agents.auth.login(
                "sanne@polderlink.example", "guess-guess-guess", client="203.0.113.9"
            )
    with pytest.raises(RateLimited):
        await agents.auth.login("sanne@polderlink.example", PASSWORD, client="198.51.100.1")
    clock.advance(minutes=16)
    user, _ = await agents.auth.login("sanne@polderlink.example", PASSWORD)
    assert user.email == "sanne@polderlink.example"


async def test_that_a_session_ends_after_a_working_day_and_at_logout(agents, clock):
    user, token = await agents.auth.login("daan@polderlink.example", PASSWORD)
    clock.advance(hours=12, seconds=1)
    with pytest.raises(Unauthorized):
        await agents.auth.session_user(token)
    user, token = await agents.auth.login("daan@polderlink.example", PASSWORD)
    await agents.auth.logout(token, user)
    with pytest.raises(Unauthorized):
        await agents.auth.session_user(token)
    assert (await agents.people.get_user(user.id)).presence is Presence.OFFLINE


async def test_that_the_csrf_token_belongs_to_one_session(agents):
    _, first = await agents.auth.login("daan@polderlink.example", PASSWORD)
    _, second = await agents.auth.login("daan@polderlink.example", PASSWORD)
    assert agents.auth.csrf_ok(first, agents.auth.csrf_token(first))
    assert not agents.auth.csrf_ok(first, agents.auth.csrf_token(second))
    assert not agents.auth.csrf_ok(first, "")


async def test_that_an_api_key_is_shown_once_kept_as_a_hash_and_can_be_revoked(agents, person):
    noor = await person("noor")
    key, plain = await agents.auth.create_key(noor, "CRM sync")
    assert plain.startswith("sk_") and key.key_hash == digest(plain) and plain not in repr(key)
    assert (await agents.auth.key_user(plain)).id == noor.id
    with pytest.raises(Unauthorized):
        await agents.auth.key_user(plain[:-2] + "xx")
    await agents.auth.revoke_key(noor, key.id)
    with pytest.raises(Unauthorized):
        await agents.auth.key_user(plain)


async def test_that_the_demo_users_are_created_once(agents):
    from samen.demo.users import DEMO_USERS

    assert await agents.directory.ensure(DEMO_USERS) == []
    people = await agents.people.list_users()
    assert sorted(p.email for p in people) == sorted(u.email for u in DEMO_USERS)


async def test_that_a_new_person_needs_a_real_password_and_known_queues(agents):
    with pytest.raises(BadRequest) as weak:
        await agents.directory.add("new@polderlink.example", name="Nieuw", password="kort")
    assert weak.value.code == "weak_password"
    with pytest.raises(BadRequest) as unknown:
        await agents.directory.add(
            "new@polderlink.example", name="Nieuw", queues=["verkoop"], password=PASSWORD
        )
    assert unknown.value.code == "unknown_queue"
