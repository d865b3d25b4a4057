"""The durable-rules host: compiled rules in, matches out.

What we know of durable-rules' traps (docs/design.md §5) is handled here, once:
- one Host whose `_run` does nothing (the stock host starts timer threads), one ruleset per rule set,
  created once per process and reused (a ruleset cannot be freed);
- one sid per run, deleted afterwards; a sentinel fact that always fires a no-op rule first, because
  deleting a state where no action fired can crash;
- the C binding's assert_facts is called directly, so facts no rule matches do not abort the batch;
- exceptions raised in actions end up in the state's "exception" key: checked after every run;
- an `$or` fires once per true branch: matches are de-duplicated.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Sequence
from typing import Any

import durable_rules_engine as dre
from durable import engine as durable_engine

from checker.engine.compiler import CompiledRule
from checker.engine.encoding import encode_fact
from checker.errors import JxError

SENTINEL = "__sentinel"
Match = tuple[str, tuple[str, ...]]  # rule id, fids of the matched facts in alias order


class EngineError(JxError):
    """durable-rules failed: a rule action raised, or a rule pack crashed or hung the engine."""

    def __init__(self, message: str, source: str = "rule engine", where: str | None = None) -> None:
        super().__init__(source, message, where)


class _QuietHost(durable_engine.Host):
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
        self._matches: list[Match] = []
        definition: dict[str, Any] = {}
        for rule in rules:
            definition[rule.id] = {**rule.definition, "run": self._action(rule.id, rule.aliases)}
        definition[SENTINEL] = {"all": [{"m": {"kind": SENTINEL}}], "run": _noop}
        self._host = _QuietHost()
        self._host.register_rulesets({name: definition})
        self._ruleset = self._host.get_ruleset(name)
        self._sids = itertools.count(1)

    def _action(self, rule_id: str, aliases: tuple[str, ...]) -> Callable[[Any], None]:
        def action(c: Any) -> None:  # durable calls it with exactly one argument
            self._matches.append((rule_id, tuple(getattr(c, a)["fid"] for a in aliases)))

        return action

    def run(self, facts: list[dict[str, Any]]) -> list[Match]:
        """Assert the facts in a fresh session; the matches in firing order, each once."""
        sid = str(next(self._sids))
        payload = [encode_fact(f, sid) for f in facts]
        payload.append({"kind": SENTINEL, "sid": sid, "id": SENTINEL, "fid": SENTINEL})
        self._matches = []
        errors: list[Any] = []
        try:
            result = dre.assert_facts(self._ruleset._handle, json.dumps(payload, ensure_ascii=False))
            self._ruleset.do_actions(result[1], lambda e, _state: errors.append(e) if e else None)
            state = self._ruleset.get_state(sid)
        finally:
            self._ruleset.delete_state(sid)
        if errors:
            raise EngineError(f"rule action failed: {errors[0]}")
        if "exception" in state:
            raise EngineError(f"rule action failed: {state['exception']}")
        return list(dict.fromkeys(self._matches))


def _noop(c: Any) -> None:
    return None
