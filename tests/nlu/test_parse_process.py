"""Understanding in a process of its own: the same answers as in the server's own process."""

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from samen.clock import FixedClock
from samen.nlu.batching import ParseBatcher
from samen.nlu.language import LanguageDetector
from samen.nlu.pipeline import ParseContext, Understanding
from samen.nlu.process import ParseProcess
from samen.nlu.store import ModelStore

MESSAGES = [
    "Hoi, mn pakket ORD-2026-004512 is nog steeds niet binnen!! kunnen jullie morgen om 10 uur bellen?",
    "My father passed away, how do I cancel his subscription?",
    "wat kost glasvezel 1000 per maand",
]


@pytest.fixture
def models(demo_models_dir: Path, tmp_path: Path) -> Path:
    """A model store of the test's own, holding the demo model as its one version."""
    store = ModelStore(tmp_path / "models")
    model = ModelStore(demo_models_dir).load()
    assert model is not None
    store.save(model)
    return store.root


@pytest.fixture
def here(models: Path, clock: FixedClock) -> Understanding:
    return Understanding(ModelStore(models).current, LanguageDetector(("nl", "en")), clock)


@pytest.fixture
async def process(models: Path, clock: FixedClock, here: Understanding):
    parser = ParseProcess(models, ("nl", "en"), clock, fallback=here)
    await parser.start()
    yield parser
    await parser.close()


def _children() -> set[int]:
    me = str(os.getpid())
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if stat[1] == me and stat[0] != "Z":
                found.add(int(entry))
    return found


async def test_that_a_message_parsed_in_the_parse_process_reads_as_it_does_here(process, here):
    contexts = [ParseContext(language="nl"), None, ParseContext(earlier_frustration=(0.8,))]
    there = await process.parse_many(MESSAGES, contexts)
    expected = here.parse_many(MESSAGES, contexts)
    for a, b in zip(there, expected, strict=True):
        # The same model in two processes: the same answers, to float rounding (float32 sums
        # in another order on a busy machine differed by 2e-5; the API shows four decimals).
        assert (a.language, a.intent.name) == (b.language, b.intent.name)
        assert [r.name for r in a.ranking] == [r.name for r in b.ranking]
        assert [r.confidence for r in a.ranking] == pytest.approx(
            [r.confidence for r in b.ranking], abs=1e-3
        )
        assert a.entities == b.entities
        assert [s.kind for s in a.sensitive] == [s.kind for s in b.sensitive]
        assert (a.sentiment, a.frustration) == (b.sentiment, b.frustration)
        assert a.signals["trend"] == b.signals["trend"]


async def test_that_times_in_a_message_are_read_against_the_servers_clock(process):
    # The test's clock says Monday 23 November 2026; the child's own clock says today.
    [result] = await process.parse_many(["kunnen jullie morgen om 10 uur bellen?"], [None])
    dates = [e for e in result.entities if e.value.startswith("2026-11-24")]
    assert dates, result.entities


async def test_that_a_batcher_hands_its_batches_to_the_parse_process(process, monkeypatch):
    def not_here(*_args: object) -> None:
        raise AssertionError("parsed in the test's own process")

    monkeypatch.setattr(process.fallback, "parse_many", not_here)  # only the child may answer
    batcher = ParseBatcher(process.fallback, run=process.parse_many)
    results = await asyncio.gather(*(batcher.parse(text) for text in MESSAGES))
    assert [r.intent.name for r in results] == ["order_status", "bereavement", "pricing"]
    assert {r.signals["model_version"] for r in results} == {
        ModelStore(process.models_dir).current_version()
    }


async def test_that_when_the_parse_process_dies_messages_are_parsed_here_until_a_new_one_runs(
    process,
):
    child = process.pid
    assert child in _children()
    os.kill(child, signal.SIGKILL)
    [first] = await process.parse_many(["Waar blijft mijn pakket?"], [None])
    assert first.intent.name == "order_status"
    deadline = time.monotonic() + 60
    while process.pid is None and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    [later] = await process.parse_many(["Where is my parcel?"], [None])
    assert later.intent.name == "order_status"
    assert process.pid in _children() and child not in _children()


async def test_that_a_newly_trained_model_is_taken_up_without_a_restart(process, models):
    before = (await process.parse_many(["hallo"], [None]))[0].signals["model_version"]
    store = ModelStore(models)
    newer = store.save(store.load())  # the same weights as a new version
    deadline = time.monotonic() + 30
    version = before
    while version != newer and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        version = (await process.parse_many(["hallo"], [None]))[0].signals["model_version"]
    assert version == newer != before


async def test_that_a_parse_process_that_stops_answering_is_replaced(models, clock, here):
    parser = ParseProcess(models, ("nl", "en"), clock, fallback=here, patience=2.0)
    await parser.start()
    try:
        stuck = parser.pid
        assert stuck is not None
        os.kill(stuck, signal.SIGSTOP)
        [result] = await parser.parse_many(["Waar blijft mijn pakket?"], [None])
        assert result.intent.name == "order_status"  # parsed here meanwhile
        deadline = time.monotonic() + 60
        while parser.pid is None and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert parser.pid not in (None, stuck)
        assert stuck not in _children()
    finally:
        await parser.close()
