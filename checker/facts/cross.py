"""Facts across the filings of one run: pasted paragraphs and one metric stated differently.

Each evaluation contributes compact features (sentence hashes of its report paragraphs, the figures of its
indicator actuals), so a filing's model can be dropped as soon as it is checked. The features go into a
SQLite index — in memory for small runs, on disk for archives — and pairs are found by joining on the
hash, never by comparing every pair of filings. A sentence or metric shared by very many filings (pasted
boilerplate) is paired with its first `HOLDERS_CAP` holders only, so the work stays linear while the
count of holders is still reported. Two evaluations of the same project, unit and year (one filing read
from two formats) are not compared.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from checker.facts.build import FactBuilder, FactRecord, indicator_path
from checker.facts.figures import figures
from checker.facts.text import sentences, shorten, squash
from checker.model import Evaluation, Location

# Names of statistics that belong to a whole unit or area, not to one project.
AREA_WORDS = ("全市", "全县", "全区", "全省", "全州", "辖区", "全镇", "全乡", "本地区", "全行业")
MIN_SENTENCE = 12  # squashed characters: shorter sentences ("无。", "已完成。") say nothing about copying
SHARE_FLOOR = 0.2  # below this share a paragraph is not reported as a fact at all
HOLDERS_CAP = 20  # holders of one sentence or metric that are paired explicitly
OTHERS_SHOWN = 5  # other places listed in a finding's evidence
COMMIT_EVERY = 500  # evaluations per index transaction


@dataclass
class EvalMeta:
    key: int
    source: str
    project: str
    department: str
    year: int | None
    identity: tuple[str, str, int | None] = field(init=False)

    def __post_init__(self) -> None:
        self.identity = (squash(self.project), squash(self.department), self.year)


@dataclass
class ParagraphFeature:
    path: list[str]
    loc: str | None  # Location as JSON: made once, in the worker
    text: str
    sentences: list[tuple[int, int]]  # (hash, length) of each long enough sentence


@dataclass
class MetricFeature:
    metric: str
    dimension: str
    value: float
    name: str
    text: str
    path: list[str]
    loc: str | None  # Location as JSON


@dataclass
class CrossFeatures:
    meta: EvalMeta
    paragraphs: list[ParagraphFeature] = field(default_factory=list)
    metrics: list[MetricFeature] = field(default_factory=list)


def _hash(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def extract_features(ev: Evaluation, key: int, source: str) -> CrossFeatures:
    feats = CrossFeatures(EvalMeta(key, source, ev.project, ev.department, ev.year))
    n = ev.narrative
    if n is not None:
        texts = [(["自评报告", label], getattr(n, name)) for name, label in (
            ("purpose", "项目立项目的"), ("management", "项目支出管理和使用基本情况"), ("problems", "存在的问题"),
            ("measures", "改进措施"))]
        texts += [(["自评报告", "项目绩效目标完成情况", f"第{k + 1}段"], p) for k, p in enumerate(n.achievement)]
        for path, t in texts:
            if t is None or t.empty:
                continue
            sents = [(_hash(s), len(s)) for s in (squash(x) for x in sentences(t.raw)) if len(s) >= MIN_SENTENCE]
            feats.paragraphs.append(ParagraphFeature(path, _json_loc(t.loc), t.raw, sents))
    for ind in ev.indicators:
        if ind.empty or not ind.name.text:
            continue
        seen: set[str] = set()
        path = indicator_path(ind)
        for fig in figures(ind.actual.raw):
            if fig.dimension not in seen:
                seen.add(fig.dimension)
                feats.metrics.append(MetricFeature(squash(ind.name.text), fig.dimension, fig.value, ind.name.text,
                                                   ind.actual.raw.strip(" \u3000"), path, _json_loc(ind.actual.loc)))
    return feats


_SCHEMA = """
CREATE TABLE meta(ekey INTEGER PRIMARY KEY, source TEXT, project TEXT, department TEXT, year INTEGER, ident TEXT);
CREATE TABLE para(ekey INTEGER, para INTEGER, path TEXT, loc TEXT, text TEXT, len INTEGER,
                  PRIMARY KEY(ekey, para));
CREATE TABLE sent(h INTEGER, ekey INTEGER, para INTEGER, len INTEGER);
CREATE TABLE metric(ekey INTEGER, idx INTEGER, grp TEXT, wide INTEGER, metric TEXT, dimension TEXT, value REAL, name TEXT,
                    text TEXT, path TEXT, loc TEXT, PRIMARY KEY(ekey, idx));
"""


def unit_wide(name: str, dimension: str) -> bool:
    """A statistic of the whole unit or area (a year-on-year change, 全市…), not a per-project count.

    Only such figures are paired across projects: per-project counts differ legitimately, and pairing
    them would grow with the square of a unit's projects.
    """
    return dimension.startswith(("下降", "增长")) or any(w in name for w in AREA_WORDS)


def _json_loc(loc: Location | None) -> str | None:
    return loc.model_dump_json(exclude_none=True) if loc is not None else None


def _loc(s: str | None) -> Location | None:
    return Location.model_validate_json(s) if s else None


class CrossIndex:
    """Collects features during a run, then yields the cross-filing facts of each evaluation."""

    def __init__(self, path: Path | None = None) -> None:
        # autocommit with explicit batches: one transaction for the whole archive would keep every page in
        # memory until the end
        self.db = sqlite3.connect(str(path) if path else ":memory:", isolation_level=None)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;" + _SCHEMA)
        self.db.execute("BEGIN")
        self.count = 0
        self._para_cache: dict[tuple[int, int], tuple[list[str], Location | None, str]] = {}
        self._meta_cache: dict[int, EvalMeta] = {}

    def close(self) -> None:
        self.db.close()

    def add(self, f: CrossFeatures) -> None:
        m = f.meta
        self.count += 1
        if self.count % COMMIT_EVERY == 0:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
        self.db.execute("INSERT INTO meta VALUES (?,?,?,?,?,?)",
                        (m.key, m.source, m.project, m.department, m.year, json.dumps(m.identity, ensure_ascii=False)))
        for i, p in enumerate(f.paragraphs):
            self.db.execute("INSERT INTO para VALUES (?,?,?,?,?,?)",
                            (m.key, i, json.dumps(p.path, ensure_ascii=False), p.loc, p.text, len(squash(p.text))))
            self.db.executemany("INSERT INTO sent VALUES (?,?,?,?)", [(h, m.key, i, n) for h, n in p.sentences])
        grp_base = [squash(m.department), m.year]
        self.db.executemany(
            "INSERT INTO metric VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(m.key, i, json.dumps([*grp_base, x.metric, x.dimension], ensure_ascii=False), unit_wide(x.name, x.dimension),
              x.metric, x.dimension,
              x.value, x.name, x.text, json.dumps(x.path, ensure_ascii=False), x.loc) for i, x in enumerate(f.metrics)])

    # --- queries -------------------------------------------------------------------------------------

    def _meta(self, key: int) -> EvalMeta:
        hit = self._meta_cache.get(key)
        if hit is None:
            if len(self._meta_cache) > 50_000:  # bounded: an archive's metadata stays on disk
                self._meta_cache.clear()
            row = self.db.execute("SELECT source, project, department, year FROM meta WHERE ekey=?", (key,)).fetchone()
            hit = self._meta_cache[key] = EvalMeta(key, *row)
        return hit

    def facts(self) -> Iterator[tuple[int, str, list[FactRecord]]]:
        """(evaluation key, its source, its cross-filing facts), in key order, streamed."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        if self.count < 2:
            return
        pastes = self._pastes()
        pairs = self._metric_pairs()
        for key, items in _merge(pastes, pairs):
            meta = self._meta(key)
            builder = FactBuilder(meta, key, prefix="x")  # type: ignore[arg-type]
            records = [self._paste_record(builder, *p) for p in items[0]]
            records += [self._pair_record(builder, *p) for p in items[1]]
            yield key, meta.source, records

    def _pastes(self) -> Iterator[tuple[int, list]]:
        """(evaluation key, its pasted paragraphs), in key order."""
        db = self.db
        db.executescript("""
            CREATE INDEX IF NOT EXISTS sent_h ON sent(h);
            DROP TABLE IF EXISTS holders;
            DROP TABLE IF EXISTS hcount;
            CREATE TEMP TABLE hcount AS SELECT h, COUNT(DISTINCT ekey) AS n FROM sent GROUP BY h;
            CREATE INDEX hcount_h ON hcount(h);
            CREATE TEMP TABLE holders AS
              SELECT s.h, s.ekey, s.para, s.len, c.n,
                     ROW_NUMBER() OVER (PARTITION BY s.h ORDER BY s.ekey, s.para) AS rnk
              FROM sent s JOIN hcount c ON c.h = s.h WHERE c.n > 1;
            CREATE INDEX holders_h ON holders(h, rnk);
        """)
        rows = db.execute(f"""
            SELECT a.ekey, a.para, b.ekey, b.para, SUM(a.len), MAX(a.n), p.len
            FROM holders a JOIN holders b ON b.h = a.h AND b.ekey != a.ekey AND b.rnk <= {HOLDERS_CAP}
            JOIN para p ON p.ekey = a.ekey AND p.para = a.para
            GROUP BY a.ekey, a.para, b.ekey, b.para
            ORDER BY a.ekey, a.para, b.ekey, b.para""")
        current: tuple[int, int] | None = None
        best: dict[int, tuple[float, int]] = {}
        holders = 0
        items: list = []
        for ak, ap, bk, bp, shared, n, length in rows:
            if (ak, ap) != current:
                if current is not None:
                    items += self._paragraph_result(current, best, holders)
                    if ak != current[0] and items:
                        yield current[0], items
                        items = []
                    elif ak != current[0]:
                        items = []
                current, best, holders = (ak, ap), {}, 0
            if not length or self._meta(ak).identity == self._meta(bk).identity:
                continue
            ratio = min(shared / length, 1.0)
            if ratio > best.get(bk, (0.0, 0))[0]:
                best[bk] = (ratio, bp)
            holders = max(holders, n - 1)
        if current is not None:
            items += self._paragraph_result(current, best, holders)
            if items:
                yield current[0], items

    @staticmethod
    def _paragraph_result(current: tuple[int, int], best: dict[int, tuple[float, int]], holders: int) -> list:
        key, para = current
        others = sorted(((r, bk, bp) for bk, (r, bp) in best.items() if r >= SHARE_FLOOR), key=lambda x: (-x[0], x[1]))
        if not others or min(bk for _, bk, _ in others) < key:
            return []  # one finding per pasted group: on its first project, listing the others
        # past the cap the explicit pairs are a sample: report how many filings hold the text
        return [(para, others, holders if holders > HOLDERS_CAP else len(others))]

    def _para(self, key: int, para: int) -> tuple[list[str], Location | None, str]:
        hit = self._para_cache.get((key, para))
        if hit is None:
            path, loc, text = self.db.execute("SELECT path, loc, text FROM para WHERE ekey=? AND para=?",
                                              (key, para)).fetchone()
            hit = (json.loads(path), _loc(loc), text)
            if len(self._para_cache) > 10_000:  # the paragraphs of the most pasted texts stay, memory stays flat
                self._para_cache.clear()
            self._para_cache[(key, para)] = hit
        return hit

    def _paste_record(self, builder: FactBuilder, para: int, others: list[tuple[float, int, int]],
                      count: int) -> FactRecord:
        path, loc, text = self._para(builder.eval_key, para)
        ratio, okey, opara = others[0]
        opath = self._para(okey, opara)[0]
        other = self._meta(okey)
        rec = builder.add("paste", {"section": " › ".join(path[1:]), "text": shorten(text, 80),
                                    "other_project": other.project, "other_section": " › ".join(opath[1:]),
                                    "other_source": other.source, "others": count,
                                    "shared_ratio": round(ratio, 3)}, loc, path, cell_text=text)
        for r, k, p in others[:OTHERS_SHOWN]:
            kpath, kloc, _ = self._para(k, p)
            meta = self._meta(k)
            rec.others.append({"source": meta.source, "project": meta.project, "section": " › ".join(kpath),
                               "location": kloc, "shared_ratio": round(r, 3)})
        return rec

    def _metric_pairs(self) -> Iterator[tuple[int, list]]:
        """(evaluation key, its metric pairs), in key order."""
        db = self.db
        db.executescript("""
            DROP TABLE IF EXISTS mgroups;
            CREATE TEMP TABLE mgroups AS
              SELECT ekey, idx, grp, value, rnk FROM (
                SELECT ekey, idx, grp, value, COUNT(*) OVER (PARTITION BY grp) AS n,
                       ROW_NUMBER() OVER (PARTITION BY grp ORDER BY ekey, idx) AS rnk FROM metric WHERE wide = 1)
              WHERE n > 1;
            CREATE INDEX mgroups_grp ON mgroups(grp, rnk);
        """)
        # equal figures agree: only differing ones form a pair
        rows = db.execute(f"""
            SELECT a.ekey, a.idx, b.ekey, b.idx FROM mgroups a
            JOIN mgroups b ON b.grp = a.grp AND b.ekey != a.ekey AND b.rnk <= {HOLDERS_CAP} AND b.value != a.value
            ORDER BY a.ekey, a.idx, b.ekey, b.idx""")
        current, items = None, []
        for ak, ai, bk, bi in rows:
            if ak != current:
                if items:
                    yield current, items
                current, items = ak, []
            a, b = self._meta(ak), self._meta(bk)
            if a.identity == b.identity or squash(a.project) == squash(b.project):
                continue
            items.append((ai, bk, bi))
        if items:
            yield current, items

    def _metric(self, key: int, idx: int) -> tuple:
        return self.db.execute("SELECT metric, dimension, value, name, text, path, loc FROM metric "
                               "WHERE ekey=? AND idx=?", (key, idx)).fetchone()

    def _pair_record(self, builder: FactBuilder, idx: int, okey: int, oidx: int) -> FactRecord:
        metric, dimension, value, name, text, path, loc = self._metric(builder.eval_key, idx)
        _, _, ovalue, _, otext, opath, oloc = self._metric(okey, oidx)
        o = self._meta(okey)
        rec = builder.add("metric_pair", {"metric": metric, "name": name, "dimension": dimension, "value": value,
                                          "text": text, "other_project": o.project, "other_value": ovalue,
                                          "other_text": otext, "other_source": o.source,
                                          "gap_abs": round(abs(value - ovalue), 6),
                                          "unit_wide": unit_wide(name, dimension)},
                          _loc(loc), json.loads(path), cell_text=text)
        rec.others = [{"source": o.source, "project": o.project, "section": " › ".join(json.loads(opath)),
                       "location": _loc(oloc), "text": otext}]
        return rec


def _merge(a: Iterator[tuple[int, list]], b: Iterator[tuple[int, list]]) -> Iterator[tuple[int, tuple[list, list]]]:
    """Two key-ordered streams → (key, (items of a, items of b)), in key order."""
    na, nb = next(a, None), next(b, None)
    while na is not None or nb is not None:
        key = min(x[0] for x in (na, nb) if x is not None)
        left = na[1] if na is not None and na[0] == key else []
        right = nb[1] if nb is not None and nb[0] == key else []
        if left:
            na = next(a, None)
        if right:
            nb = next(b, None)
        yield key, (left, right)
