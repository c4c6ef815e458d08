"""Run every benchmark one after the other (they share two cores; never in parallel)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "bench.nlu_speed",
    "bench.retrieval",
    "bench.knowledge_reload",
    "bench.roundtrip",
    "bench.email_triage",
    "bench.voice",
    "bench.voicemail",
    "bench.nlu_quality",
)


def main() -> None:
    for name in sys.argv[1:] or BENCHMARKS:
        print(f"== {name}", flush=True)
        sys.argv = [name]
        importlib.import_module(name).main()


if __name__ == "__main__":
    main()
