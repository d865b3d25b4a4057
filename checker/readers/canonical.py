"""The canonical YAML/JSON form, the model's own serialisation (see `jxcheck schema`): read and written."""

from __future__ import annotations

import json
from collections.abc import Sequence

import yaml
from pydantic import ValidationError

from checker.errors import InputError, NotAFiling
from checker.model import Filing
from checker.readers.layout.completeness import find_gaps, implausible_figures
from checker.readers.layout.prose import narrative_funding
from checker.readers.layout.score_table import mark_slot
from checker.readers.layout.vocabulary import Vocabulary, default_vocabulary
from checker.yamlio import without_key

# libyaml's loader where PyYAML was built with it: the same safe subset, ten times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_canonical(data: bytes, source: str, fmt: str, vocab: Vocabulary | None = None) -> list[Filing]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(source, "YAML/JSON must be UTF-8", f"byte {exc.start}") from None
    try:
        docs = [json.loads(text)] if fmt == "json" else [d for d in yaml.load_all(text, Loader=_LOADER) if d is not None]
    except json.JSONDecodeError as exc:
        raise InputError(source, f"invalid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputError(source, f"invalid YAML: {getattr(exc, 'problem', exc)}", where) from None
    items = [x for d in docs for x in (d if isinstance(d, list) else [d])]
    if not items:
        raise InputError(source, "no filing in the document")
    if not any(isinstance(x, dict) and "evaluations" in x for x in items):
        # settings, waivers, a CI workflow, a rule pack: YAML, but not the canonical form of a filing
        keys = [k for x in items if isinstance(x, dict) for k in x][:3]
        found = f" (it holds {', '.join(map(str, keys))})" if keys else ""
        raise NotAFiling(source, f"no filing found: not the canonical form of a filing — no evaluations{found}")
    filings = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(source, "a filing must be a mapping", f"document {i + 1}")
        try:
            filing = Filing.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            path = ".".join(str(p) for p in err["loc"])
            raise InputError(source, f"{err['msg']} ({len(exc.errors())} error(s) in all)", path or None) from None
        filing.source = filing.source or source
        filing.format = filing.format or fmt
        if not filing.evaluations:
            raise InputError(source, "no filing found: the document has no evaluations", f"document {i + 1}")
        derive(filing, vocab)
        filings.append(filing)
    return filings


def derive(filing: Filing, vocab: Vocabulary | None = None) -> Filing:
    """Recompute what is derived from the model (like each value's parse): the gaps of every evaluation."""
    vocab = vocab or default_vocabulary()
    for ev in filing.evaluations:
        for ind in ev.indicators:
            if not ind.placeholder:
                mark_slot(ind, vocab, ind.level2 if not ind.name.text else "")
        if ev.narrative is not None and not ev.has_table and ev.text_funding is None:
            row = narrative_funding(ev.narrative)  # what the report states of its money, as a reader takes it
            if row is not None:
                ev.funding.append(row)
        ev.gaps = find_gaps(ev, vocab, filing.format)
        ev.warnings += [w for w in implausible_figures(ev) if w not in ev.warnings]
    return filing


def _dump(filing: Filing, parsed: bool = True) -> dict:
    data = filing.model_dump(mode="json", exclude_defaults=True)
    # the lean canonical form keeps raw values only: `parsed` is recomputed on load anyway
    return data if parsed else without_key(data, "parsed")


def filings_to_yaml(filings: Sequence[Filing], parsed: bool = True) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump_all([_dump(f, parsed) for f in filings], Dumper=dumper, allow_unicode=True, sort_keys=False,
                         width=120)


def filings_to_json(filings: Sequence[Filing], parsed: bool = True) -> str:
    data: object = _dump(filings[0], parsed) if len(filings) == 1 else [_dump(f, parsed) for f in filings]
    return json.dumps(data, ensure_ascii=False, indent=2)
