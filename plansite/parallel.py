"""Work spread over the machine's cores, results in the order a single process would give.

Workers are forked after the site model is built, so they read it (and the Jinja environment)
without copying or pickling; only their results (file bytes) travel back. Where fork is not
available (Windows, macOS's default), or for small sites, the work runs in this process.
A problem an editor can fix (BuildFailed) is carried back whole and raised here.
"""
from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import os
import signal
import sys

from .errors import BuildFailed

MIN_ITEMS = 40          # below this, starting workers costs more than it saves
SINK_CHUNK = 100        # items per chunk when results stream to a sink (pages: a few MB at a time)
_TASK = None            # (function, state) for the forked workers; set only while a pool runs


def default_jobs() -> int:
    """One worker per core, at most 8; 1 where fork is unavailable."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def run_chunked(function, state, count: int, jobs: int, min_items: int = MIN_ITEMS, sink=None) -> list:
    """function(state, start, stop) -> list, over 0..count in chunks; the lists joined in order.
    Fewer than `min_items` items run here (a few large items may lower it: run_each).

    With `sink`, each chunk's list goes to sink(list) as soon as it (and every chunk before it) is
    done, in order, and nothing is kept: the build writes pages as they come instead of holding them."""
    if jobs <= 1 or count < min_items:
        if sink is None:
            return function(state, 0, count)
        for start in range(0, count, SINK_CHUNK):
            sink(function(state, start, min(count, start + SINK_CHUNK)))
        return []
    global _TASK
    pieces = min(count, jobs * 4)   # several chunks per worker even out pages of unequal cost
    if sink is not None:
        pieces = max(pieces, min(count, -(-count // SINK_CHUNK)))
    bounds = [(count * i // pieces, count * (i + 1) // pieces) for i in range(pieces)]
    _TASK = (function, state)
    # an executor, not multiprocessing.Pool: a Pool stopped while tasks are pending (a template error)
    # can hang in terminate() (CPython issues #78178, #96995); the executor cancels what has not started
    # and waits for the chunks under way, and a worker that dies breaks it instead of hanging it
    executor = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                                      initializer=_quiet_worker)
    out: list = []
    try:
        futures = collections.deque(executor.submit(_run, piece) for piece in bounds)   # workers forked here
        while futures:
            kind, value = futures.popleft().result()   # each result let go once taken (pages: GBs at 5,000 plans)
            if kind == "failed":
                raise BuildFailed(value)
            if sink is None:
                out.extend(value)
            else:
                sink(value)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        _TASK = None
    return out


def run_each(makers: list, jobs: int) -> list:
    """[make() for make in makers], each in a worker: for a few large, independent results."""
    return run_chunked(_make_each, makers, len(makers), jobs, min_items=2)


class Background:
    """make() in a forked process while this process goes on with other work; `result()` waits for it.

    For one large result nothing else needs until the end (the search index): it takes a core of its
    own instead of a turn after everything else. With jobs <= 1, or where fork is unavailable, make()
    runs in `result()`, in this process. Leave by `result()` or `close()` (the process is killed: a
    plain process and a pipe, no pool whose shutdown could hang while its task runs)."""

    def __init__(self, make, jobs: int) -> None:
        global _BACKGROUND
        self._make, self._process, self._receive = make, None, None
        if jobs <= 1 or default_jobs() <= 1:
            return
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        _BACKGROUND = (make, send)          # the process is forked now and finds it there: nothing is pickled
        try:
            self._process = context.Process(target=_run_background, daemon=True)
            self._process.start()
        finally:
            _BACKGROUND = None
            send.close()                    # the process holds its own end
        self._receive = receive

    def result(self):
        if self._process is None:
            return self._make()
        try:
            try:
                kind, value = self._receive.recv()
            except EOFError:
                raise RuntimeError(f"the background worker ended without a result (exit code "
                                   f"{self._process.exitcode})") from None
            if kind == "failed":
                raise BuildFailed(value)
            if kind == "error":
                raise value
            return value
        finally:
            self.close()

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._receive.close()
            self._process = None


_BACKGROUND = None      # Background's (make(), the pipe's sending end), for the process being forked


def _run_background() -> None:
    _quiet_worker()
    make, send = _BACKGROUND
    try:
        message = ("ok", make())
    except BuildFailed as exc:   # its Problems do not survive the exception's own pickling
        message = ("failed", exc.problems)
    except Exception as exc:  # noqa: BLE001 - raised again in the build process, as a Pool would
        message = ("error", exc)
    try:
        send.send(message)
    except Exception as exc:  # noqa: BLE001 - an exception that cannot be pickled
        send.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}; in the worker: {message[1]!r}")))
    send.close()


def _make_each(makers: list, start: int, stop: int) -> list:
    return [make() for make in makers[start:stop]]


def _quiet_worker() -> None:
    """Workers take the default signal handling, not the handlers they were forked with (the
    preview turns SIGTERM into KeyboardInterrupt, which would print a worker's traceback when
    the pool stops it); Ctrl+C is the parent's to handle."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


def _run(bounds: tuple[int, int]):
    function, state = _TASK
    try:
        return "ok", function(state, *bounds)
    except BuildFailed as exc:   # its Problems do not survive the exception's own pickling
        return "failed", exc.problems
