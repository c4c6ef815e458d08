"""How good is a model: accuracy, macro-F1, per-intent precision/recall, confusions, OOS recall."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from samen.nlu.models import OUT_OF_SCOPE


@dataclass
class IntentFigures:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Evaluation:
    examples: int
    accuracy: float
    macro_f1: float
    in_scope_accuracy: float | None
    oos_recall: float | None
    per_intent: dict[str, IntentFigures]
    confusions: list[tuple[str, str, int]]
    by_language: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["confusions"] = [
            {"expected": e, "predicted": p, "count": n} for e, p, n in self.confusions
        ]
        return data


def evaluate(
    expected: Sequence[str],
    predicted: Sequence[str],
    languages: Sequence[str | None] | None = None,
) -> Evaluation:
    if len(expected) != len(predicted):
        raise ValueError("expected and predicted differ in length")
    pairs = list(zip(expected, predicted, strict=True))
    total = len(pairs)
    correct = sum(e == p for e, p in pairs)
    labels = sorted(set(expected) | set(predicted))
    per_intent: dict[str, IntentFigures] = {}
    for label in labels:
        tp = sum(e == label and p == label for e, p in pairs)
        fp = sum(e != label and p == label for e, p in pairs)
        fn = sum(e == label and p != label for e, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = IntentFigures(precision, recall, f1, tp + fn)
    supported = [f.f1 for label, f in per_intent.items() if f.support > 0]
    in_scope = [(e, p) for e, p in pairs if e != OUT_OF_SCOPE]
    out_scope = [(e, p) for e, p in pairs if e == OUT_OF_SCOPE]
    confusions = Counter((e, p) for e, p in pairs if e != p)
    by_language: dict[str, float] = {}
    if languages is not None:
        for language in sorted({lang for lang in languages if lang}):
            rows = [
                (e, p) for (e, p), lang in zip(pairs, languages, strict=True) if lang == language
            ]
            by_language[language] = sum(e == p for e, p in rows) / len(rows)
    return Evaluation(
        examples=total,
        accuracy=correct / total if total else 0.0,
        macro_f1=sum(supported) / len(supported) if supported else 0.0,
        in_scope_accuracy=(
            sum(e == p for e, p in in_scope) / len(in_scope) if in_scope and out_scope else None
        ),
        oos_recall=(
            sum(p == OUT_OF_SCOPE for _, p in out_scope) / len(out_scope) if out_scope else None
        ),
        per_intent=per_intent,
        confusions=[(e, p, n) for (e, p), n in confusions.most_common(10)],
        by_language=by_language,
    )
