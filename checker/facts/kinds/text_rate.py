"""`text_rate`: one per rate a report states with the two amounts it is the share of, in one sentence —
"预算资金140万元，已支出100.6万元，资金执行率100%" states a rate its own amounts do not give (71.9%)."""

from __future__ import annotations

from checker.facts.base import FactBuilder, FactKind, f
from checker.model import Text
from checker.sections import narrative_texts
from checker.stated import amounts, check_rate, rates

KIND = FactKind(
    "text_rate",
    "one per rate a report states (执行率, 拨付率, 到位率 …) with the two amounts of its sentence",
    {
        "rate_name": f("string", "the rate as the text names it (执行率, 资金使用率, 到位率 …)"),
        "rate_stated": f("number", "the rate as written (%)"),
        "rate_computed": f("number", "numerator / denominator × 100, from the amounts of the same sentence"),
        "numerator": f("number", "the amount spent (or received, for 到位率) the sentence states (万元)"),
        "denominator": f("number", "the budget (or the money received) the sentence states (万元)"),
        "numerator_text": f("string", "that amount as written"),
        "denominator_text": f("string", "that amount as written"),
        "gap_abs": f("number", "abs(rate_stated − rate_computed) in percentage points"),
        "consistent": f("bool", "some pair of the amounts the paragraph states gives the stated rate, within the "
                                "rounding of the figures as written"),
        "same_sentence": f("bool", "the rate and both amounts stand in one sentence"),
        "suggested": f("string", "rate_computed as it should be written"),
    },
)

SECTIONS = ("management", "preamble", "purpose", "budget", "other", "problems")


def produce(b: FactBuilder) -> None:
    for path, t in narrative_texts(b.ev.narrative, SECTIONS, skip_empty=True):
        _text(b, path, t)


def _text(b: FactBuilder, path: list[str], t: Text) -> None:
    found = amounts(t.raw)
    if not found:
        return
    for r in rates(t.raw):
        check = check_rate(t.raw, r, found)
        if check is None:
            continue
        fields = {"rate_name": r.name, "rate_stated": r.value, "rate_computed": check.computed,
                  "numerator": check.numerator.value, "denominator": check.denominator.value,
                  "numerator_text": check.numerator.raw, "denominator_text": check.denominator.raw,
                  "gap_abs": round(abs(r.value - check.computed), 2), "consistent": check.consistent,
                  "same_sentence": check.same_sentence,
                  "suggested": f"{check.computed:.2f}".rstrip("0").rstrip(".") + "%"}
        b.add("text_rate", fields, t.loc_at(r.start), path, cell_text=t.raw)
