"""Worker processes that survive what durable-rules can do to them.

A file that crashes its worker (durable-rules can segfault, docs/design.md §5) or runs past the timeout
becomes a failure for that file only: the worker is replaced and the rest of the batch goes on. Results
come back in completion order, tagged with the task's index; the caller puts them back in input order.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

GC_THRESHOLDS = (10_000, 50, 100)
MEMORY_ENV = "JXCHECK_MAX_MEMORY_MB"
DEFAULT_MEMORY_BYTES = 1024 * 2**20
MEMORY_EXIT = 86  # a worker that ran out of its memory budget exits with this, so its file's error says so


def memory_budget() -> int:
    """What checking one file may take, in bytes (JXCHECK_MAX_MEMORY_MB, 1 GB by default)."""
    import os

    try:
        value = int(float(os.environ[MEMORY_ENV]) * 2**20)
    except (KeyError, ValueError):
        return DEFAULT_MEMORY_BYTES
    return value if value > 0 else DEFAULT_MEMORY_BYTES


def _bound_memory() -> None:
    """The last resort behind the readers' limits: a worker may map what it holds once started (Python, the
    rules, the engine) plus one file's budget, no more; past that an allocation fails with MemoryError and
    the worker ends with MEMORY_EXIT instead of taking the machine's memory."""
    import os

    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = mapped + memory_budget()
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or soft > want:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, OSError, ValueError):  # not Linux: the readers' limits stand alone
        pass


def tune_gc(freeze: bool = False) -> None:
    """A run allocates millions of small objects (cells, values, facts, findings) and keeps many of them
    (reports, rules): Python's default collector thresholds make it rescan those again and again, a tenth
    of a run's time. Collect less often; `freeze` also leaves everything built so far (rules, vocabulary,
    the engine) out of every later collection."""
    import gc

    gc.set_threshold(*GC_THRESHOLDS)
    if freeze:
        gc.freeze()


@dataclass
class WorkerFailure:
    """A task whose worker died or timed out."""

    message: str


def start_context() -> Any:
    """How workers start, chosen, not left to the platform's default (which Python 3.14 changes): a
    single-threaded process (the command line) forks — the cheapest start, and safe without threads; a
    process running threads (the page's batches) starts workers from a fork server, a clean single-threaded
    copy with jxcheck imported, since forking a threaded process can deadlock (Python ≥ 3.12 warns).
    Without either (Windows): spawn."""
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["checker.batch"])
        return ctx
    return mp.get_context("spawn")


def _die_with_parent(parent: int, inherited: list[int]) -> None:
    """A worker must not outlive the run: close the pipe ends it inherited from its siblings (so a dead
    parent means EOF), ask Linux to kill it when the parent dies, and leave Ctrl-C to the parent."""
    import os
    import signal

    for fd in inherited:
        with contextlib.suppress(OSError):
            os.close(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # held back by the parent while this worker started
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if parent and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _worker_main(conn: Connection, init: Callable[..., Any], init_args: tuple, task: Callable[[Any, Any], Any],
                 parent: int = 0, inherited: tuple[int, ...] = (), settings: dict[str, str] | None = None) -> None:
    _die_with_parent(parent, list(inherited))
    if settings is not None:  # the run's JXCHECK_* settings as they are now, not as the fork server saw them
        import os

        for key in [k for k in os.environ if k.startswith("JXCHECK_") and k not in settings]:
            del os.environ[key]
        os.environ.update(settings)
    state = init(*init_args)
    _bound_memory()
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        index, payload = item
        try:
            result = task(payload, state)
        except MemoryError:
            import os

            os._exit(MEMORY_EXIT)
        conn.send((index, result))


def _hold_sigint() -> Any:
    import signal

    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if hasattr(signal, "pthread_sigmask") else None


def _release_sigint(held: Any) -> None:
    import signal

    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


class _Worker:
    def __init__(self, ctx: Any, init: Callable[..., Any], init_args: tuple, task: Callable[[Any, Any], Any],
                 siblings: tuple[int, ...] = ()) -> None:
        import os

        self.conn, child = ctx.Pipe()
        forked = ctx.get_start_method() == "fork"  # a forked worker holds its siblings' pipe ends: close them
        inherited = (*siblings, self.conn.fileno()) if forked else ()
        settings = {k: v for k, v in os.environ.items() if k.startswith("JXCHECK_")}
        self.proc = ctx.Process(target=_worker_main, args=(child, init, init_args, task,
                                                           os.getpid() if forked else 0, inherited, settings),
                                daemon=True)
        # Ctrl-C held back while the worker starts: it inherits the mask and ignores SIGINT before it lets
        # the signal in, so a Ctrl-C at that moment never reaches a worker half started (here it is delivered
        # as soon as the mask is restored)
        held = _hold_sigint()
        try:
            self.proc.start()
        finally:
            _release_sigint(held)
        child.close()
        self.index: int | None = None
        self.deadline = 0.0

    def give(self, index: int, payload: Any, timeout: float | None) -> None:
        self.index = index
        self.deadline = time.monotonic() + timeout if timeout else float("inf")
        self.conn.send((index, payload))

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.conn.send(None)
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
        self.conn.close()


def run_pool(tasks: Iterable[Any], task: Callable[[Any, Any], Any], init: Callable[..., Any], init_args: tuple,
             jobs: int, timeout: float | None = None) -> Iterator[tuple[int, Any]]:
    """(index, result or WorkerFailure) for every task, in completion order."""
    ctx = start_context()
    pending = enumerate(tasks)
    workers: list[_Worker] = []
    try:
        for _ in range(max(1, jobs)):
            w = _Worker(ctx, init, init_args, task, tuple(x.conn.fileno() for x in workers))
            workers.append(w)
            _feed(w, pending, timeout)
        while any(w.index is not None for w in workers):
            busy = [w for w in workers if w.index is not None]
            now = time.monotonic()
            wait_for = max(0.0, min(w.deadline for w in busy) - now)
            ready = wait([w.conn for w in busy], timeout=None if wait_for == float("inf") else wait_for)
            # a worker gets its next file before the result it sent is handed on: it works while this
            # process takes the result in (the cross index, the report store), instead of waiting for it
            for w in busy:
                if w.conn in ready:
                    try:
                        index, result = w.conn.recv()
                    except (EOFError, OSError):
                        index = w.index
                        w.proc.join()
                        result = WorkerFailure(_death(w.proc.exitcode))
                        w = _replace(workers, w, ctx, init, init_args, task)
                    w.index = None
                    _feed(w, pending, timeout)
                    yield index, result
                elif time.monotonic() >= w.deadline:
                    failed = w.index
                    w.kill()
                    w = _replace(workers, w, ctx, init, init_args, task, killed=True)
                    w.index = None
                    _feed(w, pending, timeout)
                    yield failed, WorkerFailure(f"timed out after {timeout:g} s")  # type: ignore[misc]
    finally:
        for w in workers:
            w.stop()


def run_ordered(tasks: list[Any], task: Callable[[Any, Any], Any], init: Callable[..., Any], init_args: tuple,
                jobs: int, timeout: float | None = None) -> Iterator[tuple[int, Any]]:
    """(index, result or WorkerFailure) for every task in input order, whatever the number of workers;
    jobs=0 runs the tasks in this process (no crash isolation). Results that finish early wait in a buffer
    bounded by the number of workers' head start."""
    if jobs == 0:
        state = init(*init_args)
        for i, t in enumerate(tasks):
            yield i, task(t, state)
        return
    buffer: dict[int, Any] = {}
    nxt = 0
    for index, result in run_pool(tasks, task, init, init_args, min(jobs, max(1, len(tasks))), timeout):
        buffer[index] = result
        while nxt in buffer:
            yield nxt, buffer.pop(nxt)
            nxt += 1


def _feed(w: _Worker, pending: Iterator[tuple[int, Any]], timeout: float | None) -> None:
    nxt = next(pending, None)
    if nxt is not None:
        w.give(nxt[0], nxt[1], timeout)


def _replace(workers: list[_Worker], old: _Worker, ctx: Any, init: Callable[..., Any], init_args: tuple,
             task: Callable[[Any, Any], Any], killed: bool = False) -> _Worker:
    if not killed:
        old.conn.close()
    others = tuple(x.conn.fileno() for x in workers if x is not old and not x.conn.closed)
    new = _Worker(ctx, init, init_args, task, others)
    workers[workers.index(old)] = new
    return new


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        import signal

        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the worker checking this file crashed ({name})"
    if code == MEMORY_EXIT:
        return f"checking this file took more than its memory budget of {memory_budget() / 2**20:g} MB (JXCHECK_MAX_MEMORY_MB)"
    return f"the worker checking this file exited unexpectedly (exit code {code})"
