"""The durable-rules adapter: the only code that imports durable-rules.

It knows facts (plain dicts with a `kind` and a `fid`) and compiled rules, never a filing or a report
format. `checker.rulebook` builds condition trees (`conditions`) from rule packs; `compile_rule` checks
them against the engine's limits and translates them; `Engine` runs them; `probe_rules` tries a user's
pack in a child process first.
"""

from checker.engine.compiler import CompiledRule, compile_rule
from checker.engine.host import Engine, EngineError, Match
from checker.engine.limits import LIMITS, LimitError, check_counts
from checker.engine.probe import probe_rules

__all__ = ["LIMITS", "CompiledRule", "Engine", "EngineError", "LimitError", "Match", "check_counts", "compile_rule",
           "probe_rules"]
