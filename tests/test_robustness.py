"""Mutated filings (lines dropped, cells cut, tables broken) never crash: they read, or fail with InputError."""

from __future__ import annotations

import contextlib
import io
import random
import re
import zipfile

import pytest

from checker.errors import InputError
from checker.readers import read_bytes
from checker.rulebook import bundled_rules_dir, load_rules
from tests.conftest import FIXTURES, SEED, check_reports

RULES = load_rules([bundled_rules_dir()])


def _read_and_check(data: bytes, name: str) -> None:
    # a clear InputError is a fine answer; any other exception fails the test
    with contextlib.suppress(InputError):
        check_reports(read_bytes(data, name), RULES)


def _mutate_lines(lines: list[str], rng: random.Random) -> str:
    out = list(lines)
    for _ in range(rng.randint(1, 30)):
        j = rng.randrange(len(out))
        op = rng.random()
        if op < 0.3:
            del out[j]
        elif op < 0.5:
            out.insert(j, rng.choice(out))
        elif op < 0.7:
            out[j] = out[j].replace("\t", "")
        elif op < 0.85:
            out[j] = "\t" + out[j]
        else:
            out[j] = out[j][: rng.randrange(len(out[j]) + 1)]
    return "\n".join(out)


@pytest.mark.parametrize("seed", range(60))
def test_mutated_text_export(seed):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    _read_and_check(_mutate_lines(lines, random.Random(seed)).encode("utf-8"), "mutated.txt")


@pytest.mark.parametrize("seed", range(20))
def test_mutated_docx(seed):
    rng = random.Random(seed)
    with zipfile.ZipFile(FIXTURES / "seed_yongzhou_2021.docx") as zin:
        files = {name: zin.read(name) for name in zin.namelist()}
    doc = files["word/document.xml"].decode("utf-8")
    for _ in range(rng.randint(1, 5)):
        op = rng.random()
        if op < 0.5:  # drop a row or a cell
            tag = rng.choice(["w:tr", "w:tc"])
            found = list(re.finditer(f"<{tag}[ >].*?</{tag}>", doc, flags=re.S))
            if found:
                m = rng.choice(found)
                doc = doc[: m.start()] + doc[m.end():]
        elif op < 0.8:  # replace a text run by a label or a figure
            found = list(re.finditer(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", doc))
            if found:
                m = rng.choice(found)
                doc = doc[: m.start(1)] + rng.choice(["", "总分", "100", "≥", "三级指标", "年度资金总额"]) + doc[m.end(1):]
        else:  # break the grid
            found = list(re.finditer(r'<w:gridSpan w:val="\d+"/>', doc))
            if found:
                m = rng.choice(found)
                doc = doc[: m.start()] + f'<w:gridSpan w:val="{rng.randint(1, 9)}"/>' + doc[m.end():]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, doc.encode("utf-8") if name == "word/document.xml" else data)
    _read_and_check(out.getvalue(), "mutated.docx")
