"""Run the batch on a Dask distributed cluster (`--executor dask --scheduler ADDRESS`).

The same per-file task as local workers (checker.batch.check_file) runs on the cluster's workers; each
worker builds its rules engine once (a per-process cache) and files are mapped in input order, so the
findings are identical to a local run. The cross-filing stage runs here, on the compact features the
workers send back. `--scheduler local` starts a LocalCluster (two worker processes) for trying it out.
Install with `pip install 'jxcheck[dask]'`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from checker.batch import BatchSpec, FileResult, WorkerState, check_file, init_worker
from checker.errors import JxError
from checker.findings import FileError

_STATES: dict[str, WorkerState] = {}
BATCH = 256  # files in flight at once: bounds the memory of results waiting to be consumed in order


def _task(path: str, spec: BatchSpec, key: str) -> FileResult:
    state = _STATES.get(key)
    if state is None:  # once per worker process
        state = _STATES[key] = init_worker(spec)
    try:
        return check_file(path, state)
    except Exception as exc:  # a failure on the cluster stays a failure of this file
        return FileResult(path, errors=[FileError(source=path, message=f"{type(exc).__name__}: {exc}")])


def dask_results(paths: list[str], spec: BatchSpec, scheduler: str | None) -> Iterator[FileResult]:
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
    try:
        [spec_future] = client.scatter([spec], broadcast=True)
        # a bounded window of futures, consumed in input order
        for start in range(0, len(paths), BATCH):
            futures = [client.submit(_task, p, spec_future, key, pure=False) for p in paths[start:start + BATCH]]
            for fut in futures:
                yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
