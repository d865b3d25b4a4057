"""The result cache: one JSON entry per checked file, signed with a key that never lives in the cache.

A cache directory may be shared (a CI cache restored from elsewhere, a team's network folder), so nothing in
it is trusted: an entry is plain data (JSON, never pickle — loading it runs no code) and carries an HMAC made
with a per-user key kept outside the cache directory (platformdirs' user config dir, mode 0600). An entry
whose signature does not verify, that does not parse, or that holds data of the wrong shape is ignored and
the file is checked again. A cache that cannot be written turns caching off with one warning.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from checker.facts.cross.features import CrossFeatures, EvalMeta, MetricFeature, ParagraphFeature
from checker.findings import FileError, Finding
from checker.model import Evaluation
from checker.output import write_atomic
from checker.results import Coverage, Report

FORMAT = 3  # 2: entries name the halves of filings kept in two files; 3: each report's coverage
KEY_ENV = "JXCHECK_CACHE_KEY_FILE"


class CacheUnavailable(Exception):
    """The cache directory or the key cannot be used; the run goes on without a cache."""


def default_cache_dir() -> str:
    import platformdirs

    return os.environ.get("JXCHECK_CACHE_DIR") or platformdirs.user_cache_dir("jxcheck", appauthor=False)


def key_file() -> Path:
    import platformdirs

    return Path(os.environ.get(KEY_ENV) or Path(platformdirs.user_config_dir("jxcheck", appauthor=False)) / "cache.key")


def load_key(create: bool = True) -> bytes:
    """The per-user signing key, created (0600) on first use. It appears whole or not at all (written to a
    temporary file and linked into place), so sixteen workers starting at once all read the same 32 bytes."""
    path = key_file()
    try:
        return _whole_key(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise CacheUnavailable(f"cannot read the cache key {path}: {exc.strerror}") from None
    if not create:
        raise CacheUnavailable(f"no cache key at {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cache.key.", dir=path.parent)  # 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
                fh.flush()
                os.fsync(fh.fileno())
            os.link(tmp, path)  # atomic, and never over a key another process made first
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return _whole_key(path)
    except OSError as exc:
        raise CacheUnavailable(f"cannot create the cache key {path}: {exc.strerror}") from None


def _whole_key(path: Path) -> bytes:
    data = path.read_bytes()
    if len(data) < 32:  # never sign with a truncated key: say which file to delete
        raise CacheUnavailable(f"the cache key {path} is damaged ({len(data)} bytes); delete it")
    return data


def probe(cache_dir: str) -> None:
    """Raise CacheUnavailable unless entries can be written to `cache_dir` and signed."""
    load_key()
    d = Path(cache_dir)
    try:
        d.mkdir(parents=True, exist_ok=True)
        write_atomic(d / ".probe", b"ok")
        (d / ".probe").unlink()
    except OSError as exc:
        raise CacheUnavailable(f"cannot write the cache directory {d}: {exc.strerror}") from None


def entry_name(data: bytes, path: str, salt: str) -> str:
    return hashlib.sha256(data + b"\0" + path.encode() + b"\0" + salt.encode()).hexdigest()


# --- entries ------------------------------------------------------------------------------------------

def dump_entry(result: Any, reports: list[Report], key: bytes) -> bytes:
    """A FileResult (with its reports as objects) as signed JSON: the signature line, then the document."""
    doc = {
        "format": FORMAT,
        "path": result.path,
        "reports": [_report_data(r) for r in reports],
        "features": [asdict(f) for f in result.features],
        "errors": [e.model_dump(mode="json") for e in result.errors],
        "findings": result.findings,
        "halves": [list(h) for h in result.halves],
    }
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode() + b"\n" + body


def load_entry(raw: bytes, key: bytes) -> dict[str, Any] | None:
    """The document of a signed entry, or None when the signature, the JSON or the shape is wrong."""
    sig, _, body = raw.partition(b"\n")
    if not hmac.compare_digest(sig, hmac.new(key, body, hashlib.sha256).hexdigest().encode()):
        return None
    try:
        doc = json.loads(body)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            return None
        return {
            "path": str(doc["path"]),
            "reports": [_report_from(x) for x in doc["reports"]],
            "features": [_features_from(x) for x in doc["features"]],
            "errors": [FileError.model_validate(x) for x in doc["errors"]],
            "findings": int(doc["findings"]),
            "halves": [(int(h[0]), int(h[1]), str(h[2]), str(h[3]), str(h[4]), None if h[5] is None else int(h[5]))
                       for h in doc.get("halves") or []],
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    except Exception:  # pydantic ValidationError and the like: bad data is never trusted
        return None


def _report_data(r: Report) -> dict[str, Any]:
    return {"source": r.source, "project": r.project, "year": r.year, "department": r.department,
            "findings": [{**f.model_dump(mode="json"), "_order": f._order} for f in r.findings],
            "warnings": r.warnings, "scores": r.scores,
            "evaluation": r.evaluation.model_dump(mode="json") if r.evaluation is not None else None,
            "sources": r.sources, "coverage": asdict(r.coverage) if r.coverage is not None else None}


def _report_from(d: dict[str, Any]) -> Report:
    findings = []
    for x in d["findings"]:
        order = int(x.pop("_order", 0))
        f = Finding.model_validate(x)
        f._order = order
        findings.append(f)
    ev = d.get("evaluation")
    return Report(source=str(d["source"]), project=str(d["project"]), year=d["year"], department=str(d["department"]),
                  findings=findings, warnings=[str(w) for w in d["warnings"]],
                  scores={str(k): float(v) for k, v in d["scores"].items()},
                  evaluation=Evaluation.model_validate(ev) if ev is not None else None,
                  sources=[str(s) for s in d.get("sources") or []], coverage=_coverage_from(d.get("coverage")))


def _coverage_from(d: dict[str, Any] | None) -> Coverage | None:
    if d is None:
        return None
    return Coverage(ran=[str(r) for r in d["ran"]],
                    not_run={str(k): [str(x) for x in v] for k, v in d["not_run"].items()},
                    not_applicable={str(k): [str(x) for x in v] for k, v in d["not_applicable"].items()})


def _features_from(d: dict[str, Any]) -> CrossFeatures:
    m = d["meta"]
    meta = EvalMeta(int(m["key"]), str(m["source"]), str(m["project"]), str(m["department"]), m["year"])
    return CrossFeatures(
        meta,
        [ParagraphFeature(list(p["path"]), p["loc"], str(p["text"]), [(int(h), int(n)) for h, n in p["sentences"]])
         for p in d["paragraphs"]],
        [MetricFeature(**m) for m in d["metrics"]],
    )
