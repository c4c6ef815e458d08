"""Write a benchmark's figures into its own section of bench/RESULTS.md, keeping the others."""

from __future__ import annotations

import platform
import re
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "RESULTS.md"
HEADER = (
    "# Benchmark results\n\n"
    "Figures printed by the scripts in `bench/`, each section rewritten by its own script.\n"
    "The machine has 2 cores and is shared, so medians and ratios matter more than single runs.\n"
)


def record(section: str, body: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    python = f"{platform.python_implementation()} {platform.python_version()}"
    stamp = f"_{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {python}_"
    block = f"<!-- {section} -->\n## {section}\n\n{stamp}\n\n{body.strip()}\n<!-- /{section} -->\n"
    pattern = re.compile(rf"<!-- {re.escape(section)} -->.*?<!-- /{re.escape(section)} -->\n", re.S)
    text = (
        pattern.sub(lambda _: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block
    )
    RESULTS.write_text(text, encoding="utf-8")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)
