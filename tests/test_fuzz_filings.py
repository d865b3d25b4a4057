"""Filings damaged the way real ones are — lines or cells lost, repeated, swapped, cut short; a table's rows
dropped — are read and checked without a single internal error: whatever is left is either read (with
warnings and completeness findings) or refused with a message naming the file."""

from __future__ import annotations

import copy
import io
import os

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.batch import BatchSpec, check_file, init_worker
from checker.rulebook import bundled_rules_dir, load_rules
from tests.conftest import FIXTURES

# the suite runs a fixed set of examples (CI must not pass or fail by chance); JXCHECK_FUZZ_EXAMPLES=2000
# JXCHECK_FUZZ_RANDOM=1 explores further
FUZZ = settings(max_examples=int(os.environ.get("JXCHECK_FUZZ_EXAMPLES", "40")), deadline=None,
                derandomize=os.environ.get("JXCHECK_FUZZ_RANDOM") != "1", database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SEED_LINES = (FIXTURES / "seed_yongzhou_2021.txt").read_text(encoding="utf-8").split("\n")
REAL_LINES = [p.read_text(encoding="utf-8").split("\n") for p in sorted((FIXTURES / "real").glob("*.txt"))]


@pytest.fixture(scope="module")
def worker():
    return init_worker(BatchSpec(load_rules([bundled_rules_dir()])))


edits = st.lists(st.tuples(st.sampled_from(["drop", "repeat", "swap", "cut", "blank", "tab", "write"]),
                           st.integers(0, 10**6), st.integers(1, 40)), min_size=1, max_size=8)
# what a damaged or careless cell holds
ODD_TEXT = ["100%%", "≥", "1-12月", "5*4=20万元", "#DIV/0!", "０．５", "一百", "--", "＞1200个", "1e400", "∞", "nan",
            "99999999999999999999999", "-0", "≤-5%", "1/0", "（", "）", "10分（", "产出指标(50分", "合计", "总分",
            "得分", "分值", "年度指标值", "实际完成值", "执行率", "0.0000001%", "1,000,000.5万元", "½", "Ⅻ", "\u200b"]


def _damage(lines: list[str], ops) -> list[str]:
    lines = list(lines)
    for op, at, n in ops:
        if not lines:
            break
        i = at % len(lines)
        if op == "drop":
            del lines[i:i + n]
        elif op == "repeat":
            lines[i:i] = lines[i:i + n]
        elif op == "swap":
            j = (i + n) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cut":
            lines = lines[:max(1, i)]
        elif op == "blank":
            lines[i] = ""
        elif op == "write":
            lines[i] = "\t" + ODD_TEXT[n % len(ODD_TEXT)]
        else:
            lines[i] = "\t" + lines[i]
    return lines


def _no_internal_error(result) -> None:
    for e in result.errors:
        assert "internal error" not in e.message and "could not be checked" not in e.message, e


@FUZZ
@given(st.integers(0, len(REAL_LINES)), edits)
def test_damaged_text_exports(tmp_path_factory, worker, which, ops):
    lines = SEED_LINES if which == len(REAL_LINES) else REAL_LINES[which]
    path = tmp_path_factory.mktemp("fz") / "damaged.txt"
    path.write_text("\n".join(_damage(lines, ops)), encoding="utf-8")
    _no_internal_error(check_file(str(path), worker))


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["row", "cell", "table", "text", "write"]), st.integers(0, 10**6)),
                min_size=1, max_size=10))
def test_damaged_word_tables(tmp_path_factory, worker, ops):
    document = docx.Document(str(FIXTURES / "seed_yongzhou_2021.docx"))
    body = document.element.body
    for op, at in ops:
        tables = body.findall(qn("w:tbl"))
        if not tables:
            break
        table = tables[at % len(tables)]
        rows = table.findall(qn("w:tr"))
        if op == "table":
            body.remove(table)
        elif op == "row" and rows:
            table.remove(rows[at % len(rows)])
        elif rows:
            row = rows[at % len(rows)]
            cells = row.findall(qn("w:tc"))
            if not cells:
                continue
            cell = cells[at % len(cells)]
            if op == "cell":
                row.remove(cell)
            elif op == "write":
                t = next(cell.iter(qn("w:t")), None)
                if t is not None:
                    t.text = ODD_TEXT[at % len(ODD_TEXT)]
            else:  # a cell's text moved into its neighbour
                other = cells[(at + 1) % len(cells)]
                for p in cell.findall(qn("w:p")):
                    other.append(copy.deepcopy(p))
    buf = io.BytesIO()
    document.save(buf)
    path = tmp_path_factory.mktemp("fz") / "damaged.docx"
    path.write_bytes(buf.getvalue())
    _no_internal_error(check_file(str(path), worker))


odd_values = st.one_of(st.none(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                       st.text(max_size=12), st.sampled_from(["100%%", "≥", "1-12月", "5*4=20万元", "=1/0", "#DIV/0!",
                                                              "０．５", "一百", "--", "＞1200个", "1e400", "∞"]))


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["value", "row", "clear"]), st.integers(0, 10**6), odd_values),
                min_size=1, max_size=12))
def test_damaged_workbooks(tmp_path_factory, worker, ops):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = load_workbook(FIXTURES / "seed_yongzhou_2021.xlsx")
    for op, at, value in ops:
        ws = wb.worksheets[at % len(wb.worksheets)]
        cells = [c for row in ws.iter_rows() for c in row if c.value is not None and c.coordinate not in ws.merged_cells]
        if not cells:
            continue
        cell = cells[at % len(cells)]
        if op == "row":
            ws.delete_rows(cell.row)
        else:
            try:
                cell.value = None if op == "clear" else value
            except (IllegalCharacterError, ValueError):  # openpyxl refuses it before it reaches a file
                continue
    path = tmp_path_factory.mktemp("fz") / "damaged.xlsx"
    try:
        wb.save(path)
    except (ValueError, TypeError):  # openpyxl refuses some values itself (NaN, control characters)
        return
    _no_internal_error(check_file(str(path), worker))


def test_a_stored_value_beyond_excels_range(tmp_path, worker):
    """Found by test_damaged_workbooks: 1.7976931348623155e+308 in a cell reads back as infinity."""
    from openpyxl import load_workbook

    wb = load_workbook(FIXTURES / "seed_yongzhou_2021.xlsx")
    ws = wb.worksheets[0]
    next(c for row in ws.iter_rows() for c in row if isinstance(c.value, int | float)).value = 1.7976931348623155e+308
    path = tmp_path / "huge.xlsx"
    wb.save(path)
    result = check_file(str(path), worker)
    _no_internal_error(result)
    assert result.reports


@pytest.fixture(scope="module")
def seed_yaml(tmp_path_factory):
    import contextlib

    from checker.cli import main

    path = tmp_path_factory.mktemp("yaml") / "seed.yaml"
    with path.open("w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        main(["parse", str(FIXTURES / "seed_yongzhou_2021.txt"), "-j", "0", "--no-parsed"])
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i))
    else:
        yield path


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10**6), odd_values), min_size=1, max_size=10))
def test_damaged_canonical_yaml(tmp_path_factory, worker, seed_yaml, ops):
    import yaml

    data = copy.deepcopy(seed_yaml)
    leaves = list(_leaves(data))
    for at, value in ops:
        *parent, last = leaves[at % len(leaves)]
        node = data
        for k in parent:
            node = node[k]
        node[last] = value
    path = tmp_path_factory.mktemp("fz") / "damaged.yaml"
    try:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    except yaml.YAMLError:
        return
    _no_internal_error(check_file(str(path), worker))
