"""What the cross-filing stage needs of one evaluation, extracted in the worker that checked it: sentence
hashes of its report paragraphs and the figures of its indicator actuals. The filing's model can be
dropped as soon as these are taken."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from checker.facts.figures import figures
from checker.facts.text import sentences, squash
from checker.model import Evaluation, Location
from checker.sections import indicator_path, narrative_texts

MIN_SENTENCE = 12  # squashed characters: shorter sentences ("无。", "已完成。") say nothing about copying


@dataclass
class EvalMeta:
    key: int
    source: str
    project: str
    department: str
    year: int | None
    identity: tuple[str, str, int | None] = field(init=False)

    def __post_init__(self) -> None:
        self.identity = (squash(self.project), squash(self.department), self.year)


@dataclass
class ParagraphFeature:
    path: list[str]
    loc: str | None  # Location as JSON: made once, in the worker
    text: str
    sentences: list[tuple[int, int]]  # (hash, length) of each long enough sentence


@dataclass
class MetricFeature:
    metric: str
    dimension: str
    value: float
    name: str
    text: str
    path: list[str]
    loc: str | None  # Location as JSON


@dataclass
class CrossFeatures:
    meta: EvalMeta
    paragraphs: list[ParagraphFeature] = field(default_factory=list)
    metrics: list[MetricFeature] = field(default_factory=list)


def _hash(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def extract_features(ev: Evaluation, key: int, source: str) -> CrossFeatures:
    feats = CrossFeatures(EvalMeta(key, source, ev.project, ev.department, ev.year))
    for path, t in narrative_texts(ev.narrative, ("purpose", "management", "problems", "measures")):
        if t.empty:
            continue
        sents = [(_hash(s), len(s)) for s in (squash(x) for x in sentences(t.raw)) if len(s) >= MIN_SENTENCE]
        feats.paragraphs.append(ParagraphFeature(path, _json_loc(t.loc), t.raw, sents))
    for ind in ev.indicators:
        if ind.empty or not ind.name.text:
            continue
        seen: set[str] = set()
        path = indicator_path(ind)
        for fig in figures(ind.actual.raw):
            if fig.dimension not in seen:
                seen.add(fig.dimension)
                feats.metrics.append(MetricFeature(squash(ind.name.text), fig.dimension, fig.value, ind.name.text,
                                                   ind.actual.raw.strip(" \u3000"), path, _json_loc(ind.actual.loc)))
    return feats


def _json_loc(loc: Location | None) -> str | None:
    return loc.model_dump_json(exclude_none=True) if loc is not None else None


def location(s: str | None) -> Location | None:
    """A feature's location back from its JSON."""
    return Location.model_validate_json(s) if s else None
