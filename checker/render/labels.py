"""Words every renderer shares: how a finding's evidence reads, in Chinese and English."""

from __future__ import annotations

from typing import Any

from checker.findings import Evidence

# label of each evidence field, by the evidence's kind: figures (填报/计算), a similarity and its threshold,
# or a value read from the table itself (表内值)
EVIDENCE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "zh": {
        "figures": {"reported": "填报", "computed": "计算", "suggested": "应填", "tolerance": "容差"},
        "similarity": {"reported": "相似度", "computed": "对照", "suggested": "应填", "tolerance": "阈值"},
        "table": {"reported": "填报", "computed": "表内值", "suggested": "应填", "tolerance": "容差"},
    },
    "en": {
        "figures": {"reported": "reported", "computed": "computed", "suggested": "should be", "tolerance": "tolerance"},
        "similarity": {"reported": "similarity", "computed": "compared with", "suggested": "should be",
                       "tolerance": "threshold"},
        "table": {"reported": "reported", "computed": "table value", "suggested": "should be",
                  "tolerance": "tolerance"},
    },
}
EVIDENCE_FIELDS = ("reported", "computed", "suggested", "tolerance")


def fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def evidence_parts(e: Evidence, lang: str) -> list[tuple[str, str]]:
    """(label, value) of each evidence figure that is set, in a fixed order."""
    labels = EVIDENCE_LABELS["en" if lang == "en" else "zh"].get(e.kind) or EVIDENCE_LABELS["zh"]["figures"]
    out = []
    for k in EVIDENCE_FIELDS:
        v = getattr(e, k)
        if v is None:
            continue
        value = f"{v:.0%}" if e.kind == "similarity" and k in ("reported", "tolerance") and isinstance(v, float | int) \
            and 0 <= v <= 1 else fmt(v)
        out.append((labels[k], value))
    return out


def suggested_text(e: Evidence, lang: str) -> str | None:
    """"应填 10" — what should stand in the cell, where the rule knows it."""
    if e.suggested is None:
        return None
    return f"{'should be' if lang == 'en' else '应填'} {fmt(e.suggested)}"
