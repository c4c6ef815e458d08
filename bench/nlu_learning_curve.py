"""How the demo's held-out accuracy grows with training data, per language.

    python -m bench.nlu_learning_curve [--language nl] [--shares 0.5 0.75 1.0] [--seeds 2]

Keeps a random share of one language's training examples (the other language's all) and
measures that language's held-out accuracy, a few seeds per share. The slope says whether
writing more examples is still worth it, and roughly how many (a few minutes per point).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import time

from bench.nlu_quality import DEMO_NLU
from bench.results import record
from samen.nlu.embeddings import UseEncoder
from samen.nlu.train import train_model
from samen.nlu.training_data import TrainingData, load_many


def accuracy_with_share(
    train: TrainingData,
    heldout: TrainingData,
    language: str,
    share: float,
    seed: int,
    encoder: UseEncoder,
) -> tuple[int, float]:
    rng = random.Random(seed)
    kept = [e for e in train.examples if e.language != language or rng.random() < share]
    model = train_model(dataclasses.replace(train, examples=kept), encoder)
    predicted = model.classifier.predict(heldout.texts())
    right = sum(p == e.intent for p, e in zip(predicted, heldout.examples, strict=True))
    return sum(e.language == language for e in kept), right / len(heldout.examples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="nl")
    parser.add_argument("--shares", type=float, nargs="+", default=[0.5, 0.75, 1.0])
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    encoder = UseEncoder(threads=2)
    train = load_many(sorted(DEMO_NLU.glob("train*.yml")))
    heldout = load_many(sorted(DEMO_NLU.glob(f"heldout_{args.language}*.yml")))
    rows = [
        f"| share of {args.language} training data | {args.language} examples | "
        f"held-out accuracy (median of seeds) | each seed |",
        "|---|---|---|---|",
    ]
    started = time.perf_counter()
    for share in args.shares:
        seeds = range(1, args.seeds + 1) if share < 1.0 else range(1, 2)
        runs = [
            accuracy_with_share(train, heldout, args.language, share, s, encoder) for s in seeds
        ]
        accuracies = [a for _, a in runs]
        examples = int(statistics.median(n for n, _ in runs))
        line = (
            f"| {share:.0%} | {examples} | **{statistics.median(accuracies):.2%}** | "
            f"{', '.join(f'{a:.2%}' for a in accuracies)} |"
        )
        print(line, flush=True)
        rows.append(line)
    note = (
        f"{len(heldout.examples)} held-out messages; {time.perf_counter() - started:.0f} s. "
        "A share keeps each example of that language with that probability; the other "
        "language's examples are all kept."
    )
    record(f"Learning curve ({args.language})", "\n".join(rows) + "\n\n" + note)


if __name__ == "__main__":
    main()
