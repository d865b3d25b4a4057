"""Facts across the filings of one run: pasted paragraphs and one metric stated differently.

Pasted text is found by hashing sentences, not by comparing every pair of paragraphs: each sentence is
looked up once, so the cost grows with the text, not with the square of the number of filings. Two
evaluations of the same project, unit and year (one filing read from two formats) are not compared.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from checker.facts.build import FactBuilder, FactRecord
from checker.facts.figures import Figure, figures
from checker.facts.text import sentences, shorten, squash
from checker.model import Evaluation, Indicator, Location

MIN_SENTENCE = 12  # squashed characters: shorter sentences ("无。", "已完成。") say nothing about copying
SHARE_FLOOR = 0.2  # below this share a paragraph is not reported as a fact at all


@dataclass
class EvalRef:
    key: int
    ev: Evaluation
    source: str

    @property
    def identity(self) -> tuple[str, str, int | None]:
        return (squash(self.ev.project), squash(self.ev.department), self.ev.year)


def _paragraphs(ev: Evaluation) -> list[tuple[list[str], str, Location | None]]:
    n = ev.narrative
    if n is None:
        return []
    out = []
    for name, label in (("purpose", "项目立项目的"), ("management", "项目支出管理和使用基本情况"),
                        ("problems", "存在的问题"), ("measures", "改进措施")):
        t = getattr(n, name)
        if t is not None and not t.empty:
            out.append((["自评报告", label], t.raw, t.loc))
    for k, p in enumerate(n.achievement):
        out.append((["自评报告", "项目绩效目标完成情况", f"第{k + 1}段"], p.raw, p.loc))
    return out


def paste_facts(refs: list[EvalRef]) -> list[FactRecord]:
    paras = {r.key: _paragraphs(r.ev) for r in refs}
    by_key = {r.key: r for r in refs}
    index: dict[str, set[tuple[int, int]]] = defaultdict(set)
    split: dict[tuple[int, int], list[str]] = {}
    for r in refs:
        for i, (_, text, _) in enumerate(paras[r.key]):
            sents = [s for s in (squash(x) for x in sentences(text)) if len(s) >= MIN_SENTENCE]
            split[(r.key, i)] = sents
            for s in sents:
                index[s].add((r.key, i))
    records: list[FactRecord] = []
    for r in refs:
        builder = FactBuilder(r.ev, r.key, prefix="p")
        for i, (path, text, loc) in enumerate(paras[r.key]):
            total = len(squash(text))
            if not total:
                continue
            shared: dict[tuple[int, int], int] = defaultdict(int)
            for s in split[(r.key, i)]:
                for other in index[s]:
                    o = by_key[other[0]]
                    if other[0] != r.key and o.identity != r.identity:
                        shared[other] += len(s)
            best_per_eval: dict[int, tuple[float, int]] = {}
            for (okey, opara), n in shared.items():
                ratio = n / total
                if ratio > best_per_eval.get(okey, (0.0, 0))[0]:
                    best_per_eval[okey] = (ratio, opara)
            others = sorted(((ratio, okey, opara) for okey, (ratio, opara) in best_per_eval.items()
                             if ratio >= SHARE_FLOOR), key=lambda x: (-x[0], x[1]))
            if not others:
                continue
            ratio, okey, opara = others[0]
            o = by_key[okey]
            rec = builder.add("paste", {"section": " › ".join(path[1:]), "text": shorten(text, 80), "other_project": o.ev.project,
                                        "other_section": " › ".join(paras[okey][opara][0][1:]),
                                        "other_source": o.source, "others": len(others),
                                        "shared_ratio": round(min(ratio, 1.0), 3)},
                              loc, path, cell_text=text)
            rec.others = [{"source": by_key[k].source, "project": by_key[k].ev.project,
                           "section": " › ".join(paras[k][p][0]), "location": paras[k][p][2],
                           "shared_ratio": round(min(x, 1.0), 3)} for x, k, p in others]
            records.append(rec)
    return records


def metric_facts(refs: list[EvalRef]) -> list[FactRecord]:
    """A fact per pair of projects of one unit and year that state the same metric in the same dimension.

    The pairing is done here, not as a durable-rules join: its beta nodes read invalid memory when an
    `$neq` compares two joined facts (seen under valgrind), so joins in rules are limited to equality.
    """
    groups: dict[tuple[str, str, str, int | None], list[tuple[EvalRef, Indicator, Figure]]] = defaultdict(list)
    for r in refs:
        for ind in r.ev.indicators:
            if ind.empty or not ind.name.text:
                continue
            seen: set[str] = set()
            for fig in figures(ind.actual.raw):
                if fig.dimension not in seen:
                    seen.add(fig.dimension)
                    key = (squash(ind.name.text), fig.dimension, squash(r.ev.department), r.ev.year)
                    groups[key].append((r, ind, fig))
    builders = {r.key: FactBuilder(r.ev, r.key, prefix="m") for r in refs}
    records: list[FactRecord] = []
    for (metric, dimension, _, _), members in groups.items():
        for r, ind, fig in members:
            for o, oind, ofig in members:
                if o.key == r.key or o.identity == r.identity or o.ev.project == r.ev.project:
                    continue
                path = ["自评表", "绩效指标", *(x for x in (ind.level1, ind.level2) if x), ind.name.text]
                rec = builders[r.key].add(
                    "metric_pair", {"metric": metric, "name": ind.name.text, "dimension": dimension,
                                    "value": fig.value, "text": ind.actual.raw.strip(" \u3000"),
                                    "other_project": o.ev.project, "other_value": ofig.value,
                                    "other_text": oind.actual.raw.strip(" \u3000"), "other_source": o.source,
                                    "gap_abs": round(abs(fig.value - ofig.value), 6)},
                    ind.actual.loc, path, cell_text=ind.actual.raw)
                rec.others = [{"source": o.source, "project": o.ev.project, "section": " › ".join(
                    ["自评表", "绩效指标", *(x for x in (oind.level1, oind.level2) if x), oind.name.text]),
                    "location": oind.actual.loc, "text": oind.actual.raw.strip(" \u3000")}]
                records.append(rec)
    return records
