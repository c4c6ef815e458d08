"""Live events: the WebSocket stream, restarts, and two server processes acting as one."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
import websockets

from samen.bootstrap import Container, build
from samen.web.app import create_app

REDIS_URL = os.environ.get("SAMEN_TEST_REDIS", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def live(container: Container) -> AsyncIterator[str]:
    """The app on a real port in this event loop."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    yield f"127.0.0.1:{port}"
    server.should_exit = True
    await task


async def start(base: str) -> dict:
    async with httpx.AsyncClient(base_url=f"http://{base}") as http:
        response = await http.post("/api/v1/conversations", json={"channel": "web"})
        return response.json()


async def post(base: str, conversation: dict, text: str) -> dict:
    async with httpx.AsyncClient(base_url=f"http://{base}", timeout=30) as http:
        response = await http.post(
            f"/api/v1/conversations/{conversation['id']}/messages",
            json={"text": text},
            headers={"Authorization": f"Bearer {conversation['token']}"},
        )
        assert response.status_code == 201, response.text
        return response.json()


async def next_message(ws: websockets.ClientConnection, sender: str) -> dict:
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), timeout=20))
        if event["type"] == "message" and event["message"]["sender"] == sender:
            return event["message"]


async def test_that_the_customer_and_the_bot_reply_arrive_live_on_the_stream(live):
    c = await start(live)
    async with websockets.connect(
        f"ws://{live}/api/v1/conversations/{c['id']}/stream?token={c['token']}"
    ) as ws:
        assert json.loads(await ws.recv())["type"] == "ready"
        await post(live, c, "hallo daar")
        assert (await next_message(ws, "customer"))["text"] == "hallo daar"
        assert (await next_message(ws, "bot"))["text"] == "echo: hallo daar"


async def test_that_a_wrong_token_closes_the_stream_without_saying_why(live):
    c = await start(live)
    with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
        async with websockets.connect(
            f"ws://{live}/api/v1/conversations/{c['id']}/stream?token=nope"
        ) as ws:
            await ws.recv()
    assert closed.value.rcvd.code == 4404


async def test_that_typing_is_passed_on_to_the_other_side(live, container):
    c = await start(live)
    async with websockets.connect(
        f"ws://{live}/api/v1/conversations/{c['id']}/stream?token={c['token']}"
    ) as ws:
        await ws.recv()
        await container.conversations.typing(c["id"], "agent", True, "Sanne")
        event = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
    assert event == {"type": "typing", "sender": "agent", "typing": True, "name": "Sanne"}


@pytest.mark.parametrize(
    "frame", ["this is not json", '{"type": ', "[1, 2]", "null", b"\x00\xff binary"]
)
async def test_that_a_frame_that_is_not_json_gets_an_error_frame_and_the_stream_stays_open(
    live, frame
):
    c = await start(live)
    async with websockets.connect(
        f"ws://{live}/api/v1/conversations/{c['id']}/stream?token={c['token']}"
    ) as ws:
        assert json.loads(await ws.recv())["type"] == "ready"
        await ws.send(frame)
        event = json.loads(await asyncio.wait_for(ws.recv(), timeout=20))
        assert event["type"] == "error"
        assert event["error"]["code"] == "invalid_frame"
        assert "JSON" in event["error"]["message"]

        await post(live, c, "nog steeds hier")
        assert (await next_message(ws, "customer"))["text"] == "nog steeds hier"


async def test_that_the_console_feed_also_answers_a_frame_that_is_not_json_and_stays_open(live):
    async with httpx.AsyncClient(base_url=f"http://{live}") as http:
        login = await http.post(
            "/api/v1/agent/session",
            json={"email": "sanne@polderlink.example", "password": "polderlink-demo"},
        )
        assert login.status_code == 200, login.text
        cookie = f"samen_session={http.cookies['samen_session']}"
    async with websockets.connect(
        f"ws://{live}/console/live", additional_headers={"Cookie": cookie}
    ) as ws:
        assert json.loads(await ws.recv())["type"] == "ready"
        await ws.send("ping?")
        event = json.loads(await asyncio.wait_for(ws.recv(), timeout=20))
        assert event["type"] == "error" and event["error"]["code"] == "invalid_frame"
        await ws.send(json.dumps({"type": "ping"}))
        await ws.send(b"\xff")
        event = json.loads(await asyncio.wait_for(ws.recv(), timeout=20))
        assert event["type"] == "error" and event["error"]["code"] == "invalid_frame"


async def test_that_every_conversation_and_message_survives_a_restart(settings, echo, clock):
    first = await build(settings, handler=echo, clock=clock)
    conversation, token, _ = await first.conversations.start("web", [])
    for text in ("een", "twee"):
        await first.conversations.receive(conversation.id, text)
    await first.aclose()

    again = await build(settings, handler=echo, clock=clock)
    try:
        transport = httpx.ASGITransport(app=create_app(again))
        async with httpx.AsyncClient(transport=transport, base_url="http://samen.test") as http:
            response = await http.get(
                f"/api/v1/conversations/{conversation.id}",
                headers={"Authorization": f"Bearer {token}"},
            )
        texts = [m["text"] for m in response.json()["messages"]]
        assert texts[1:] == ["een", "echo: een", "twee", "echo: twee"]
    finally:
        await again.aclose()


@pytest.mark.postgres
@pytest.mark.redis
async def test_that_two_server_processes_on_postgres_and_redis_behave_as_one(
    pg_database, demo_models_dir, tmp_path
):
    ports = [free_port(), free_port()]
    env = shared_env(pg_database, demo_models_dir, tmp_path)
    samen = str(Path(sys.executable).parent / "samen")
    processes = [
        subprocess.Popen(
            [samen, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        a, b = (f"127.0.0.1:{port}" for port in ports)
        for base in (a, b):
            await wait_until_up(base, processes)
        c = await start(a)
        async with websockets.connect(
            f"ws://{b}/api/v1/conversations/{c['id']}/stream?token={c['token']}"
        ) as ws:
            assert json.loads(await ws.recv())["type"] == "ready"
            await post(a, c, "waar is bestelling ORD-2026-004512")
            assert (await next_message(ws, "customer"))[
                "text"
            ] == "waar is bestelling ORD-2026-004512"
            assert "ORD-2026-004512" in (await next_message(ws, "bot"))["text"]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


async def wait_until_up(base: str, processes: list[subprocess.Popen[bytes]]) -> None:
    async with httpx.AsyncClient(base_url=f"http://{base}") as http:
        for _ in range(600):
            for process in processes:
                if process.poll() is not None:
                    raise AssertionError(
                        process.stderr.read().decode() if process.stderr else "exited"
                    )
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get("/api/v1/health")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise AssertionError(f"{base} did not start")


@pytest.mark.postgres
@pytest.mark.redis
async def test_that_serve_with_two_workers_answers_on_one_port_as_one_system(
    pg_database, demo_models_dir, tmp_path
):
    port = free_port()
    env = shared_env(pg_database, demo_models_dir, tmp_path)
    parent = serve_with_workers(port, 2, env)
    base = f"127.0.0.1:{port}"
    try:
        await wait_until_up(base, [parent])
        assert len(workers_of(parent.pid)) == 1  # the parent serves too
        c = await start(base)
        async with websockets.connect(
            f"ws://{base}/api/v1/conversations/{c['id']}/stream?token={c['token']}"
        ) as ws:
            assert json.loads(await ws.recv())["type"] == "ready"
            for _ in range(4):  # a new connection each time: the kernel picks the worker
                answer = await post(base, c, "waar is bestelling ORD-2026-004512")
                assert "ORD-2026-004512" in answer["replies"][0]["text"]
                assert "ORD-2026-004512" in (await next_message(ws, "bot"))["text"]
    finally:
        parent.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            parent.wait(timeout=20)
    assert not workers_of(parent.pid)  # the workers stop with the parent


def test_that_several_workers_are_refused_on_the_embedded_database(tmp_path):
    from typer.testing import CliRunner

    from samen.cli.main import app

    result = CliRunner().invoke(
        app, ["serve", "--workers", "2"], env={"SAMEN_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output


def serve_with_workers(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``samen serve --workers N`` in a process of its own; its errors on its stderr."""
    samen = str(Path(sys.executable).parent / "samen")
    return subprocess.Popen(
        [samen, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def workers_of(pid: int) -> list[int]:
    """The serving processes ``pid`` started (not the parse processes each server starts)."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                command = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
                if int(stat[1]) == pid and stat[0] != "Z" and b"serve" in command:
                    children.append(int(entry))
    return children


def shared_env(pg_database: str, models: Path, tmp_path: Path) -> dict[str, str]:
    """Server processes sharing one PostgreSQL database and Redis."""
    return {
        **os.environ,
        "SAMEN_DATABASE_URL": pg_database,
        "SAMEN_REDIS_URL": REDIS_URL,
        "SAMEN_MODELS_DIR": str(models),
        "SAMEN_DATA_DIR": str(tmp_path / "data"),
        "SAMEN_SECRET_KEY": "shared-secret",
    }


@pytest.mark.postgres
@pytest.mark.redis
async def test_that_every_worker_listens_on_the_one_smtp_port_and_each_mail_is_stored_once(
    pg_database, demo_models_dir, tmp_path
):
    port, smtp_port = free_port(), free_port()
    env = {
        **shared_env(pg_database, demo_models_dir, tmp_path),
        "SAMEN_EMAIL_INBOUND_PORT": str(smtp_port),
        "SAMEN_EMAIL_ADDRESS": "klantenservice@polderlink.nl",
        "SAMEN_PARSE_PROCESS": "0",  # not what this is about; halves the start
    }
    parent = serve_with_workers(port, 2, env)
    try:
        await wait_until_up(f"127.0.0.1:{port}", [parent])
        [worker] = workers_of(parent.pid)
        await wait_until_listening(smtp_port, {parent.pid, worker}, [parent])
        senders = [f"klant{n}@{uuid.uuid4().hex[:12]}.example" for n in range(6)]
        stored = await asyncio.to_thread(send_mails, smtp_port, senders)
        assert len(set(stored)) == len(senders)  # each answered with its own inbox id
        assert await inbox_rows(pg_database, senders) == dict.fromkeys(senders, 1)
        assert parent.poll() is None and workers_of(parent.pid) == [worker]  # both still serve
    finally:
        parent.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            parent.wait(timeout=20)


async def wait_until_listening(
    port: int, pids: set[int], processes: list[subprocess.Popen[bytes]]
) -> None:
    """Until each of ``pids`` listens on ``port`` (its server has started its e-mail)."""
    for _ in range(600):
        if pids <= listening_on(port):
            return
        if gone := [pid for pid in pids if not alive(pid)]:
            raise AssertionError(f"{gone} exited before listening on {port}")
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read().decode() if process.stderr else "")
        await asyncio.sleep(0.1)
    raise AssertionError(f"not all of {pids} listen on {port}: {listening_on(port)}")


def alive(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


def listening_on(port: int) -> set[int]:
    """The processes with a socket listening on ``port`` (Linux's /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                    inodes.add(f"socket:[{fields[9]}]")
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if any(os.readlink(f) in inodes for f in Path(f"/proc/{entry}/fd").iterdir()):
                    pids.add(int(entry))
    return pids


def send_mails(port: int, senders: list[str]) -> list[str]:
    """A mail from each sender, a connection each (the kernel picks the worker); what each
    server said it stored it as."""
    import smtplib
    from email.message import EmailMessage

    stored = []
    for n, sender in enumerate(senders):
        mail = EmailMessage()
        mail["From"] = sender
        mail["To"] = "klantenservice@polderlink.nl"
        mail["Subject"] = f"Vraag {n}"
        mail.set_content("Wanneer wordt mijn bestelling ORD-2026-004512 bezorgd?")
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.ehlo()
            smtp.mail(sender)
            smtp.rcpt(mail["To"])
            code, answer = smtp.data(mail.as_bytes())
        assert code == 250, answer
        stored.append(answer.decode().rpartition(" ")[2])
    return stored


async def inbox_rows(database: str, senders: list[str]) -> dict[str, int]:
    """How many times the mail of each sender is stored."""
    import asyncpg

    conn = await asyncpg.connect(database)
    try:
        rows = await conn.fetch(
            "SELECT envelope_from, count(*) AS n FROM email_inbox "
            "WHERE envelope_from = ANY($1::text[]) GROUP BY envelope_from",
            senders,
        )
    finally:
        await conn.close()
    return {row["envelope_from"]: row["n"] for row in rows}
