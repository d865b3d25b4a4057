"""Run compiled rules on durable-rules and report which rules matched which facts.

The engine knows facts and rule ids only; it never sees a filing or a report format. What we know of
durable-rules' traps (DESIGN.md §5) is handled here, once:
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
from typing import Any

import durable_rules_engine as dre
from durable import engine as durable_engine

from checker.errors import JxError
from checker.rulebook import Rule, compile_rule

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
    def for_rules(cls, rules: list[Rule]) -> Engine:
        """The engine for this exact rule set, built once per process."""
        key = hashlib.sha256(json.dumps([r.model_dump(mode="json") for r in rules], sort_keys=True,
                                        ensure_ascii=False).encode()).hexdigest()[:16]
        if key not in cls._cache:
            cls._cache[key] = cls(rules, f"jxcheck_{key}")
        return cls._cache[key]

    def __init__(self, rules: list[Rule], name: str) -> None:
        self.rules = {r.id: r for r in rules}
        self._matches: list[Match] = []
        definition: dict[str, Any] = {}
        for rule in rules:
            compiled = compile_rule(rule)
            compiled["run"] = self._action(rule.id, tuple(rule.aliases))
            definition[rule.id] = compiled
        definition[SENTINEL] = {"all": [{"m": {"kind": SENTINEL}}], "run": _noop}
        self._host = _QuietHost()
        self._host.register_rulesets({name: definition})
        self._ruleset = self._host.get_ruleset(name)
        self._sids = itertools.count(1)

    def _action(self, rule_id: str, aliases: tuple[str, ...]):  # type: ignore[no-untyped-def]
        def action(c):  # type: ignore[no-untyped-def]  # durable needs exactly one parameter
            self._matches.append((rule_id, tuple(getattr(c, a)["fid"] for a in aliases)))

        return action

    def run(self, facts: list[dict[str, Any]]) -> list[Match]:
        """Assert the facts in a fresh session; the matches in firing order, each once."""
        sid = str(next(self._sids))
        payload = [{**f, "sid": sid, "id": f["fid"]} for f in facts]
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


def _noop(c) -> None:  # type: ignore[no-untyped-def]
    return None


def _probe_child(rules: list[Rule]) -> None:
    import os
    import signal

    if os.environ.get("JXCHECK_FAULT_INJECT") == "crash:probe":  # the crash test of probe_rules
        os.kill(os.getpid(), signal.SIGSEGV)
    try:
        engine = Engine(rules, "jxcheck_probe")
        kinds = sorted({k for r in rules for k in r.kinds})
        engine.run([{"kind": k, "fid": f"probe.{i}", "project": "", "department": "", "where": ""}
                    for i, k in enumerate(kinds)])
    except Exception:
        os._exit(3)
    os._exit(0)


def probe_rules(rules: list[Rule], packs: list[str], timeout: float = 60.0) -> None:
    """Build and run the rules in a child process first: a rule pack that crashes or hangs durable-rules is
    an error naming the pack, not a dead or stuck jxcheck."""
    import multiprocessing as mp
    import signal

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    child = ctx.Process(target=_probe_child, args=(rules,), daemon=True)
    child.start()
    child.join(timeout)
    names = ", ".join(packs)
    if child.is_alive():
        child.kill()
        child.join()
        raise EngineError(f"the rule engine did not finish building these rules in {timeout:g} s", names)
    code = child.exitcode
    if code == 0:
        return
    if code is not None and code < 0:
        try:
            why = f"crashed ({signal.Signals(-code).name})"
        except ValueError:
            why = f"was killed by signal {-code}"
    else:
        why = "refused them"
    raise EngineError(f"the rule engine {why} building these rules", names)
