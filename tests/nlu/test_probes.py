"""Fresh customer messages through the whole understanding pipeline, as an examiner would send them.

Each probe in data/probes_customers.yml says which language, entities, sensitive signals,
sentiment and frustration a person reading it would expect; each of those is its own test, so a
gap in one does not hide the others. Probes the file marks ``known`` are judgement calls or gaps
left open, run as expected failures so that fixing one shows.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from samen.clock import FixedClock
from samen.nlu.language import LanguageDetector
from samen.nlu.models import ParseResult
from samen.nlu.pipeline import ParseContext, Understanding
from samen.nlu.store import ModelStore

PROBES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "probes_customers.yml").read_text(encoding="utf-8")
)
# The entities the pipeline finds itself (the demo model learns none of its own).
BUILT_IN = {
    "order_number", "invoice_number", "customer_number", "postcode", "house_number", "amount",
    "email", "phone", "iban", "date", "time", "datetime",
}  # fmt: skip
FRUSTRATION = {"low": lambda f: f < 0.3, "raised": lambda f: f >= 0.3, "high": lambda f: f >= 0.5}


def _cases() -> list[Any]:
    cases = []
    for number, probe in enumerate(PROBES, 1):
        aspects = ["language", "entities", "sensitive"]
        aspects += [a for a in ("sentiment", "frustration") if a in probe]
        for aspect in aspects:
            reason = (probe.get("known") or {}).get(aspect)
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            cases.append(pytest.param(probe, aspect, id=f"{aspect}-{number:03d}", marks=marks))
    return cases


@pytest.fixture(scope="module")
def understanding(demo_models_dir: Path) -> Understanding:
    clock = FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))  # Monday 10:30 in Amsterdam
    return Understanding(ModelStore(demo_models_dir).current, LanguageDetector(("nl", "en")), clock)


@pytest.fixture(scope="module")
def parsed(understanding: Understanding) -> dict[tuple[str, str | None], ParseResult]:
    """Every probe parsed once, keyed by its text and language hint."""
    keys = [(p["text"], p.get("hint")) for p in PROBES]
    results = understanding.parse_many(
        [text for text, _ in keys], [ParseContext(language=hint) for _, hint in keys]
    )
    return dict(zip(keys, results, strict=True))


@pytest.mark.parametrize(("probe", "aspect"), _cases())
def test_that_a_customer_message_is_understood_as_a_person_would(
    parsed: dict[tuple[str, str | None], ParseResult], probe: dict[str, Any], aspect: str
) -> None:
    result = parsed[(probe["text"], probe.get("hint"))]
    if aspect == "language":
        assert result.language == probe["lang"]
    elif aspect == "entities":
        found = Counter(f"{e.type}={e.value}" for e in result.entities if e.type in BUILT_IN)
        assert found == Counter(probe.get("entities", []))
        assert all(probe["text"][e.start : e.end] == e.text for e in result.entities)
    elif aspect == "sensitive":
        kinds = {s.kind for s in result.sensitive}
        expected = set(probe.get("sensitive", []))
        assert expected <= kinds if expected else kinds == set()
    elif aspect == "sentiment":
        assert result.sentiment.label == probe["sentiment"], result.sentiment
    else:
        assert FRUSTRATION[probe["frustration"]](result.frustration), result.frustration
