"""Calibration of the intent classifier's scores: a softmax temperature fitted on held-out
predictions, and the out-of-scope threshold tuned on held-out accuracy and recall (the
threshold most resamples of the held-out set agree on, so that no single message sets it)."""

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
    is_oos = np.array([label == OUT_OF_SCOPE or label not in index for label in y])
    decided_oos = top == index.get(OUT_OF_SCOPE, -1)
    confidence = probs.max(axis=1)
    threshold, quartiles = oos_threshold(
        confidence, top == truth, decided_oos, is_oos, config.oos_weight
    )
    rejected = (confidence < threshold) | decided_oos
    in_scope = ~is_oos
    accuracy = (
        float(np.mean((top == truth)[in_scope] & ~rejected[in_scope])) if in_scope.any() else 1.0
    )
    recall = float(np.mean(rejected[is_oos])) if is_oos.any() else 0.0
    held_out: dict[str, Any] = {
        "in_scope_accuracy": accuracy,
        "oos_recall": recall,
        "log_loss": best_loss,
    }
    if quartiles is not None:
        held_out["threshold_quartiles"] = quartiles
    return Calibration(temperature=best_t, threshold=threshold, held_out=held_out)


THRESHOLDS = np.round(np.linspace(0.0, 0.9, 91), 2)
RESAMPLES = 201


def oos_threshold(
    confidence: np.ndarray,
    right: np.ndarray,
    decided_oos: np.ndarray,
    is_oos: np.ndarray,
    weight: float,
    *,
    resamples: int = RESAMPLES,
    seed: int = 13,
) -> tuple[float, tuple[float, float] | None]:
    """The confidence below which a message is out of scope, and the spread of that choice.

    A threshold is worth its held-out in-scope accuracy plus ``weight`` times its out-of-scope
    recall. On one held-out set the best threshold always sits just above some out-of-scope
    message's confidence, and with few such messages (CLINC150's validation set has 100) one
    message decides it: the threshold is lifted to catch it, at the cost of in-scope answers
    that a new set would not repay. So the threshold is chosen on resamples of the held-out
    set (in-scope and out-of-scope messages drawn with replacement, each kind in its own
    number), and the one in the middle is taken: no single message moves it.

    Returns the threshold and its lower and upper quartile over the resamples (None without
    out-of-scope messages: then it is the threshold of best in-scope accuracy).
    """
    rejected = (confidence[:, None] < THRESHOLDS[None, :]) | decided_oos[:, None]
    kept_right = (right & ~is_oos)[:, None] & ~rejected
    in_scope, oos = np.flatnonzero(~is_oos), np.flatnonzero(is_oos)
    if not len(oos) or not len(in_scope):
        value = kept_right[in_scope].mean(axis=0) if len(in_scope) else rejected[oos].mean(axis=0)
        return float(THRESHOLDS[_first_best(value)]), None
    rng = np.random.default_rng(seed)
    # How often each message is drawn in each resample, so a resample's figures are one product.
    drawn_in = np.stack(
        [
            np.bincount(rng.choice(len(in_scope), len(in_scope)), minlength=len(in_scope))
            for _ in range(resamples)
        ]
    )
    drawn_oos = np.stack(
        [np.bincount(rng.choice(len(oos), len(oos)), minlength=len(oos)) for _ in range(resamples)]
    )
    value = (drawn_in @ kept_right[in_scope]) / len(in_scope) + weight * (
        drawn_oos @ rejected[oos]
    ) / len(oos)
    chosen = np.sort(THRESHOLDS[[_first_best(row) for row in value]])
    low, middle, high = np.quantile(chosen, [0.25, 0.5, 0.75], method="lower")
    return float(middle), (float(low), float(high))


def _first_best(value: np.ndarray) -> int:
    """The lowest threshold whose value is the best (to within rounding)."""
    return int(np.argmax(value > value.max() - 1e-9))
