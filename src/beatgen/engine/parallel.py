"""Spread pure work over forked processes that inherit the prepared site read-only (copy-on-write).

Nothing is pickled on the way in: a worker is a fork of the builder, so it already holds the config,
the models and the Jinja environment. Only each worker's results travel back, through a pipe, in the
order of the items, a batch at a time. Where `fork` is unavailable, or the work is too small to pay for
a process, the same function runs in this process.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import selectors
import signal
import traceback
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, TypeVar

from beatgen.diagnostics import BuildError

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS_PER_WORKER = 16
BATCH = 64
"""Results a worker sends at a time."""
FRAME = 8
"""Bytes of the length before each batch's pickle."""
PR_SET_PDEATHSIG = 1  # prctl(2)


class WorkerError(Exception):
    """A worker process failed with an unexpected exception; its traceback is the message."""


class Relayed(Exception):
    """An exception a worker sends to the builder as itself, for the builder to handle as if raised there
    (`store.EntryGone`: the build starts again without its cache)."""


def worker_count(jobs: int) -> int:
    """`--jobs 0` means every core this process may run on."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def fork_map(fn: Callable[[T], R], items: Sequence[T], jobs: int, min_items: int = MIN_ITEMS_PER_WORKER,
             settle: Callable[[R], R] | None = None) -> list[R]:
    """`[fn(x) for x in items]`, computed by up to `jobs` forked workers (items dealt round-robin).
    `settle` is applied to each result a worker sent as it arrives (to share what the results repeat)."""
    workers = min(worker_count(jobs), len(items) // max(1, min_items))
    if workers <= 1 or not hasattr(os, "fork"):
        return [fn(item) for item in items]
    gc.freeze()  # the workers' collector then never walks (nor copies, by touching) the builder's objects
    pipes: list[tuple[int, int]] = []
    try:
        pipes.extend(_spawn(fn, items[index::workers]) for index in range(workers))
        shares = _collect(pipes, settle)
    except BaseException:
        _stop(pipes)
        raise
    finally:
        gc.unfreeze()
    results: list[R] = [None] * len(items)  # type: ignore[list-item]
    for index, share in enumerate(shares):
        results[index::workers] = share
    return results


class Background:
    """`job()` run by one forked worker while the caller goes on with its own work: for a side effect
    (on files) whose cost can hide behind the caller's. With one job or without fork it runs at `wait()`."""

    def __init__(self, job: Callable[[], object], jobs: int) -> None:
        self.job = job
        forks = worker_count(jobs) > 1 and hasattr(os, "fork")
        self.pipe: tuple[int, int] | None = _spawn(lambda _: job(), [None]) if forks else None

    def wait(self) -> None:
        """Return once the job is done; a job that failed in its worker runs again here, to raise its own error."""
        pipe, self.pipe = self.pipe, None
        try:
            if pipe is not None:
                _collect([pipe])
                return
        except WorkerError:
            pass
        self.job()

    def cancel(self) -> None:
        """Kill the worker if it is still running (a job that must be safe to cut short)."""
        pipe, self.pipe = self.pipe, None
        if pipe is not None:
            _stop([pipe])


def _spawn(fn: Callable[[T], R], share: Sequence[T]) -> tuple[int, int]:
    """Fork one worker for `share`; returns (pid, read end of its result pipe)."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        _die_with_parent(parent)
        os.close(read_end)
        _work(fn, share, write_end)
    os.close(write_end)
    return pid, read_end


def _die_with_parent(parent: int) -> None:
    """A worker of a killed build must not go on writing into its output: on Linux it dies with its parent."""
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def _work(fn: Callable[[T], R], share: Sequence[T], write_end: int) -> None:
    """In the worker: compute, sending the pickled results every `BATCH` items (so that neither this worker
    nor the builder ever holds a whole share's results twice, as objects and as bytes), then the end; and
    leave without running the parent's cleanup."""
    status = 0
    try:
        with os.fdopen(write_end, "wb") as pipe:
            try:
                for start in range(0, len(share), BATCH):
                    _send(pipe, ("ok", [fn(item) for item in share[start:start + BATCH]]))
                outcome: tuple[str, Any] = ("end", None)
            except BuildError as exc:
                outcome = ("build-error", exc.diagnostics)
            except Relayed as exc:
                outcome = ("relayed", exc)
            except BaseException:  # noqa: BLE001 - any failure must reach the parent, never hang it
                outcome = ("crash", traceback.format_exc())
            _send(pipe, outcome)
    except BaseException:  # noqa: BLE001
        status = 1
    os._exit(status)


def _send(pipe: BinaryIO, message: tuple[str, Any]) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(len(payload).to_bytes(FRAME, "little"))
    pipe.write(payload)


def _stop(pipes: list[tuple[int, int]]) -> None:
    """An interrupted build (Ctrl-C, a stopped `serve`) kills its workers before it cleans up, so none
    goes on writing into a folder being removed."""
    for pid, fd in pipes:
        with contextlib.suppress(ChildProcessError):  # reaped already: its pid may belong to another process
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        with contextlib.suppress(OSError):
            os.close(fd)


def _collect(pipes: list[tuple[int, int]], settle: Callable[[Any], Any] | None = None) -> list[list[Any]]:
    """Read every worker's pipe at once (so none blocks on a full pipe), each batch unpickled as it
    arrives, then reap them."""
    readers = {fd: _Reader(settle) for _, fd in pipes}
    with selectors.DefaultSelector() as selector:
        for _, fd in pipes:
            selector.register(fd, selectors.EVENT_READ)
        open_fds = len(pipes)
        while open_fds:
            for key, _ in selector.select():
                data = os.read(key.fd, 1 << 20)
                if data:
                    readers[key.fd].feed(data)
                else:
                    selector.unregister(key.fd)
                    os.close(key.fd)
                    open_fds -= 1
    outcomes = []
    for pid, fd in pipes:
        _, status = os.waitpid(pid, 0)
        outcome = readers[fd].outcome
        if outcome is None:
            raise WorkerError(f"a build worker ended without a result (exit status {status})")
        outcomes.append(outcome)
    return [_unwrap(outcome) for outcome in outcomes]


class _Reader:
    """One worker's results, from the frames of its pipe as they come in."""

    def __init__(self, settle: Callable[[Any], Any] | None) -> None:
        self.settle = settle
        self.buffer = bytearray()
        self.results: list[Any] = []
        self.outcome: tuple[str, Any] | None = None

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= FRAME:
            size = int.from_bytes(self.buffer[:FRAME], "little")
            if len(self.buffer) < FRAME + size:
                return
            kind, value = pickle.loads(self.buffer[FRAME:FRAME + size])
            del self.buffer[:FRAME + size]
            if kind == "ok":
                self.results.extend(map(self.settle, value) if self.settle else value)
            else:
                self.outcome = ("ok", self.results) if kind == "end" else (kind, value)


def _unwrap(outcome: tuple[str, Any]) -> list[Any]:
    kind, value = outcome
    if kind == "build-error":
        raise BuildError(value)
    if kind == "relayed":
        raise value
    if kind == "crash":
        raise WorkerError(f"a build worker failed:\n{value}")
    return list(value)
