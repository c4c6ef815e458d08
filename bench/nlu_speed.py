"""Parse speed: one message at a time (p50/p99) and batched (messages/s), and the model's memory.

python -m bench.nlu_speed [--e5]

``--e5`` measures a model trained with ``samen train --e5`` (multilingual-e5-small beside the
sentence encoder) and records it in a section of its own.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

from bench.results import percentile, record
from samen.clock import SystemClock
from samen.nlu.embeddings import UseEncoder
from samen.nlu.intents import IntentModelConfig
from samen.nlu.language import LanguageDetector
from samen.nlu.pipeline import Understanding
from samen.nlu.store import ModelStore
from samen.nlu.train import train_model
from samen.nlu.training_data import load_many

DEMO_NLU = Path(__file__).parents[1] / "src" / "samen" / "demo" / "nlu"


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--e5", action="store_true", help="a model trained with --e5")
    e5 = parser.parse_args().e5
    config = IntentModelConfig.with_e5() if e5 else None
    texts = load_many(sorted(DEMO_NLU.glob("heldout*.yml"))).texts()
    base = rss_mb()
    encoder = UseEncoder(threads=1)
    encoder.encode(["warm up"])
    after_encoder = rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        store = ModelStore(Path(folder), encoder)
        data = load_many(sorted(DEMO_NLU.glob("train*.yml")))
        store.save(train_model(data, encoder, config=config))
        del store
        gc.collect()
        before_model = rss_mb()
        store = ModelStore(Path(folder), encoder)
        understanding = Understanding(store.current, LanguageDetector(), SystemClock())
        understanding.parse("warm up, met een datum morgen om 10 uur en €12,50")
        after_model = rss_mb()
        threadpool_limits(limits=1)  # as the server runs it (samen.bootstrap)
        size = sum(p.stat().st_size for p in Path(folder).rglob("model.joblib")) / 1e6

    latencies = []
    for text in texts * 2:
        started = time.perf_counter()
        understanding.parse(text)
        latencies.append((time.perf_counter() - started) * 1000)
    single_rate = 1000 / statistics.mean(latencies)

    rates = []
    for size_batch in (8, 32, 64):
        runs = []
        for _ in range(3):  # the median of three passes: this machine is noisy
            started, cpu = time.perf_counter(), time.process_time()
            for i in range(0, len(texts), size_batch):
                understanding.parse_many(texts[i : i + size_batch])
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            runs.append((len(texts) / cpu, len(texts) / wall))
        per_core, rate = sorted(runs)[1]
        rates.append((size_batch, rate, per_core))
    pieces = encoder._model._model._encode_batch
    pieces_mb = getattr(pieces, "megabytes_in_use", 0.0)

    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    print(f"one parse: p50 {p50:.1f} ms, p99 {p99:.1f} ms, {single_rate:.0f} msg/s on one thread")
    for batch, rate, per_core in rates:
        print(f"batched ({batch}): {rate:.0f} msg/s, {per_core:.0f} msg/s per core of CPU time")
    print(
        f"memory: encoder {after_encoder - base:.0f} MB, model {after_model - before_model:.0f} MB "
        f"(file {size:.1f} MB), remembered word pieces {pieces_mb:.0f} MB"
    )
    record(
        "Parse speed, with e5" if e5 else "Parse speed",
        "\n".join(
            [
                f"Understanding pipeline on the {len(texts)} held-out demo messages (language, intent, "
                "entities, sentiment, frustration, sensitive signals), one thread, one BLAS thread "
                "as in the server."
                + (
                    " The model reads messages with multilingual-e5-small beside the sentence "
                    "encoder (`samen train --e5`); the intent model's memory includes e5's engine."
                    if e5
                    else ""
                ),
                "",
                "| measure | figure | target |",
                "|---|---|---|",
                f"| one parse, p50 | {p50:.1f} ms | |",
                f"| one parse, p99 | {p99:.1f} ms | ≤ 15 ms |",
                f"| one at a time | {single_rate:.0f} messages/s | |",
                *[
                    f"| batched ({b}) | {r:.0f} messages/s ({c:.0f} per core-second of CPU) "
                    "| ≥ 1,000 per core |"
                    for b, r, c in rates
                ],
                f"| memory: sentence encoder | {after_encoder - base:.0f} MB | |",
                f"| memory: intent model | {after_model - before_model:.0f} MB (file {size:.1f} MB) | |",
                f"| memory: word pieces remembered by the encoder | {pieces_mb:.0f} MB | |",
            ]
        ),
    )


if __name__ == "__main__":
    main()
