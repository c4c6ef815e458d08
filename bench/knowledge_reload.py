"""Knowledge base in the database: how long the first import, a full index, an edit's re-index
and the revision check (what every knowledge question costs at most every 3 s) take.

    python -m bench.knowledge_reload
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from bench.results import percentile, record
from samen.bot.knowledge import KnowledgeBase
from samen.bot.library import KnowledgeLibrary
from samen.bot.live import LiveKnowledge
from samen.clock import SystemClock
from samen.nlu.embeddings import UseEncoder
from samen.storage.articles import SqlArticles
from samen.storage.database import create_engine, upgrade
from samen.storage.repositories import SqlStore

DEMO = Path(__file__).parents[1] / "src" / "samen" / "demo"
EDITS = 10
CHECKS = 300


async def run(folder: Path) -> dict[str, float]:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    await upgrade(engine)
    store = SqlArticles(SqlStore(engine))
    library = KnowledgeLibrary(store, SystemClock(), ("nl", "en"))
    figures: dict[str, float] = {}

    started = time.perf_counter()
    await library.seed(DEMO / "knowledge")
    figures["import of the demo folder (48 articles)"] = time.perf_counter() - started

    encoder = UseEncoder(threads=1)
    articles = [s.article for s in await store.all()]
    started = time.perf_counter()
    knowledge = KnowledgeBase(articles, encoder)
    figures["full index (every passage encoded)"] = time.perf_counter() - started

    live = LiveKnowledge(knowledge, store, await store.revision(), interval=0)
    library.on_change(live.reload)
    edits = []
    for i in range(EDITS):
        started = time.perf_counter()
        await library.update(
            articles[i].id, {"body": articles[i].body + f"\n\nLaatst gewijzigd: {i}."}
        )
        edits.append(time.perf_counter() - started)
    figures["edit through the library, re-index included (p50)"] = percentile(edits, 50)
    figures["edit through the library, re-index included (p95)"] = percentile(edits, 95)

    checks = []
    for _ in range(CHECKS):
        started = time.perf_counter()
        await live.fresh()
        checks.append(time.perf_counter() - started)
    figures["revision check, nothing changed (p50)"] = percentile(checks, 50)
    figures["revision check, nothing changed (p99)"] = percentile(checks, 99)
    await engine.dispose()
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(run(Path(folder)))
    lines = ["| what | time |", "|---|---|"]
    for label, seconds in figures.items():
        shown = f"{seconds * 1000:.1f} ms" if seconds < 2 else f"{seconds:.2f} s"
        lines.append(f"| {label} | {shown} |")
        print(f"{label}: {shown}")
    lines.append(
        "\nSQLite, one process, one encoder thread. An edit re-encodes only the passages it "
        "changed; other processes pay the revision check at most every 3 s per process."
    )
    record("Knowledge base reloads", "\n".join(lines))


if __name__ == "__main__":
    main()
