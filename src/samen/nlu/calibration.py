"""Calibration of the intent classifier's scores: a softmax temperature fitted on held-out
predictions, and the out-of-scope threshold tuned on held-out accuracy and recall."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from samen.nlu.models import OUT_OF_SCOPE

if TYPE_CHECKING:
    from samen.nlu.intents import IntentModelConfig


@dataclass(slots=True)
class Calibration:
    temperature: float = 0.2
    threshold: float = 0.0
    held_out: dict[str, Any] = field(default_factory=dict)


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / max(temperature, 1e-3)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def calibrate(
    scores: np.ndarray, y: np.ndarray, classes: list[str], config: IntentModelConfig
) -> Calibration:
    """Temperature by held-out log-loss; the OOS threshold by held-out accuracy and recall."""
    index = {c: i for i, c in enumerate(classes)}
    known = np.array([label in index for label in y])
    truth = np.array([index.get(label, -1) for label in y])
    best_t, best_loss = 0.2, float("inf")
    for t in (0.05, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0):
        p = softmax(scores[known], t)
        loss = float(-np.mean(np.log(p[np.arange(known.sum()), truth[known]] + 1e-9)))
        if loss < best_loss:
            best_t, best_loss = t, loss
    probs = softmax(scores, best_t)
    top = probs.argmax(axis=1)
    top_p = probs.max(axis=1)
    is_oos = np.array([label == OUT_OF_SCOPE or label not in index for label in y])
    oos_class = index.get(OUT_OF_SCOPE, -1)

    def measure(threshold: float) -> tuple[float, float]:
        rejected = (top_p < threshold) | (top == oos_class)
        in_scope = ~is_oos
        accuracy = (
            float(np.mean((top == truth)[in_scope] & ~rejected[in_scope]))
            if in_scope.any()
            else 1.0
        )
        recall = float(np.mean(rejected[is_oos])) if is_oos.any() else 0.0
        return accuracy, recall

    best_threshold, best_value = 0.0, -1.0
    for threshold in np.linspace(0.0, 0.9, 91):
        accuracy, recall = measure(float(threshold))
        value = accuracy + config.oos_weight * recall if is_oos.any() else accuracy
        if value > best_value + 1e-9:
            best_threshold, best_value = float(threshold), value
    accuracy, recall = measure(best_threshold)
    return Calibration(
        temperature=best_t,
        threshold=best_threshold,
        held_out={"in_scope_accuracy": accuracy, "oos_recall": recall, "log_loss": best_loss},
    )
