"""Run the batch on a Dask distributed cluster (`--executor dask --scheduler ADDRESS`).

The same per-file task as local workers (checker.batch.check_file) runs on the cluster's workers; each
worker builds its rules engine once (a per-process cache) and files are mapped in input order, so the
findings are identical to a local run. The cross-filing stage runs here, on the compact features the
workers send back. `--scheduler local` starts a LocalCluster (two worker processes) for trying it out.
Install with `pip install 'jxcheck[dask]'`.

The batch's spec reaches the workers as a worker plugin, which the scheduler gives every worker that joins
later — one a nanny restarted, one added — so a lost worker costs its files a retry, never the run. A file
whose worker is lost (or that runs past `--timeout`, whose worker is then restarted) is that file's error;
a cluster left with no workers is an error for each file it did not check.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any

from checker.batch import BatchSpec, FileResult, WorkerState, check_file, init_worker
from checker.errors import JxError
from checker.findings import FileError

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # `dask_results` says how to install it
    WorkerPlugin = object  # type: ignore[misc,assignment]

_SPECS: dict[str, BatchSpec] = {}
_STATES: dict[str, WorkerState] = {}
BATCH = 256  # files in flight at once: bounds the memory of results waiting to be consumed in order
POLL = 2.0  # seconds between looks at the cluster while a file is awaited
LOST_AFTER = float(os.environ.get("JXCHECK_DASK_LOST_SECONDS", "60"))  # no worker this long: the cluster is lost


def _task(path: str, key: str) -> FileResult:
    state = _STATES.get(key)
    if state is None:  # once per worker process, from the spec the plugin left
        state = _STATES[key] = init_worker(_SPECS[key])
    try:
        return check_file(path, state)
    except Exception as exc:  # a failure on the cluster stays a failure of this file
        return FileResult(path, errors=[FileError(source=path, message=f"{type(exc).__name__}: {exc}")])


class SpecPlugin(WorkerPlugin):  # type: ignore[misc]
    """Leaves the batch's spec in each worker process, also in those that join or restart later."""

    def __init__(self, spec: BatchSpec, key: str) -> None:
        self.spec, self.key = spec, key
        self.name = f"jxcheck-{key[:16]}"

    def setup(self, worker: Any) -> None:
        _SPECS[self.key] = self.spec

    def teardown(self, worker: Any) -> None:
        _SPECS.pop(self.key, None)
        _STATES.pop(self.key, None)


class _ClusterLost(Exception):
    pass


def dask_results(paths: list[str], spec: BatchSpec, scheduler: str | None,
                 timeout: float | None = None) -> Iterator[FileResult]:
    """FileResults in input order from a Dask cluster; the client is closed when the results are."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise JxError("--executor dask", "Dask is not installed: pip install 'jxcheck[dask]'") from None
    cluster = None
    if scheduler in (None, "local"):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=float(os.environ.get("JXCHECK_DASK_CONNECT_TIMEOUT", "30")))
        except (OSError, TimeoutError) as exc:
            raise JxError("--scheduler", f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    key = spec.digest + (spec.cache_dir or "")
    plugin = SpecPlugin(spec, key)
    done = 0
    try:
        client.register_plugin(plugin, name=plugin.name)
        for start in range(0, len(paths), BATCH):  # a bounded window of futures, consumed in input order
            futures = [client.submit(_task, p, key, pure=False) for p in paths[start:start + BATCH]]
            for path, fut in zip(paths[start:start + BATCH], futures, strict=True):
                yield _awaited(client, fut, path, timeout)
                done += 1
    except _ClusterLost as exc:
        for path in paths[done:]:
            yield FileResult(path, errors=[FileError(source=path, message=f"not checked: {exc}")])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _awaited(client: Any, fut: Any, path: str, timeout: float | None) -> FileResult:
    """The file's result; its error when its worker was lost or it ran past `timeout` (the worker running it
    is restarted, as a local worker is replaced). _ClusterLost when no worker has been there for LOST_AFTER."""
    running = 0.0  # seconds the file has been seen on a worker
    alone_since: float | None = None
    while True:
        try:
            return fut.result(timeout=POLL)
        except TimeoutError:
            pass
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # KilledWorker, a cancelled future, a closed connection
            return FileResult(path, errors=[FileError(source=path, message="the cluster lost the worker checking "
                                                                           f"this file ({type(exc).__name__})")])
        try:
            workers = client.processing()
        except Exception as exc:  # the scheduler is gone
            raise _ClusterLost(f"the Dask scheduler cannot be reached ({type(exc).__name__})") from None
        if not workers:
            alone_since = alone_since or time.monotonic()
            if time.monotonic() - alone_since >= LOST_AFTER:
                raise _ClusterLost(f"the Dask cluster has had no workers for {LOST_AFTER:g} s")
            continue
        alone_since = None
        holder = next((w for w, keys in workers.items() if fut.key in keys), None)
        if holder is None:
            running = 0.0  # queued, or handed to another worker after a loss
            continue
        running += POLL
        if timeout and running >= timeout:
            fut.cancel()
            with contextlib.suppress(Exception):  # the worker is replaced or gone either way
                client.restart_workers([holder], raise_for_error=False)
            return FileResult(path, errors=[FileError(source=path, message=f"timed out after {timeout:g} s")])
