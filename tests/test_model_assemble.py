"""`assemble` builds models without a validation pass (the readers' and the checker's hot path). It must
give exactly what validation gives — same fields, same defaults, same dump order, private attributes
set — for every model it is used on, so a pydantic upgrade that changes the internals fails here."""

from __future__ import annotations

import json
import pickle

import pytest

from checker.findings import Bilingual, Evidence, Finding, FindingLocation, OtherPlace
from checker.model import Indicator, Location, Text, Value, assemble
from checker.quantity import parse_quantity

LOC = {"table": 1, "row": 2, "col": 3, "paragraph": None, "line": 40, "sheet": None, "cell": None}
CASES = [
    (Location, LOC),
    (Location, {"table": 0}),
    (Text, {"raw": "存在的问题", "loc": Location(**LOC)}),
    (Value, {"raw": "≥95%", "parsed": parse_quantity("≥95%"), "loc": None}),
    (Indicator, {"level1": "产出指标", "level2": "数量指标", "name": Text(raw="培训人次"),
                 "target": Value(raw="≥500人次"), "actual": Value(raw="520人次")}),
    (Bilingual, {"zh": "中", "en": "en"}),
    (FindingLocation, {"path": ["自评表", "总分"], "source": Location(**LOC), "text": "95"}),
    (OtherPlace, {"project": "乙项目", "section": "自评报告", "location": None}),
    (Evidence, {"kind": "figures", "reported": 100, "computed": 42.19, "items": ["a"], "others": []}),
    (Finding, {"rule": "BUD001", "category": "budget", "severity": "error", "title": Bilingual(zh="甲", en="a"),
               "message": Bilingual(zh="乙", en="b"), "source": "x.txt", "project": "甲项目", "year": 2021}),
]


@pytest.mark.parametrize(("cls", "values"), CASES, ids=lambda x: getattr(x, "__name__", ""))
def test_assemble_equals_validation(cls, values):
    built, validated = assemble(cls, **values), cls(**values)
    assert built == validated
    assert json.dumps(built.model_dump(mode="json")) == json.dumps(validated.model_dump(mode="json"))
    assert built.model_dump_json(exclude_defaults=True) == validated.model_dump_json(exclude_defaults=True)
    assert built.model_fields_set == validated.model_fields_set
    assert pickle.loads(pickle.dumps(built)) == validated


def test_private_attributes_are_set():
    f = assemble(Finding, **dict(CASES[-1][1]))
    assert f._order == 0
    f._order = 7
    assert f.model_copy()._order == 7
