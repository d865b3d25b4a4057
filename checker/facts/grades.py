"""Grades: the one a filing states, the one its total earns (财预〔2020〕10号: 优 ≥ 90, 良 80–90, 中 60–80,
差 < 60), and a 自评得分 stated above the table."""

from __future__ import annotations

from typing import Any

from checker.model import Evaluation

GRADE_BANDS = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", float("-inf")))
GRADE_WORDS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "合格": "中", "一般": "中", "及格": "中",
               "差": "差", "较差": "差", "不合格": "差"}


def grade_for(score: float) -> str:
    return next(g for g, low in GRADE_BANDS if score >= low)


def grade_fields(ev: Evaluation, total_reported: float | None) -> dict[str, Any]:
    """The evaluation fact's grade and header fields."""
    out: dict[str, Any] = {}
    grade_text = ev.total.grade.text if ev.total is not None else ""
    grade = GRADE_WORDS.get(grade_text.strip("()（） "))
    if grade and total_reported is not None:
        out.update(grade=grade, grade_expected=grade_for(total_reported), grade_fits=grade == grade_for(total_reported))
    header = ev.header_total
    if header is not None and not header.score.empty and header.score.number is not None and total_reported is not None:
        out.update(header_score=header.score.number, header_gap_abs=round(abs(header.score.number - total_reported), 4))
    return out
