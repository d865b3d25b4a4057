"""A user's rule pack is built and run once in a child process first: a pack that crashes or hangs
durable-rules is an error naming the pack, not a dead or stuck jxcheck."""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence

from checker.engine.compiler import CompiledRule
from checker.engine.host import Engine, EngineError
from checker.pool import start_context


def _probe_child(rules: Sequence[CompiledRule], fault: str = "") -> None:
    if fault == "crash:probe":  # the crash test of probe_rules
        import faulthandler

        faulthandler.disable()
        os.kill(os.getpid(), signal.SIGSEGV)
    try:
        engine = Engine(rules, "jxcheck_probe")
        kinds = sorted({k for r in rules for k in r.kinds})
        engine.run([{"kind": k, "fid": f"probe.{i}", "project": "", "department": "", "where": ""}
                    for i, k in enumerate(kinds)])
    except Exception:
        os._exit(3)
    os._exit(0)


def probe_rules(rules: Sequence[CompiledRule], packs: list[str], timeout: float = 60.0) -> None:
    ctx = start_context()  # never a fork of a threaded process
    child = ctx.Process(target=_probe_child, args=(list(rules), os.environ.get("JXCHECK_FAULT_INJECT", "")),
                        daemon=True)
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
