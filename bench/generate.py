"""Synthetic filings for benchmarks and batch tests.

    python bench/generate.py OUT_DIR --count 1000 --format text|yaml|docx|xlsx [--shape small|seed] [--seed 7]

One evaluation per file, in a folder per unit. Two shapes:
- `small` (17 indicator rows): each filing is built correct (weights 10/50/30/10, scores that follow from
  target vs. actual, totals that add up, a report consistent with the table) and then, with the
  probabilities in DEFECTS, receives planted defects; the manifest (OUT_DIR/MANIFEST, JSON) counts them.
  Report paragraphs are drawn from a small pool, so pasted text across filings occurs as in real archives.
- `seed` (the size and shape of real filings): 20–45 indicator rows drawn from the seed's three filings —
  their value forms as they are (＞1200个, ≥4期, 1-12月, 5*4=20万元, 考核4次，巡查2次, free text) with the
  figures varied —, weights spread over the 一级 blocks, a full 自评报告 built from the seed's paragraphs, and
  units of 10–50 projects per year, as a city's bureaus file them. The seed's own defects come along.
- `copies` (text only): copies of the seed's text export, three filings each, the 主管部门 changed every
  10 files (units of 30 filings) — the corpus the throughput issue was measured on.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.model import (  # noqa: E402
    FUNDING_LABELS,
    Evaluation,
    Filing,
    FundingRow,
    Goal,
    Indicator,
    Level1,
    Narrative,
    Text,
    Total,
    Value,
)
from checker.readers.canonical import filings_to_yaml  # noqa: E402
from fixtures.make_renderings import text_export, write_docx, write_xlsx  # noqa: E402

DEFECTS = {  # planted defect → probability per filing (the rule that should find it)
    "rate_reported_100": 0.10,  # BUD001 / BUD002
    "weights_short": 0.08,  # ARI001 / ARI002 / ARI003
    "total_inflated": 0.08,  # ARI003
    "missed_full_marks": 0.10,  # SCO001
    "restated_actual": 0.10,  # DUP003
    "stutter": 0.05,  # DUP002
    "measures_copy_problems": 0.10,  # DUP001
    "unit_typo": 0.05,  # IND001
    "claim_contradicts": 0.08,  # CON004
}
UNITS = ["市应急管理局", "市交通运输局", "市教育局", "市卫生健康委员会", "市农业农村局", "市民政局", "市住房和城乡建设局",
         "市生态环境局", "市水利局", "市文化旅游广电局"]
COUNTIES = ["永州", "衡阳", "邵阳", "岳阳", "常德", "郴州", "怀化", "娄底", "湘潭", "株洲"]
OUTPUTS = [("培训人次", "人次"), ("检查企业", "家"), ("宣传活动", "次"), ("维护设备", "台"), ("巡查里程", "公里"),
           ("受理案件", "件"), ("发放补助", "户"), ("建设站点", "个"), ("开展演练", "次"), ("评审预案", "部")]
QUALITY = ["验收合格率", "培训合格率", "整改完成率", "资料归档率", "设备完好率"]
COSTS = ["人员经费", "设备购置费", "宣传印刷费", "培训场地费", "运行维护费"]
PARAGRAPHS = [
    "我单位对于专项资金的管理与使用，坚持量入为出的原则，制定绩效目标，合理安排项目资金使用，确保资金使用规范安全。",
    "严格专项资金审批制度，不挪用、不拖欠、不截留、不滞留项目资金，按规定范围、标准和程序进行使用。",
    "项目资金实行专账核算，按照预算批复的用途和进度拨付，每季度对资金使用情况进行一次检查。",
    "通过项目实施，群众获得感明显增强，社会各界对相关工作的认可度进一步提高，为经济社会发展提供了保障。",
    "项目的实施有效提升了行业监管水平，服务质量和办事效率得到提高，取得了良好的社会效益。",
    "通过满意度调查，服务对象对项目实施情况总体满意，满意度达到预期目标，未收到相关投诉。",
]
PROBLEMS = [
    "部分项目资金拨付进度偏慢，个别支出未能在年度内完成，影响了项目的整体推进。",
    "绩效目标设置不够细化，个别指标难以量化考核，绩效管理意识有待进一步加强。",
    "基层工作人员业务能力参差不齐，项目实施过程中的资料收集和整理不够规范。",
]
MEASURES = [
    "下一步将建立资金支付台账，按月通报拨付进度，对滞后事项约谈相关责任人。",
    "将在编制下年度预算时细化量化绩效指标，邀请第三方参与指标论证。",
    "计划举办两期业务培训，统一资料归档标准，并纳入年度考核。",
]


def _v(x: float) -> str:
    return f"{round(x, 2):g}"


def make_evaluation(rng: random.Random, i: int, planted: Counter) -> Evaluation:
    county = COUNTIES[i % len(COUNTIES)]
    unit = county + UNITS[(i // len(COUNTIES)) % len(UNITS)]
    year = 2019 + (i % 5)
    project = f"{rng.choice(['专项', '运行', '能力建设', '民生'])}项目{i:06d}"
    d = {k for k, p in DEFECTS.items() if rng.random() < p}
    planted.update(d)
    budget = float(rng.randrange(20, 500))
    executed = round(budget * rng.uniform(0.7, 1.0), 1)
    rate = executed / budget
    exec_score = round(10 * rate, 2)
    rows: list[tuple[str, str, str, str, str, float, float, str]] = []  # level1, level2, name, target, actual, w, s, dev
    # 产出 50: 数量 4 × 6, 质量 2 × 5, 时效 2 × 3, 成本 2 × 4 (= 24 + 10 + 6 + 8 = 48) + 1 row of 2
    for name, unit_word in rng.sample(OUTPUTS, 4):
        target = rng.randrange(5, 500)
        actual = round(target * rng.uniform(0.7, 1.3))
        score = 6.0 if actual >= target else round(6 * actual / target, 2)
        if "missed_full_marks" in d and actual < target:
            score = 6.0
            d.discard("missed_full_marks")
        rows.append(("产出指标", "数量指标", name, f"≥{target}{unit_word}", f"{actual}{unit_word}", 6, score,
                     "" if score >= 6 else "部分工作受天气影响延后"))
    for name in rng.sample(QUALITY, 2):
        actual = rng.choice([95, 98, 100])
        rows.append(("产出指标", "质量指标", name, "≥95%", f"{actual}%", 5, 5, ""))
    rows.append(("产出指标", "时效指标", "完成时限", "1-12月", "1-12月", 3, 3, ""))
    rows.append(("产出指标", "时效指标", "资金拨付", "12月底前", "12月20日前完成", 3, 3, ""))
    costs = rng.sample(COSTS, 2)
    share = [round(executed * 0.5, 1), round(executed * 0.3, 1)]
    for name, amount in zip(costs, share, strict=True):
        target = f"≤{_v(amount * 1.1)}万元" if "unit_typo" not in d else f"≤{_v(amount * 1.1)}万元元"
        d.discard("unit_typo")
        rows.append(("产出指标", "成本指标", name, target, f"{_v(amount)}万元", 4, 4, ""))
    rows.append(("产出指标", "数量指标", "形成工作报告", "1份", "1份", 2, 2, ""))
    accidents = rng.randrange(10, 200)
    rows.append(("效益指标", "社会效益指标", "服务对象覆盖率", "≥90%", f"{rng.choice([92, 95, 97])}%", 10, 10, ""))
    rows.append(("效益指标", "社会效益指标", "年度事故起数", f"≤{accidents + 10}起", f"{accidents}起", 10, 10, ""))
    actual_text = "管理水平持续提高，形成长效机制" if "restated_actual" not in d else "工作机制持续完善"
    rows.append(("效益指标", "可持续影响指标", "工作机制", "持续完善", actual_text, 10, 10, ""))
    if "stutter" in d:
        rows[-1] = (*rows[-1][:4], "长效机制长效机制逐步建立", *rows[-1][5:])
    rows.append(("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", f"{rng.choice([92, 95, 98])}%", 10, 10, ""))
    if "weights_short" in d:
        name = rows[0]
        rows[0] = (*name[:5], 3, min(name[6], 3), name[7])
    indicators = [Indicator(level1=l1, level2=l2, name=Text(raw=n), target=Value.of(t), actual=Value.of(a),
                            weight=Value.of(_v(w)), score=Value.of(_v(s)), deviation=Text(raw=dev))
                  for l1, l2, n, t, a, w, s, dev in rows]
    reported_rate = "100%" if "rate_reported_100" in d else f"{rate * 100:.1f}%"
    reported_exec = 10.0 if "rate_reported_100" in d else exec_score
    total = round(reported_exec + sum(r[6] for r in rows), 2)
    if "total_inflated" in d:
        total = round(total + rng.choice([1, 2, 3]), 2)
    funding = [FundingRow(kind="total", label=FUNDING_LABELS["total"], initial_budget=Value.of(_v(budget)),
                          budget=Value.of(_v(budget)), executed=Value.of(_v(executed)), weight=Value.of("10"),
                          rate=Value.of(reported_rate), score=Value.of(_v(reported_exec))),
               FundingRow(kind="current", label=FUNDING_LABELS["current"], initial_budget=Value.of(_v(budget)),
                          budget=Value.of(_v(budget)), executed=Value.of(_v(executed)))]
    claimed = accidents + (7 if "claim_contradicts" in d else 0)
    problems = rng.choice(PROBLEMS)
    measures = ("较好完成了年度目标。" + problems) if "measures_copy_problems" in d else rng.choice(MEASURES)
    narrative = Narrative(
        budget=Text(raw=f"{_v(budget)}万元"), department=Text(raw=unit),
        purpose=Text(raw=f"保障{project}顺利实施，提升{unit}的履职能力和服务水平。"),
        management=Text(raw=f"{project}经费{_v(budget)}万元，全年执行{_v(executed)}万元。" + rng.choice(PARAGRAPHS[:3])),
        achievement=[Text(raw=f"1、产出指标完成情况分析。全年发生事故{claimed}起，较上年有所下降。"),
                     Text(raw="2、效益指标完成情况分析。" + rng.choice(PARAGRAPHS[3:5])),
                     Text(raw="3、满意度指标完成情况分析。" + PARAGRAPHS[5])],
        problems=Text(raw=problems), measures=Text(raw=measures), other=Text(raw="无"))
    return Evaluation(year=year, project=project, department=unit, implementer=unit, narrative=narrative,
                      funding=funding, goal=Goal(expected=Text(raw=f"完成{project}年度各项任务"),
                                                 actual=Text(raw="已完成年度各项任务")),
                      level1=[Level1(name="产出指标", declared_weight=50, raw="产出指标(50分)"),
                              Level1(name="效益指标", declared_weight=30, raw="效益指标（30分）"),
                              Level1(name="满意度指标", declared_weight=10, raw="满意度指标（10分）")],
                      indicators=indicators, total=Total(weight=Value.of("100"), score=Value.of(_v(total))),
                      has_table=True)


# --- seed-shaped filings ------------------------------------------------------------------------------

LEVELS = ("产出指标", "效益指标", "满意度指标")
DECLARED = {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
ROWS_PER_LEVEL = {"产出指标": 0.72, "效益指标": 0.22, "满意度指标": 0.06}  # shares of the rows, as in the seed
PROJECT_WORDS = ["安全生产", "执法办案", "应急救援", "防灾减灾", "隐患排查", "宣传教育", "培训考核", "信息化建设",
                 "物资储备", "监测预警", "综合治理", "专项整治"]
_FIGURE_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*\s*[%％月日年号时期])")


def _seed_templates() -> list[Evaluation]:
    from checker.readers import read_path

    return [ev for f in read_path(ROOT / "fixtures" / "seed_yongzhou_2021.txt") for ev in f.evaluations]


def _vary(text: str, factor: float) -> str:
    """Figures scaled (not percentages, dates or periods), so values differ from filing to filing."""
    def scale(m: re.Match[str]) -> str:
        x = float(m.group(1)) * factor
        return f"{x:.1f}".rstrip("0").rstrip(".") if "." in m.group(1) else str(max(1, round(x)))

    return _FIGURE_RE.sub(scale, text)


def make_seed_shaped(rng: random.Random, templates: list[Evaluation], unit: str, year: int, n: int) -> Evaluation:
    base = rng.choice(templates)
    project = f"{rng.choice(PROJECT_WORDS)}项目{n:03d}"
    factor = rng.uniform(0.5, 2.0)
    pool = {lv: [i for t in templates for i in t.indicators if not i.empty and i.level1 == lv] for lv in LEVELS}
    rows = rng.randint(20, 45)
    indicators: list[Indicator] = []
    for lv in LEVELS:
        k = max(1, round(rows * ROWS_PER_LEVEL[lv]))
        picked = sorted(rng.choices(pool[lv], k=k), key=lambda i: i.level2)
        weight = round(DECLARED[lv] / k, 2)
        weights = [weight] * (k - 1) + [round(DECLARED[lv] - weight * (k - 1), 2)]
        seen: Counter = Counter()
        for ind, w in zip(picked, weights, strict=True):
            seen[ind.name.text] += 1
            name = ind.name.text + (f"（{seen[ind.name.text]}）" if seen[ind.name.text] > 1 else "")
            deducted = rng.random() < 0.1
            score = round(w * rng.uniform(0.6, 0.95), 2) if deducted else w
            indicators.append(Indicator(level1=lv, level2=ind.level2, name=Text(raw=name),
                                        target=Value.of(_vary(ind.target.raw, factor)),
                                        actual=Value.of(_vary(ind.actual.raw, factor)),
                                        weight=Value.of(_v(w)), score=Value.of(_v(score)),
                                        deviation=Text(raw="受疫情影响部分工作延后" if deducted else "")))
    budget = float(rng.randrange(20, 500))
    executed = round(budget * rng.uniform(0.6, 1.0), 1)
    exec_score = round(10 * executed / budget, 2)
    funding = [FundingRow(kind="total", label=FUNDING_LABELS["total"], initial_budget=Value.of(_v(budget)),
                          budget=Value.of(_v(budget)), executed=Value.of(_v(executed)), weight=Value.of("10"),
                          rate=Value.of(f"{executed / budget * 100:.2f}%"), score=Value.of(_v(exec_score))),
               FundingRow(kind="current", label=FUNDING_LABELS["current"], initial_budget=Value.of(_v(budget)),
                          budget=Value.of(_v(budget)), executed=Value.of(_v(executed)))]
    total = round(exec_score + sum(float(i.score.raw) for i in indicators), 2)

    def text(t: Text | None) -> Text:
        raw = (t.raw if t is not None else "").replace(base.project, project).replace(base.department, unit)
        return Text(raw=_vary(raw, factor))

    n0 = base.narrative
    assert n0 is not None and base.goal is not None
    narrative = Narrative(budget=Text(raw=f"{_v(budget)}万元"), department=Text(raw=unit), purpose=text(n0.purpose),
                          management=Text(raw=f"{project}经费{_v(budget)}万元，全年执行{_v(executed)}万元。"
                                              + text(n0.management).raw.split("。", 1)[-1]),
                          achievement=[text(p) for p in n0.achievement], problems=text(n0.problems),
                          measures=text(n0.measures), other=text(n0.other))
    return Evaluation(year=year, project=project, department=unit, implementer=unit, narrative=narrative,
                      funding=funding, goal=Goal(expected=text(base.goal.expected), actual=text(base.goal.actual)),
                      level1=[Level1(name=lv, declared_weight=DECLARED[lv], raw=f"{lv}({DECLARED[lv]:g}分)")
                              for lv in LEVELS],
                      indicators=indicators, total=Total(weight=Value.of("100"), score=Value.of(_v(total))),
                      has_table=True)


def _units(rng: random.Random, count: int, sizes: tuple[int, int]) -> list[tuple[str, int]]:
    """(unit, year) of each filing: runs of 10–50 projects of one unit and year."""
    out: list[tuple[str, int]] = []
    u = 0
    while len(out) < count:
        unit = COUNTIES[u % len(COUNTIES)] + UNITS[(u // len(COUNTIES)) % len(UNITS)] + (f"{u // 100}" if u >= 100 else "")
        out += [(unit, 2020 + u % 4)] * rng.randint(*sizes)
        u += 1
    return out[:count]


def _write(ev: Evaluation, path: Path, fmt: str) -> None:
    if fmt == "yaml":
        path.with_suffix(".yaml").write_text(filings_to_yaml([Filing(source=path.name, evaluations=[ev])],
                                                             parsed=False), encoding="utf-8")
    elif fmt == "docx":
        write_docx([ev], path.with_suffix(".docx"))
    elif fmt == "xlsx":
        write_xlsx([ev], path.with_suffix(".xlsx"))
    else:
        path.with_suffix(".txt").write_text(text_export([ev]), encoding="utf-8")


def _copies(out: Path, count: int) -> dict:
    seed = (ROOT / "fixtures" / "seed_yongzhou_2021.txt").read_text(encoding="utf-8")
    for i in range(count):
        (out / f"seed_{i:05d}.txt").write_text(seed.replace("永州市应急管理局", f"测试单位{i // 10}局"), encoding="utf-8")
    manifest = {"count": count, "format": "text", "shape": "copies", "filings": 3 * count}
    (out / "MANIFEST").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def generate(out: Path, count: int, fmt: str, seed: int = 7, shape: str = "small",
             unit_sizes: tuple[int, int] = (10, 50)) -> dict:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    if shape == "copies":
        return _copies(out, count)
    planted: Counter = Counter()
    templates = _seed_templates() if shape == "seed" else []
    units = _units(rng, count, unit_sizes) if shape == "seed" else []
    for i in range(count):
        if shape == "seed":
            unit, year = units[i]
            ev = make_seed_shaped(rng, templates, unit, year, i)
            sub = out / f"{unit}_{year}"
        else:
            ev = make_evaluation(rng, i, planted)
            sub = out / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        _write(ev, sub / f"filing_{i:06d}", fmt)
    manifest = {"count": count, "format": fmt, "seed": seed, "shape": shape,
                "units": len(set(units)) if units else None, "planted": dict(sorted(planted.items()))}
    (out / "MANIFEST").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--format", choices=("text", "yaml", "docx", "xlsx"), default="text")
    p.add_argument("--shape", choices=("small", "seed", "copies"), default="small",
                   help="small: 17 rows, planted defects; seed: the seed's size and value forms, units of 10–50; "
                        "copies: the seed's text export copied, units of 30 filings")
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    print(json.dumps(generate(a.out, a.count, a.format, a.seed, a.shape), ensure_ascii=False))


if __name__ == "__main__":
    main()
