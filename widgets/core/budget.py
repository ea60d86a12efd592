"""A time (and memory) budget for symbolic work that can run long.

``simplify``, ``integrate``, ``limit`` and ``solve`` can take minutes, or eat gigabytes, on an
innocent-looking input. :func:`run_with_budget` runs such a call in a persistent worker process
and gives up cleanly past the budget with an :class:`~widgets.core.expressions.ExpressionError`.

Why a worker process and not a ``signal.setitimer`` alarm:

- an alarm only fires between Python bytecodes, so it cannot stop a long call inside C code
  (a big-integer multiplication in SymPy's polynomial code, say), and it does not bound memory;
- it raises ``ValueError`` off the main thread, where Voila or a user's thread may call us;
- a killed worker leaves the kernel untouched, whatever the call was doing.

The worker is spawned once (on first use, or early by :func:`warm_up`), serves calls one at a
time over a pipe, runs under an address-space limit (:data:`MEMORY_LIMIT`), and is killed and
respawned when a call overruns. Where no worker can be had (Pyodide, or a script whose
``__main__`` a spawned process cannot import, such as ``python -`` reading stdin), calls run in
process, bounded by a ``setitimer`` alarm when on the main thread. Functions and arguments must
be picklable: pass module-level functions such as ``sympy.simplify``.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from typing import Any

from .expressions import ExpressionError

__all__ = ["DEFAULT_BUDGET", "MEMORY_LIMIT", "run_with_budget", "shutdown", "warm_up"]

DEFAULT_BUDGET = 2.0
"""Seconds a symbolic call may take before it is abandoned."""
MEMORY_LIMIT = 4 * 2**30
"""Address-space limit of the worker process, in bytes."""
_START_TIMEOUT = 60.0  # the first call also waits for the worker to import sympy


def _serve(connection: Any, memory_limit: int) -> None:  # pragma: no cover - runs in the worker
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ImportError, ValueError, OSError):
        pass
    import sympy  # noqa: F401  (imported once, before the first call is timed)

    connection.send(("ready", None))
    while True:
        try:
            function, args, kwargs = connection.recv()
        except EOFError:
            return
        try:
            connection.send(("ok", function(*args, **kwargs)))
        except MemoryError:
            connection.send(("memory", None))
        except Exception as error:
            connection.send(("error", f"{type(error).__name__}: {error}"))


class _Worker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Any = None
        self._ready = False

    def start(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        env_threads = os.environ.get("OPENBLAS_NUM_THREADS")
        os.environ["OPENBLAS_NUM_THREADS"] = "1"  # the worker needs no BLAS threads
        try:
            process = context.Process(
                target=_serve, args=(child, MEMORY_LIMIT), daemon=True, name="widgets-budget"
            )
            process.start()
        finally:
            if env_threads is None:
                os.environ.pop("OPENBLAS_NUM_THREADS", None)
            else:
                os.environ["OPENBLAS_NUM_THREADS"] = env_threads
        child.close()
        self._process, self._connection, self._ready = process, parent, False

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
            self._connection.close()
        self._process = self._connection = None
        self._ready = False

    def _wait_ready(self) -> None:
        if self._ready:
            return
        try:
            if not self._connection.poll(_START_TIMEOUT):
                raise EOFError
            self._connection.recv()
        except (EOFError, OSError):  # it died while starting (e.g. __main__ is not importable)
            self.stop()
            raise RuntimeError("the symbolic worker did not start") from None
        self._ready = True

    def call(self, function: Callable[..., Any], args: tuple, kwargs: dict, seconds: float) -> Any:
        with self._lock:
            self.start()
            self._wait_ready()
            self._connection.send((function, args, kwargs))
            if not self._connection.poll(seconds):
                self.stop()
                self.start()  # respawn now, so the next call finds it ready
                raise ExpressionError(
                    f"this took longer than {seconds:g} s and was stopped; "
                    "try a simpler expression"
                )
            try:
                status, value = self._connection.recv()
            except EOFError:
                self.stop()
                raise ExpressionError("this needed too much memory and was stopped") from None
        if status == "ok":
            return value
        if status == "memory":
            raise ExpressionError("this needed too much memory and was stopped")
        raise ExpressionError(f"SymPy could not do this ({value})")


_worker = _Worker()


def warm_up() -> None:
    """Start the worker in the background so the first budgeted call does not wait for it."""
    try:
        with _worker._lock:
            _worker.start()
    except (OSError, RuntimeError):
        pass


def shutdown() -> None:
    """Stop the worker (it is also stopped when the process exits)."""
    with _worker._lock:
        _worker.stop()


def run_with_budget(
    function: Callable[..., Any], *args: Any, seconds: float = DEFAULT_BUDGET, **kwargs: Any
) -> Any:
    """Run ``function(*args, **kwargs)`` in the worker, within ``seconds``.

    Raises
    ------
    ExpressionError
        When the call takes longer than ``seconds``, runs out of memory, or raises (the
        message names the exception). The kernel is unaffected either way.
    """
    try:
        return _worker.call(function, args, kwargs, seconds)
    except (OSError, RuntimeError):
        # No worker can be had here: run in process, under an alarm where one is possible.
        return _run_in_process(function, args, kwargs, seconds)


class _Overrun(Exception):
    pass


def _run_in_process(function: Callable[..., Any], args: tuple, kwargs: dict,
                    seconds: float) -> Any:
    """The fallback: an interval alarm bounds Python-level work on the main thread only."""
    import signal

    use_alarm = (hasattr(signal, "setitimer")
                 and threading.current_thread() is threading.main_thread())

    def overrun(_signum: int, _frame: Any) -> None:
        raise _Overrun

    previous = signal.signal(signal.SIGALRM, overrun) if use_alarm else None
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args, **kwargs)
    except _Overrun:
        raise ExpressionError(f"this took longer than {seconds:g} s and was stopped; "
                              "try a simpler expression") from None
    except Exception as error:
        raise ExpressionError(f"SymPy could not do this ({error})") from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
