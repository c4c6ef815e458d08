"""Message round trip through a real server: POST a customer message → the answer comes back.

    python -m bench.roundtrip [--rates 25,50,100,200] [--seconds 10] [--setups sqlite,postgres,postgres-2]

Starts `samen serve` (the real handler: understanding, routing, bot) in its own process(es),
opens conversations, then sends customer messages at a fixed rate (open loop: a slow answer
does not slow the sender down) and measures each request's latency, and the CPU time the
server processes spent per answered message (a figure the noisy machine disturbs less).
Setups: `sqlite` and `postgres` run one worker; `postgres-2` runs `--workers 2` with Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import uvloop

from bench.loadgen import Client
from bench.results import percentile, record
from samen.nlu.training_data import load_many

ROOT = Path(__file__).parents[1]
DEMO_NLU = ROOT / "src" / "samen" / "demo" / "nlu"
PG_ADMIN = os.environ.get("SAMEN_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_up(base: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(3000):
            if process.poll() is not None:
                raise SystemExit("the server exited")
            try:
                if (await http.get("/api/v1/health")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the server did not start")


async def load(base: str, rate: float, seconds: float, texts: list[str]) -> dict[str, float]:
    host, port = base.removeprefix("http://").split(":")
    http = Client(host, int(port))
    conversations = []
    for _ in range(int(rate * 1.5)):
        status, body = await http.post("/api/v1/conversations", {"channel": "web", "locale": "nl"})
        assert status == 201, body
        conversations.append(json.loads(body))
    latencies: list[float] = []
    errors = 0
    kinds: Counter[str] = Counter()

    async def send(conversation: dict, text: str) -> None:
        nonlocal errors
        started = time.perf_counter()
        try:
            status, _ = await asyncio.wait_for(
                http.post(
                    f"/api/v1/conversations/{conversation['id']}/messages",
                    {"text": text},
                    token=conversation["token"],
                ),
                timeout=60,
            )
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
            errors += 1
            kinds[type(error).__name__] += 1
            return
        if status != 201:
            errors += 1
            kinds[f"HTTP {status}"] += 1
            return
        latencies.append((time.perf_counter() - started) * 1000)

    tasks = []
    total = int(rate * seconds)
    started = time.perf_counter()
    cpu = time.process_time()
    for i in range(total):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(
            asyncio.create_task(send(conversations[i % len(conversations)], random.choice(texts)))
        )
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    await http.close()
    if kinds:
        print("errors:", dict(kinds), flush=True)
    return {
        "sent": total,
        "ok": len(latencies),
        "errors": errors,
        "throughput": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "load_cpu_ms": (time.process_time() - cpu) * 1000 / max(1, total),
    }


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its descendants (workers, parse processes)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])  # fields[1] is the parent pid
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks

    def descends(p: int) -> bool:
        while p > 1:
            if p == pid:
                return True
            p = parents.get(p, 0)
        return False

    return sum(seconds for p, seconds in cpu.items() if descends(p))


async def run(
    setup: str, rates: list[float], seconds: float, models_dir: Path
) -> list[dict[str, float]]:
    database = "postgres" if setup.startswith("postgres") else "sqlite"
    workers = 2 if setup.endswith("-2") else 1
    texts = load_many(sorted(DEMO_NLU.glob("heldout*.yml"))).texts()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SAMEN_DATA_DIR": folder, "SAMEN_MODELS_DIR": str(models_dir),
               "SAMEN_SECRET_KEY": "bench", "SAMEN_MESSAGES_PER_WINDOW": "1000"}  # fmt: skip
        db_name = None
        if database == "postgres":
            import asyncpg

            db_name = f"samen_bench_{uuid.uuid4().hex[:8]}"
            conn = await asyncpg.connect(PG_ADMIN)
            await conn.execute(f'CREATE DATABASE "{db_name}"')
            await conn.close()
            env["SAMEN_DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + db_name
        if workers > 1:
            env["SAMEN_REDIS_URL"] = os.environ.get("SAMEN_BENCH_REDIS", "redis://127.0.0.1:6379/0")
        port = free_port()
        samen = str(Path(sys.executable).parent / "samen")
        command = [samen, "serve", "--port", str(port), "--workers", str(workers)]
        process = subprocess.Popen(command, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            await wait_up(base, process)
            await asyncio.sleep(5 if workers > 1 else 0)  # the other workers finish starting
            await load(base, 10, 3, texts)  # warm up
            results = []
            for rate in rates:
                cpu = server_cpu_seconds(process.pid)
                figures = await load(base, rate, seconds, texts)
                figures["rate"] = rate
                figures["cpu_ms"] = (
                    (server_cpu_seconds(process.pid) - cpu) * 1000 / max(1, figures["ok"])
                )
                print(setup, {k: round(v, 1) for k, v in figures.items()}, flush=True)
                results.append(figures)
            return results
        finally:
            process.terminate()
            process.wait(timeout=30)
            if db_name:
                conn = await asyncpg.connect(PG_ADMIN)
                await conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
                await conn.close()


def ensure_models() -> Path:
    from samen.nlu.store import ModelStore
    from samen.nlu.train import train_model

    data = load_many(sorted(DEMO_NLU.glob("train*.yml")))
    cache = Path(os.environ.get("SAMEN_BENCH_MODELS", Path.home() / ".cache" / "samen-bench"))
    folder = cache / f"models-{data.digest()[:16]}"  # retrained when the training data changes
    store = ModelStore(folder)
    if store.current_version() is None:
        store.save(train_model(data, store.encoder))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="25,50,100,200")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--setups", default="sqlite,postgres,postgres-2")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    models = ensure_models()
    rows = [
        "| setup | offered | answered | errors | p50 | p99 | server CPU per message |",
        "|---|---|---|---|---|---|---|",
    ]
    every = []
    for setup in args.setups.split(","):
        for figures in uvloop.run(run(setup, rates, args.seconds, models)):
            every.append(figures)
            rows.append(
                f"| {SETUPS[setup]} | {figures['rate']:.0f} msg/s × {args.seconds:.0f} s "
                f"| {figures['throughput']:.0f} msg/s | {figures['errors']:.0f} "
                f"| {figures['p50']:.0f} ms | {figures['p99']:.0f} ms | {figures['cpu_ms']:.1f} ms |"
            )
    record(
        "Message round trip",
        "`samen serve` with the real handler (understanding, routing, bot, storage); the load "
        "generator (bench/loadgen.py: keep-alive HTTP/1.1 on uvloop, "
        f"{statistics.median(f['load_cpu_ms'] for f in every):.1f} ms CPU a request) runs on the "
        "same 2-core machine, as does PostgreSQL. Messages are the demo's "
        "held-out customer messages, spread over 1.5 × rate conversations; each rate runs "
        f"{args.seconds:.0f} s. Target: p99 under 50 ms at 200 messages/s.\n\n" + "\n".join(rows),
    )


SETUPS = {
    "sqlite": "SQLite, 1 worker",
    "postgres": "PostgreSQL, 1 worker",
    "postgres-2": "PostgreSQL + Redis, 2 workers",
}


if __name__ == "__main__":
    main()
