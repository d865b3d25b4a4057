"""The durable-rules host: compiled rules in, matches out.

What we know of durable-rules' traps (docs/design.md §5) is handled here, once:
- one Host whose `_run` does nothing (the stock host starts timer threads), one ruleset per rule set,
  created once per process and reused (a ruleset cannot be freed);
- one sid per run, deleted afterwards; a sentinel fact that always fires a no-op rule first, because
  deleting a state where no action fired can crash;
- the C binding's assert_facts is called directly, so facts no rule matches do not abort the batch, and
  fired actions are taken off the session directly (`_drain`): no Python action runs, so none can fail
  silently into the state's "exception" key;
- an `$or` fires once per true branch: matches are de-duplicated.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from typing import Any

import orjson

try:
    import durable_rules_engine as dre
    from durable import engine as durable_engine

    _HostBase: Any = durable_engine.Host
    UNAVAILABLE: str | None = None
except ImportError as exc:  # not built, or built for Python ≤ 3.12 without the define the README gives
    dre = None
    _HostBase = object
    UNAVAILABLE = str(exc)

from checker.engine.compiler import CompiledRule
from checker.engine.encoding import encode_fact
from checker.errors import JxError

SENTINEL = "__sentinel"
Match = tuple[str, tuple[str, ...]]  # rule id, fids of the matched facts in alias order


class EngineError(JxError):
    """durable-rules failed: a rule action raised, or a rule pack crashed or hung the engine."""

    def __init__(self, message: str, source: str = "rule engine", where: str | None = None) -> None:
        super().__init__(source, message, where)


UNAVAILABLE_MESSAGE = ("durable-rules, the rule engine, cannot be loaded ({}): reinstall it with "
                       "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject as the README's set-up does; on a machine "
                       "without a C compiler (Windows, an office desktop) use the self-check service your 财政局 runs "
                       "or the container (Dockerfile)")


def require_engine() -> None:
    """EngineError with what to do, before any file is read, where durable-rules cannot be loaded."""
    if UNAVAILABLE is not None:
        raise EngineError(UNAVAILABLE_MESSAGE.format(UNAVAILABLE), "durable-rules")


class _QuietHost(_HostBase):
    def _run(self) -> None:  # no dispatch timers: we drive the ruleset ourselves
        return None


class Engine:
    _cache: dict[str, Engine] = {}

    @classmethod
    def for_rules(cls, rules: Sequence[CompiledRule]) -> Engine:
        """The engine for this exact rule set, built once per process."""
        key = hashlib.sha256("".join(r.fingerprint for r in rules).encode()).hexdigest()[:16]
        if key not in cls._cache:
            cls._cache[key] = cls(rules, f"jxcheck_{key}")
        return cls._cache[key]

    def __init__(self, rules: Sequence[CompiledRule], name: str) -> None:
        require_engine()
        self._aliases = {rule.id: rule.aliases for rule in rules}
        definition: dict[str, Any] = {}
        for rule in rules:
            definition[rule.id] = {**rule.definition, "run": _noop}  # never called: see _drain
        definition[SENTINEL] = {"all": [{"m": {"kind": SENTINEL}}], "run": _noop}
        self._host = _QuietHost()
        self._host.register_rulesets({name: definition})
        self._ruleset = self._host.get_ruleset(name)
        self._sids = itertools.count(1)

    def run(self, facts: list[dict[str, Any]]) -> list[Match]:
        """Assert the facts in a fresh session; the matches in firing order, each once."""
        sid = str(next(self._sids))
        payload = [encode_fact(f, sid) for f in facts]
        payload.append({"kind": SENTINEL, "sid": sid, "id": SENTINEL, "fid": SENTINEL})
        handle = self._ruleset._handle
        matches: list[Match] = []
        try:
            result = dre.assert_facts(handle, orjson.dumps(payload).decode())
            self._drain(handle, result[1], matches)
        except Exception as exc:
            raise EngineError(f"the rule engine failed: {type(exc).__name__}: {exc}") from None
        finally:
            self._ruleset.delete_state(sid)
        return list(dict.fromkeys(matches))

    def _drain(self, handle: int, state_handle: int, matches: list[Match]) -> None:
        """Take the fired actions off the session one by one, as durable's own `do_actions` does, without
        its per-action closures, state copies and Python JSON: an action only records which facts matched."""
        started = dre.start_action_for_state(handle, state_handle)
        if not started:
            return
        state, message = started[0], started[1]
        while message:
            name, matched = next(iter(orjson.loads(message).items()))
            aliases = self._aliases.get(name)
            if aliases is not None:
                matches.append((name, tuple(matched[a]["fid"] for a in aliases)))
            dre.update_state(handle, state)  # unchanged: no action writes to the session's state
            message = dre.complete_and_start_action(handle, state_handle)


def _noop(c: Any) -> None:
    return None
