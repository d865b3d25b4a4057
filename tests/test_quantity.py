"""Table-driven tests of value parsing: every value form of the seed and of docs/design.md."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from checker.quantity import chinese_numeral, parse_quantity

# text, kind, op, value, unit, extra attributes to check
CASES = [
    ("＞1200个", "number", ">", 1200, "个", {}),
    ("7134个", "number", None, 7134, "个", {}),
    ("≥4期", "number", ">=", 4, "期", {}),
    ("≧95%", "number", ">=", 95, "%", {}),
    ("　≧95%", "number", ">=", 95, "%", {}),
    ("≦5%", "number", "<=", 5, "%", {}),
    ("＜3次", "number", "<", 3, "次", {}),
    ("<=10天", "number", "<=", 10, "天", {}),
    ("=100%", "number", "=", 100, "%", {}),
    ("不低于90%", "number", ">=", 90, "%", {}),
    ("不少于20家", "number", ">=", 20, "家", {}),
    ("不超过5%", "number", "<=", 5, "%", {}),
    ("95%以上", "number", ">=", 95, "%", {}),
    ("3天以内", "number", "<=", 3, "天", {}),
    ("达到100%", "number", ">=", 100, "%", {}),
    ("　210", "number", None, 210, None, {}),
    ("1244", "number", None, 1244, None, {}),
    ("100%　", "number", None, 100, "%", {}),
    ("86.448%", "number", None, 86.448, "%", {}),
    ("1,200人次", "number", None, 1200, "人次", {}),
    ("≥700人次", "number", ">=", 700, "人次", {}),
    ("合格率≥80%　　", "number", ">=", 80, "%", {"label": "合格率"}),
    ("85家企业", "number", None, 85, "家", {"subject": "企业"}),
    ("3个行业专项整治行动", "number", None, 3, "个", {"subject": "行业专项整治行动"}),
    # money is normalised to 万元
    ("210万元", "number", None, 210, "万元", {}),
    ("　40万元", "number", None, 40, "万元", {}),
    ("1200元", "number", None, 0.12, "万元", {"number": 1200, "raw_unit": "元"}),
    ("1.5亿元", "number", None, 15000, "万元", {}),
    ("2万人次", "number", None, 20000, "人次", {}),
    # Chinese numerals
    ("两次", "number", None, 2, "次", {}),
    ("十二个月", "number", None, 12, "个月", {}),
    ("三个", "number", None, 3, "个", {}),
    # expressions
    ("5*4=20万元", "expression", None, 20, "万元", {"issues": []}),
    ("20*2=40万元", "expression", None, 40, "万元", {}),
    ("0.5*10=5万元", "expression", None, 5, "万元", {}),
    ("5×4=21万元", "expression", None, 21, "万元", {"issues": ["expression gives 20, not 21"]}),
    # per-unit rates
    ("5万元/期", "rate", None, 5, "万元", {"per": "期"}),
    ("20万元/次", "rate", None, 20, "万元", {"per": "次"}),
    ("每月至少5次", "rate", ">=", 5, "次", {"per": "月"}),
    ("0.5万元元/部", "rate", None, 0.5, None, {"raw_unit": "万元元", "issues": ["unknown unit 万元元"], "per": "部"}),
    # ranges
    ("1-12月", "range", None, None, "月", {"low": 1, "high": 12}),
    ("2021-2023年", "range", None, None, "年", {"low": 2021, "high": 2023}),
    ("1～12月", "range", None, None, "月", {"low": 1, "high": 12}),
    # changes
    ("同比下降10%", "change", None, 10, "%", {"direction": "down", "base": "同比"}),
    ("同比下降10%以上", "change", ">=", 10, "%", {"direction": "down"}),
    ("同比增长5个百分点", "change", None, 5, "个百分点", {"direction": "up"}),
    # dates
    ("2022年11月25日", "date", None, None, None, {}),
    ("3月", "date", None, None, None, {}),
    # figures in words and signs: read right or not at all
    ("百分之五十", "number", None, 50, "%", {}),
    ("达到百分之九十五以上", "number", ">=", 95, "%", {}),
    ("百分之95.5", "number", None, 95.5, "%", {}),
    ("三分之一", "text", None, None, None, {}),
    ("负96", "number", None, -96, None, {}),
    ("负96万元", "number", None, -96, "万元", {}),
    ("\u221296万元", "number", None, -96, "万元", {}),
    ("－96万元", "number", None, -96, "万元", {}),
    ("1" + "0" * 400, "text", None, None, None, {"issues": ["figure beyond any plausible amount"]}),
    ("20000000000000万元", "text", None, None, None, {"issues": ["figure beyond any plausible amount"]}),
    # empty and free text: never a number
    ("", "empty", None, None, None, {}),
    ("　", "empty", None, None, None, {}),
    ("比上期降低", "text", None, None, None, {}),
    ("持续提高", "text", None, None, None, {}),
    ("每月一交办", "text", None, None, None, {}),
    ("非特护期", "text", None, None, None, {}),
    ("达到国家和省验收要求", "text", None, None, None, {}),
    ("每季度一次考核，不定时巡查", "text", None, None, None, {}),
    ("已评审了防汛、抗旱等10部专项预案，每部预案均具有可实际操作性", "text", None, None, None, {}),
    ("已于1月19日、4月24日分别开展了全省森林火灾演练", "text", None, None, None, {}),
]


@pytest.mark.parametrize(("text", "kind", "op", "value", "unit", "extra"), CASES, ids=[c[0] or "blank" for c in CASES])
def test_parse_quantity(text, kind, op, value, unit, extra):
    q = parse_quantity(text)
    assert q.kind == kind
    assert q.op == op
    assert q.value == (pytest.approx(value) if value is not None else None)
    assert q.unit == unit
    for attr, expected in extra.items():
        got = getattr(q, attr)
        assert got == (pytest.approx(expected) if isinstance(expected, float | int) else expected), attr


LISTS = [
    ("考核4次，巡查2次", [("考核", 4, "次"), ("巡查", 2, "次")]),
    ("国家级2个，省级4个", [("国家级", 2, "个"), ("省级", 4, "个")]),
    ("生产安全事故80起，同比减少13起，下降14%", [("生产安全事故", 80, "起"), (None, 13, "起"), (None, 14, "%")]),
]


@pytest.mark.parametrize(("text", "items"), LISTS)
def test_lists(text, items):
    q = parse_quantity(text)
    assert q.kind == "list"
    assert q.value is None  # a list has no single figure
    assert [(i.label, i.value, i.unit) for i in q.items] == items


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("3月、10月", [{"month": 3}, {"month": 10}]),
        ("1月19日、4月24日", [{"month": 1, "day": 19}, {"month": 4, "day": 24}]),
        ("2022年11月25日", [{"year": 2022, "month": 11, "day": 25}]),
        ("1-12月", [{"month": 1}, {"month": 12}]),
        ("2021-2023年", [{"year": 2021}, {"year": 2023}]),
    ],
)
def test_dates(text, dates):
    q = parse_quantity(text)
    assert [d.model_dump(exclude_none=True) for d in q.dates] == dates


@pytest.mark.parametrize(("text", "n"), [("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20),
                                         ("一百二十", 120), ("三千零五", 3005), ("一万二千", 12000), ("一二", None),
                                         ("abc", None)])
def test_chinese_numeral(text, n):
    assert chinese_numeral(text) == n


def test_quantities_are_frozen():
    q = parse_quantity("5次")
    with pytest.raises(ValidationError):
        q.value = 6  # type: ignore[misc]
    assert parse_quantity("5次").value == 5


def test_an_implausible_figure_is_a_reader_warning_not_a_finding(tmp_path):
    from checker.readers import read_path

    path = tmp_path / "f.yaml"
    path.write_text("evaluations:\n  - project: 示例项目\n    has_table: true\n    funding:\n"
                    "      - {kind: total, label: 年度资金总额, budget: '" + "9" * 400 + "', executed: '50', rate: 100%}\n",
                    encoding="utf-8")
    [ev] = read_path(path)[0].evaluations
    assert ev.funding[0].budget.number is None
    assert ev.warnings == ["999999999999999999999999… is a figure beyond any plausible amount; read as no figure"]


@pytest.mark.parametrize("text", ["9" * 400 + "*2=5万元", "5、" + "9" * 400 + "个", "1-" + "9" * 400 + "月"])
def test_no_part_of_a_value_is_infinite(text):
    q = parse_quantity(text)
    assert q.kind == "text" and q.issues == ["figure beyond any plausible amount"]


def test_parse_json_never_writes_infinity(tmp_path, capsys):
    from checker.cli import main

    path = tmp_path / "f.yaml"
    path.write_text("evaluations:\n  - project: 示例项目\n    has_table: true\n    indicators:\n"
                    "      - {level1: 产出指标, level2: 数量指标, name: 数量, target: '5、" + "9" * 400 + "个', actual: 5个}\n",
                    encoding="utf-8")
    assert main(["parse", str(path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "Infinity" not in out and "NaN" not in out
