"""The cross-filing index, in the main process: features of every evaluation go into SQLite — in memory
for small runs, on disk for archives — and pairs are found by joining on a hash, never by comparing every
pair of filings. A sentence or metric shared by very many filings (pasted boilerplate) is paired with its
first `HOLDERS_CAP` holders only, so the work stays linear while the count of holders is still reported.
Two evaluations of the same project, unit and year (one filing read from two formats) are not compared.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from checker.facts.base import FactBuilder, FactRecord, Subject
from checker.facts.cross.features import CrossFeatures, EvalMeta, MetricFeature, location
from checker.facts.kinds import metric_pair, paste
from checker.facts.text import squash
from checker.model import Location

SHARE_FLOOR = 0.2  # below this share a paragraph is not reported as a fact at all
HOLDERS_CAP = 20  # holders of one sentence or metric that are paired explicitly
COMMIT_EVERY = 500  # evaluations per index transaction


_SCHEMA = """
CREATE TABLE meta(ekey INTEGER PRIMARY KEY, source TEXT, project TEXT, department TEXT, year INTEGER, ident TEXT);
CREATE TABLE para(ekey INTEGER, para INTEGER, path TEXT, loc TEXT, text TEXT, len INTEGER,
                  PRIMARY KEY(ekey, para));
CREATE TABLE sent(h INTEGER, ekey INTEGER, para INTEGER, len INTEGER);
CREATE TABLE metric(ekey INTEGER, idx INTEGER, grp TEXT, wide INTEGER, metric TEXT, dimension TEXT, value REAL, name TEXT,
                    text TEXT, path TEXT, loc TEXT, PRIMARY KEY(ekey, idx));
"""


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
        self._groups: dict[tuple[int, int], tuple[int, int]] = {}  # pasted paragraph → its group
        self._meta_cache: dict[int, EvalMeta] = {}

    def close(self) -> None:
        self.db.close()

    def remove(self, key: int) -> None:
        """An evaluation's features taken out again (two halves replaced by the filing they make)."""
        for table in ("meta", "para", "sent", "metric"):
            self.db.execute(f"DELETE FROM {table} WHERE ekey=?", (key,))
        self._meta_cache.pop(key, None)
        self._para_cache = {k: v for k, v in self._para_cache.items() if k[0] != key}

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
            [(m.key, i, json.dumps([*grp_base, x.metric, x.dimension], ensure_ascii=False), metric_pair.unit_wide(x.name, x.dimension),
              x.metric, x.dimension,
              x.value, x.name, x.text, json.dumps(x.path, ensure_ascii=False), x.loc) for i, x in enumerate(f.metrics)])

    # --- queries -------------------------------------------------------------------------------------

    def _meta(self, key: int) -> EvalMeta:
        hit = self._meta_cache.get(key)
        if hit is None:
            if len(self._meta_cache) > 10_000:  # bounded: an archive's metadata stays on disk
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
            builder = FactBuilder(Subject(meta.project, meta.department, meta.year), key, prefix="x")
            records = [self._paste_record(builder, *p) for p in items[0]]
            records += [self._pair_record(builder, *p) for p in items[1]]
            yield key, meta.source, records

    def _pastes(self) -> Iterator[tuple[int, list]]:
        """(evaluation key, its pasted paragraphs), in key order. SQLite does the pairing, the shares and
        the "first project of the group" test, so only the paragraphs that become facts reach Python."""
        db = self.db
        db.executescript("""
            CREATE INDEX IF NOT EXISTS sent_h ON sent(h);
            DROP TABLE IF EXISTS holders;
            DROP TABLE IF EXISTS hcount;
            CREATE TEMP TABLE hcount AS SELECT h, COUNT(DISTINCT ekey) AS n FROM sent GROUP BY h;
            CREATE INDEX hcount_h ON hcount(h);
            CREATE TEMP TABLE holders AS
              SELECT s.h, s.ekey, s.para, s.len, c.n, m.ident,
                     ROW_NUMBER() OVER (PARTITION BY s.h ORDER BY s.ekey, s.para) AS rnk
              FROM sent s JOIN hcount c ON c.h = s.h JOIN meta m ON m.ekey = s.ekey WHERE c.n > 1;
            CREATE INDEX holders_h ON holders(h, rnk);
        """)
        # pairs of paragraphs of different evaluations (not one filing read twice) sharing sentences; the
        # share of the first paragraph they cover; kept where it reaches the floor. Every project of a pasted
        # group gets its fact (the group's id makes the findings count once)
        query = f"""
            WITH pairs AS (
              SELECT a.ekey AS ak, a.para AS ap, b.ekey AS bk, b.para AS bp, SUM(a.len) AS shared, MAX(a.n) AS n
              FROM holders a JOIN holders b ON b.h = a.h AND b.ekey != a.ekey AND b.rnk <= {HOLDERS_CAP}
                                           AND b.ident != a.ident
              GROUP BY a.ekey, a.para, b.ekey, b.para),
            scored AS (
              SELECT ak, ap, bk, bp, MIN(CAST(shared AS REAL) / p.len, 1.0) AS ratio,
                     MAX(n) OVER (PARTITION BY ak, ap) - 1 AS holders
              FROM pairs JOIN para p ON p.ekey = ak AND p.para = ap WHERE p.len > 0),
            kept AS (SELECT * FROM scored WHERE ratio >= {SHARE_FLOOR})
            SELECT ak, ap, bk, bp, ratio, holders FROM kept ORDER BY ak, ap, bk, bp"""
        self._groups = _components((ak, ap, bk, bp) for ak, ap, bk, bp, *_ in db.execute(query))
        rows = db.execute(query)
        current: tuple[int, int] | None = None
        best: dict[int, tuple[float, int]] = {}
        holders = 0
        items: list = []
        for ak, ap, bk, bp, ratio, n in rows:
            if (ak, ap) != current:
                if current is not None:
                    items.append(self._paragraph_result(current, best, holders))
                    if ak != current[0]:
                        yield current[0], items
                        items = []
                current, best, holders = (ak, ap), {}, n
            if ratio > best.get(bk, (0.0, 0))[0]:
                best[bk] = (ratio, bp)
        if current is not None:
            items.append(self._paragraph_result(current, best, holders))
            yield current[0], items

    @staticmethod
    def _paragraph_result(current: tuple[int, int], best: dict[int, tuple[float, int]], holders: int) -> tuple:
        key, para = current
        others = sorted(((r, bk, bp) for bk, (r, bp) in best.items()), key=lambda x: (-x[0], x[1]))
        # past the cap the explicit pairs are a sample: report how many filings hold the text
        return para, others, holders if holders > HOLDERS_CAP else len(others)

    def _para(self, key: int, para: int) -> tuple[list[str], Location | None, str]:
        hit = self._para_cache.get((key, para))
        if hit is None:
            path, loc, text = self.db.execute("SELECT path, loc, text FROM para WHERE ekey=? AND para=?",
                                              (key, para)).fetchone()
            hit = (json.loads(path), location(loc), text)
            if len(self._para_cache) > 5_000:  # the paragraphs of the most pasted texts stay, memory stays flat
                self._para_cache.clear()
            self._para_cache[(key, para)] = hit
        return hit

    def _paragraph(self, key: int, para: int) -> paste.Paragraph:
        path, loc, text = self._para(key, para)
        meta = self._meta(key)
        return paste.Paragraph(meta.source, meta.project, path, loc, text)

    def _paste_record(self, builder: FactBuilder, para: int, others: list[tuple[float, int, int]],
                      count: int) -> FactRecord:
        group = "p{}.{}".format(*self._groups.get((builder.eval_key, para), (builder.eval_key, para)))
        # the best share first; among equal shares by project name, not by the order the files came in
        others = sorted(others, key=lambda o: (-o[0], squash(self._meta(o[1]).project), o[1], o[2]))
        return paste.add(builder, self._paragraph(builder.eval_key, para),
                         [(r, self._paragraph(k, p)) for r, k, p in others[:paste.OTHERS_SHOWN]], count, group)

    def _metric_pairs(self) -> Iterator[tuple[int, list]]:
        """(evaluation key, [(metric index, [(other key, other index), …]), …]), in key order: one fact per
        metric of an evaluation, whatever the number of projects that state it otherwise."""
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
            SELECT a.ekey, a.idx, b.ekey, b.idx, b.value FROM mgroups a
            JOIN mgroups b ON b.grp = a.grp AND b.ekey != a.ekey AND b.rnk <= {HOLDERS_CAP} AND b.value != a.value
            ORDER BY a.ekey, a.idx, b.ekey, b.idx""")
        current: int | None = None
        items: dict[int, list[tuple[int, int]]] = {}
        seen: set[tuple[int, str, float]] = set()
        for ak, ai, bk, bi, bvalue in rows:
            if ak != current:
                if items:
                    yield current, list(items.items())
                current, items, seen = ak, {}, set()
            a, b = self._meta(ak), self._meta(bk)
            if a.identity == b.identity or squash(a.project) == squash(b.project):
                continue
            other = (ai, squash(b.project), bvalue)
            if other in seen:  # the same project filed twice (two formats, two copies): listed once
                continue
            seen.add(other)
            items.setdefault(ai, []).append((bk, bi))
        if items:
            yield current, list(items.items())

    def _metric(self, key: int, idx: int) -> MetricFeature:
        metric, dimension, value, name, text, path, loc = self.db.execute(
            "SELECT metric, dimension, value, name, text, path, loc FROM metric WHERE ekey=? AND idx=?",
            (key, idx)).fetchone()
        return MetricFeature(metric, dimension, value, name, text, json.loads(path), loc)

    def _pair_record(self, builder: FactBuilder, idx: int, others: list[tuple[int, int]]) -> FactRecord:
        return metric_pair.add(builder, self._metric(builder.eval_key, idx),
                               [(self._metric(k, i), self._meta(k)) for k, i in others[:metric_pair.OTHERS_SHOWN]],
                               len(others))


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


def _components(pairs: Iterator[tuple[int, int, int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """Each pasted paragraph's group, named by its first member: the paragraphs linked by shared text, however
    the links run (A shares with B, B with C: one group), so a group counts once whatever the file order."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def root(x: tuple[int, int]) -> tuple[int, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ak, ap, bk, bp in pairs:
        a, b = root((ak, ap)), root((bk, bp))
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {x: root(x) for x in list(parent)}
