"""`claim`: narrative claims matched to the table: "全年发生生产安全事故98起" against 年度安全生产事故起数 = 80起.

A claim is a count in the 自评报告 (money is left to the funding facts, which know the budget). It is
matched to the indicator rows whose name and figure label share the most words with the claim's context,
in the same unit family. It is consistent when it equals a figure of those rows or their sum (7999 人 =
1244 + 6755 人次), or satisfies the figure when it is stated as a bound (95%以上).
"""

from __future__ import annotations

import re

from checker.facts.base import FactBuilder, FactKind, f
from checker.facts.figures import Figure, bigrams, figures
from checker.facts.text import sentences
from checker.model import Evaluation, Indicator, Text
from checker.quantity import MONEY_UNIT
from checker.sections import GOAL, GOAL_ACTUAL, REPORT, paragraph_path, report_path, table_path

KIND = FactKind(
    "claim",
    "one per count in 项目绩效目标完成情况, matched to the table",
    {
        "section": f("string", "the narrative section of the claim"),
        "speaker": f("string", "who states it: 自评报告, or 年度总体目标实际完成情况"),
        "sentence": f("string", "the sentence holding the figure"),
        "value": f("number", "the figure stated in the narrative"),
        "unit": f("string", "its unit"),
        "context": f("string", "the words before the figure"),
        "indicator": f("string", "the table indicator the claim is about"),
        "table_values": f("string", "the figures the table gives for it, e.g. 80、13"),
        "matched": f("bool", "an indicator of the table speaks of the same thing in the same unit"),
        "consistent": f("bool", "the figure equals a table figure or the sum of the matching rows"),
    },
)

# A clause with these words speaks of a part, not of the whole the table reports.
PART_WORDS = ("其他", "其中", "仅", "部分", "个别", "以外", "之外", "分别为", "另有", "此外")
# Words too common in this domain to show that two phrases speak of the same thing.
STOP_BIGRAMS = {"全年", "年度", "完成", "工作", "项目", "指标", "情况", "开展", "进行", "实际", "全市", "我局", "本年", "同比"}


def _rows(ev_indicators: list[Indicator]) -> list[tuple[Indicator, list[Figure]]]:
    out = []
    for ind in ev_indicators:
        if ind.empty:
            continue
        figs = [x for x in figures(ind.actual.raw) if x.direction is None and x.unit != MONEY_UNIT]
        if figs:
            out.append((ind, figs))
    return out


# the verbs and time words around a claim's subject ("全年发生事故117起": the subject is 事故)
_FRAME_RE = re.compile(r"全年|年度|本年|今年|上年|全市|全县|全区|发生|完成|开展|实现|累计|共计|达到|新增|共有|组织|举办|"
                       r"已经|已|共|计|约|为|达|有|了|的")


def _words(claim: Figure) -> set[str]:
    """The two-character words of what a claim counts, without the verbs and time words around them."""
    parts = _FRAME_RE.split(claim.context) if claim.context else []
    words = {w for part in parts for w in bigrams(part)} - STOP_BIGRAMS
    return words or (bigrams(claim.context) or bigrams(claim.clause)) - STOP_BIGRAMS


def _score(claim: Figure, ind: Indicator, fig: Figure) -> int:
    return len(_words(claim) & (bigrams(ind.name.text + fig.context) - STOP_BIGRAMS))


def _consistent(claim: Figure, values: list[float]) -> bool:
    candidates = set(values) | {round(sum(values), 6)}
    if claim.approximate:
        return any(abs(claim.value - v) <= 0.1 * max(abs(v), 1) for v in candidates)
    if claim.op == ">=":
        return any(v >= claim.value - 1e-9 for v in candidates)
    if claim.op == "<=":
        return any(v <= claim.value + 1e-9 for v in candidates)
    return any(abs(claim.value - v) < 1e-6 for v in candidates)


def _sources(ev: Evaluation) -> list[tuple[str, list[str], Text]]:
    """Every narrative part that may state a result: (who says it, path, text)."""
    out: list[tuple[str, list[str], Text]] = []
    n = ev.narrative
    if n is not None:
        out += [(REPORT, paragraph_path(k), p) for k, p in enumerate(n.achievement)]
        if n.management is not None and not n.management.empty:
            out.append((REPORT, report_path("management"), n.management))
    if ev.goal is not None and not ev.goal.actual.empty:
        out.append((GOAL + GOAL_ACTUAL, table_path(GOAL, GOAL_ACTUAL), ev.goal.actual))
    return out


def _matched(claim: Figure, score: int, best: list[tuple[Indicator, Figure]]) -> bool:
    """Two shared words of the indicator's subject; one only when it is all the claim says of its subject and
    no other row shares it ("培训1200人次" against 培训人次). "资助学生" never matches "辍学学生" on 学生 alone."""
    if score >= 2:
        return True
    return score == 1 and len({id(ind) for ind, _ in best}) == 1 and len(_words(claim)) == 1


def produce(b: FactBuilder) -> None:
    ev = b.ev
    if ev.narrative is None or not ev.has_table:
        return
    rows = _rows(ev.indicators)
    for speaker, path, para in _sources(ev):
        for sentence in sentences(para.raw):
            for claim in figures(sentence):
                if claim.unit == MONEY_UNIT or claim.direction is not None:
                    continue
                if any(w in claim.clause for w in PART_WORDS):
                    continue
                best: list[tuple[Indicator, Figure]] = []
                best_score = 0
                for ind, figs in rows:
                    for fig in figs:
                        if fig.family != claim.family:
                            continue
                        s = _score(claim, ind, fig)
                        if s > best_score:
                            best, best_score = [(ind, fig)], s
                        elif s == best_score and s > 0:
                            best.append((ind, fig))
                matched = _matched(claim, best_score, best)
                fields = {"section": path[1] if path[0] == REPORT else path[-1],
                          "speaker": speaker, "sentence": sentence, "value": claim.value,
                          "unit": claim.unit, "context": claim.context, "matched": matched}
                evidence = {}
                if matched:
                    # one figure per row: the first of the row's figures that matched best
                    per_row: dict[int, tuple[Indicator, Figure]] = {}
                    for ind, fig in best:
                        per_row.setdefault(id(ind), (ind, fig))
                    values = [fig.value for _, fig in per_row.values()]
                    fields["indicator"] = "、".join(dict.fromkeys(ind.name.text for ind, _ in per_row.values()))
                    fields["table_values"] = "、".join(f"{fig.value:g}{fig.unit}" for _, fig in per_row.values())
                    fields["consistent"] = _consistent(claim, values)
                    evidence["table"] = [{"indicator": ind.name.text, "actual": ind.actual.raw.strip(" \u3000"),
                                          "location": ind.actual.loc} for ind, _ in per_row.values()]
                b.add("claim", fields, para.loc, path, cell_text=sentence, **evidence)
