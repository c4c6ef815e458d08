import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from samen.clock import SystemClock
from samen.nlu.batching import ParseBatcher
from samen.nlu.language import LanguageDetector
from samen.nlu.models import ParseResult
from samen.nlu.pipeline import ParseContext, Understanding
from samen.nlu.store import ModelStore

BROKEN = "this message breaks the pipeline"


class RecordingUnderstanding(Understanding):
    """The real pipeline, noting how many messages each call parsed."""

    def __init__(self, models: Path) -> None:
        super().__init__(ModelStore(models).current, LanguageDetector(("nl", "en")), SystemClock())
        self.batches: list[int] = []

    def parse_many(
        self, texts: Sequence[str], contexts: Sequence[ParseContext | None] | None = None
    ) -> list[ParseResult]:
        self.batches.append(len(texts))
        if BROKEN in texts:
            raise ValueError("broken")
        return super().parse_many(texts, contexts)


@pytest.fixture
def understanding(demo_models_dir: Path) -> RecordingUnderstanding:
    return RecordingUnderstanding(demo_models_dir)


async def test_that_a_message_that_finds_the_parser_idle_is_parsed_at_once_alone(understanding):
    batcher = ParseBatcher(understanding)
    result = await batcher.parse("Waar blijft mijn pakket?", ParseContext(language="nl"))
    assert result.intent.name == "order_status"
    assert understanding.batches == [1]


async def test_that_messages_arriving_together_are_parsed_in_one_batch(understanding):
    batcher = ParseBatcher(understanding)
    texts = ["Waar blijft mijn pakket?", "How much is the fastest plan?", "Ik ga verhuizen"] * 4
    results = await asyncio.gather(*(batcher.parse(t) for t in texts))
    assert understanding.batches == [12]
    assert [r.text for r in results] == texts
    assert [r.intent.name for r in results] == [understanding.parse(t).intent.name for t in texts]


async def test_that_messages_arriving_during_a_parse_wait_for_it_and_then_go_together(
    understanding,
):
    batcher = ParseBatcher(understanding)
    first = asyncio.ensure_future(batcher.parse("Waar blijft mijn pakket?"))
    while not understanding.batches:  # the first parse is running
        await asyncio.sleep(0.001)
    later = [asyncio.ensure_future(batcher.parse(t)) for t in ["Hoi", "Ik ga verhuizen", "Bye"]]
    await asyncio.gather(first, *later)
    assert understanding.batches == [1, 3]


async def test_that_one_message_that_breaks_the_pipeline_does_not_fail_the_others(understanding):
    batcher = ParseBatcher(understanding)
    first = asyncio.ensure_future(batcher.parse("Hallo"))
    others = [asyncio.ensure_future(batcher.parse(t)) for t in ["Goedemorgen", BROKEN, "Bye"]]
    await first
    done = await asyncio.gather(*others, return_exceptions=True)
    assert isinstance(done[1], ValueError)
    assert [d.text for d in (done[0], done[2])] == ["Goedemorgen", "Bye"]
