"""Training data in the formats people have: Samen's YAML, Rasa ``nlu.yml``, CSV, CLINC JSON.

>>> load(Path("src/samen/demo/nlu/train_en.yml")).examples[0].intent
'opening_hours'

Samen's YAML is either one language per file::

    language: nl
    intents:
      opening_hours: ["hoe laat zijn jullie open", ...]

or several languages per intent::

    intents:
      opening_hours: {nl: [...], en: [...]}

Rasa 2.x/3.x ``nlu:`` files keep their entity annotations (``[text](type)``,
``[text]{"entity": "type", "value": "v"}``) and ``synonym:`` blocks. A CSV needs a header with
a text column (``text``) and a label column (``intent``, ``label`` or ``category``). A JSON file
of ``{"split": [[text, intent], ...]}`` (CLINC150) is read as ``file.json#train+oos_train``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from samen.errors import ConfigError
from samen.nlu.models import OUT_OF_SCOPE

# Benchmarks name the out-of-scope class differently.
_OOS_ALIASES = {"oos", "out-of-scope", "outofscope", "nlu_fallback", "none"}


@dataclass(frozen=True, slots=True)
class Annotation:
    type: str
    text: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    language: str | None = None
    entities: tuple[Annotation, ...] = ()


@dataclass(slots=True)
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def extend(self, other: TrainingData) -> None:
        self.examples.extend(other.examples)
        self.synonyms.update(other.synonyms)
        self.sources.extend(other.sources)

    @property
    def intents(self) -> list[str]:
        return sorted({e.intent for e in self.examples})

    def counts(self) -> Counter[str]:
        return Counter(e.intent for e in self.examples)

    def digest(self) -> str:
        """A hash of the examples, stored with a model so one can tell what it learned from."""
        h = hashlib.sha256()
        for e in sorted(self.examples, key=lambda e: (e.intent, e.text)):
            h.update(f"{e.intent}\t{e.language or ''}\t{e.text}\n".encode())
        return h.hexdigest()[:16]

    def texts(self) -> list[str]:
        return [e.text for e in self.examples]

    def labels(self) -> list[str]:
        return [e.intent for e in self.examples]


def load_many(paths: Iterable[str | Path]) -> TrainingData:
    data = TrainingData()
    for path in paths:
        data.extend(load(path))
    if not data.examples:
        raise ConfigError("no_training_data", "The training data has no examples.")
    return data


def load(path: str | Path) -> TrainingData:
    """Read one file, or every ``*.yml``/``*.yaml``/``*.csv`` in a folder."""
    spec = str(path)
    splits: list[str] = []
    if "#" in spec:
        spec, split_text = spec.split("#", 1)
        splits = split_text.split("+")
    source = Path(spec)
    if source.is_dir():
        data = TrainingData()
        for child in sorted(source.iterdir()):
            if child.suffix in (".yml", ".yaml", ".csv", ".json"):
                data.extend(load(child))
        return data
    if not source.exists():
        raise ConfigError("training_data_missing", f"No training data at {source}.")
    suffix = source.suffix.lower()
    if suffix == ".csv":
        data = _load_csv(source)
    elif suffix == ".json":
        data = _load_json(source, splits)
    elif suffix in (".yml", ".yaml", ".md"):
        data = _load_yaml(source)
    else:
        raise ConfigError("unknown_format", f"{source}: use .yml (Samen or Rasa), .csv or .json.")
    data.sources.append(str(path))
    return data


def _intent(name: str) -> str:
    name = str(name).strip()
    return OUT_OF_SCOPE if name.lower() in _OOS_ALIASES else name


def _load_csv(path: Path) -> TrainingData:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = {c.lower().strip(): c for c in reader.fieldnames or ()}
        text_col = columns.get("text") or columns.get("sentence") or columns.get("utterance")
        label_col = columns.get("intent") or columns.get("label") or columns.get("category")
        if not text_col or not label_col:
            raise ConfigError(
                "invalid_training_data",
                f"{path}: a CSV needs a header with 'text' and 'intent' columns.",
            )
        language_col = columns.get("language") or columns.get("lang")
        examples = [
            Example(
                text=row[text_col].strip(),
                intent=_intent(row[label_col]),
                language=(row[language_col].strip() or None) if language_col else None,
            )
            for row in reader
            if row.get(text_col) and row.get(label_col)
        ]
    return TrainingData(examples)


def _load_json(path: Path, splits: Sequence[str]) -> TrainingData:
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ConfigError("invalid_training_data", f"{path}: expected an object of splits.")
    chosen = list(splits) or [k for k in ("train", "oos_train") if k in raw] or list(raw)
    examples: list[Example] = []
    for split in chosen:
        if split not in raw:
            raise ConfigError("invalid_training_data", f"{path} has no split '{split}'.")
        for item in raw[split]:
            examples.append(Example(text=str(item[0]), intent=_intent(item[1])))
    return TrainingData(examples)


def _load_yaml(path: Path) -> TrainingData:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError("invalid_training_data", f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError("invalid_training_data", f"{path}: expected a mapping at the top.")
    if "nlu" in raw:
        return _load_rasa(raw["nlu"] or [], path)
    if "intents" in raw:
        return _load_samen(raw, path)
    raise ConfigError(
        "invalid_training_data", f"{path}: expected 'intents:' (Samen) or 'nlu:' (Rasa) at the top."
    )


def _load_samen(raw: dict[str, Any], path: Path) -> TrainingData:
    file_language = raw.get("language")
    examples: list[Example] = []
    for intent, body in (raw.get("intents") or {}).items():
        if isinstance(body, list):
            per_language: dict[str | None, list[Any]] = {file_language: body}
        elif isinstance(body, dict):
            per_language = dict(body.items())
        else:
            raise ConfigError(
                "invalid_training_data", f"{path}: intent '{intent}' has no examples."
            )
        for language, texts in per_language.items():
            for text in texts or ():
                examples.append(Example(str(text).strip(), _intent(intent), language))
    synonyms = {str(k).lower(): str(v) for k, v in (raw.get("synonyms") or {}).items()}
    return TrainingData(examples, synonyms)


# [text](type) | [text](type:value) | [text]{"entity": "type", "value": "v"}
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


def parse_annotated(text: str) -> tuple[str, tuple[Annotation, ...]]:
    """Strip Rasa entity markup: ``"bestel [ORD-1](order_number)"`` → plain text + annotations."""
    plain: list[str] = []
    annotations: list[Annotation] = []
    cursor = 0
    length = 0
    for match in _ANNOTATION.finditer(text):
        before = text[cursor : match.start()]
        plain.append(before)
        length += len(before)
        surface = match.group("text")
        if match.group("short"):
            entity_type, _, value = match.group("short").partition(":")
        else:
            try:
                spec = json.loads(match.group("json"))
            except json.JSONDecodeError as exc:
                raise ConfigError(
                    "invalid_training_data", f"Bad entity annotation in: {text}"
                ) from exc
            entity_type, value = str(spec.get("entity", "")), str(spec.get("value", "") or "")
        annotations.append(
            Annotation(
                entity_type.strip(), surface, value or surface, length, length + len(surface)
            )
        )
        plain.append(surface)
        length += len(surface)
        cursor = match.end()
    plain.append(text[cursor:])
    return "".join(plain), tuple(annotations)


def _rasa_examples(block: Any) -> list[str]:
    if isinstance(block, str):
        return [
            line[2:].strip() if line.startswith("- ") else line.strip()
            for line in block.splitlines()
            if line.strip()
        ]
    if isinstance(block, list):  # Rasa 3 allows a list of {text: ..., metadata: ...}
        return [str(item["text"] if isinstance(item, dict) else item).strip() for item in block]
    return []


def _load_rasa(items: list[Any], path: Path) -> TrainingData:
    data = TrainingData()
    for item in items:
        if not isinstance(item, dict):
            continue
        if "intent" in item:
            language = (
                item.get("metadata", {}).get("language")
                if isinstance(item.get("metadata"), dict)
                else None
            )
            for line in _rasa_examples(item.get("examples")):
                text, annotations = parse_annotated(line)
                data.examples.append(Example(text, _intent(item["intent"]), language, annotations))
        elif "synonym" in item:
            for line in _rasa_examples(item.get("examples")):
                data.synonyms[line.lower()] = str(item["synonym"])
    for example in data.examples:
        for annotation in example.entities:
            if annotation.value != annotation.text:
                data.synonyms.setdefault(annotation.text.lower(), annotation.value)
    if not data.examples:
        raise ConfigError("invalid_training_data", f"{path}: the Rasa file has no intent examples.")
    return data
