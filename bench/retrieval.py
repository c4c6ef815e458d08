"""Knowledge retrieval: is the right article first (top 1) or in the top 3, and how fast.

    python -m bench.retrieval

The questions in bench/data/retrieval_questions.yml were written apart from the articles. The
bot retrieves with the intent it understood, so the benchmark does too (and reports without).
"""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from bench.results import percentile, record
from samen.bot.knowledge import KnowledgeBase
from samen.nlu.embeddings import UseEncoder
from samen.nlu.train import train_model
from samen.nlu.training_data import load_many

ROOT = Path(__file__).parents[1]
DEMO = ROOT / "src" / "samen" / "demo"


def main() -> None:
    encoder = UseEncoder(threads=1)
    knowledge = KnowledgeBase.from_folder(DEMO / "knowledge", encoder)
    questions = yaml.safe_load(
        (Path(__file__).parent / "data" / "retrieval_questions.yml").read_text()
    )["questions"]
    model = train_model(load_many(sorted((DEMO / "nlu").glob("train*.yml"))), encoder)
    intents = model.classifier.predict([q["q"] for q in questions])
    figures = {}
    for label, use_intent in (("with the understood intent", True), ("question only", False)):
        top1 = top3 = 0
        latencies = []
        for question, intent in zip(questions, intents, strict=True):
            started = time.perf_counter()
            hits = knowledge.search(
                question["q"], question["language"], intent if use_intent else None
            )
            latencies.append((time.perf_counter() - started) * 1000)
            ids = [h.article.id for h in hits]
            top1 += ids[:1] == [question["article"]]
            top3 += question["article"] in ids
        n = len(questions)
        figures[label] = (top1 / n, top3 / n, percentile(latencies, 50), percentile(latencies, 99))
        print(
            f"{label}: top-1 {top1 / n:.1%}, top-3 {top3 / n:.1%}, "
            f"p50 {figures[label][2]:.1f} ms, p99 {figures[label][3]:.1f} ms"
        )
    languages = {q["language"] for q in questions}
    rows = [
        f"{len(questions)} questions ({', '.join(sorted(languages))}), {len(knowledge.articles)} articles.",
        "",
        "| retrieval | top-1 | top-3 | p50 | p99 (answer, incl. encoding the question) |",
        "|---|---|---|---|---|",
        *[
            f"| {label} | **{t1:.1%}** | **{t3:.1%}** | {p50:.1f} ms | {p99:.1f} ms |"
            for label, (t1, t3, p50, p99) in figures.items()
        ],
        "",
        "Targets: top-1 ≥ 90%, top-3 ≥ 97%.",
    ]
    record("Knowledge retrieval", "\n".join(rows))


if __name__ == "__main__":
    main()
