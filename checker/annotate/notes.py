"""What every annotated copy shares: a finding's text as a comment, the colours, what was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.display import printable
from checker.findings import SEVERITY_ZH, Finding
from checker.render.common import evidence_parts

AUTHOR = "jxcheck"
FILLS = {"error": "F5B7B1", "warning": "FFE08A", "info": "D1ECF1"}  # the HTML report's colours


def note_text(f: Finding, lang: str = "zh") -> str:
    """【错误】ARI003 总分与各项得分合计不符 / the message / 应填 85 · 填报 95.5 · 计算 92."""
    sev = SEVERITY_ZH[f.severity] if lang == "zh" else f.severity
    lines = [f"【{sev}】{f.rule} {f.title.get(lang)}", f.message.get(lang)]
    evidence = " · ".join(f"{label} {value}" for label, value in evidence_parts(f.evidence, lang))
    if evidence:
        lines.append(evidence)
    return printable("\n".join(lines))  # a control character in a name is not allowed in a comment


@dataclass
class Annotated:
    source: str
    output: Path
    findings: int  # written into the copy
    placed: int  # of those, on their own cell or paragraph
    notes: list[str] = field(default_factory=list)  # what the copy could not keep or place
