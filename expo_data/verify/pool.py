"""The verifier pool: `verify_one` in spawned worker processes with a per-item timeout."""

from __future__ import annotations

from concurrent.futures import TimeoutError as FutureTimeout

from .compare import verify_one


VERIFY_TIMEOUT_S = 5.0


def _warm_worker() -> None:
    """Pool initializer: math-verify, sympy and the parser imported and run once before the worker takes an item,
    so an item's timeout never counts the worker's start-up (a worker restarted after a timeout starts cold)."""
    verify_one("1", "1")


class Verifier:
    """A pebble process pool: a hung item is killed at `timeout_s` and recorded as 'timeout'. The timeout covers
    the item only: pebble starts an item's clock when a worker takes it, after `_warm_worker` has run."""

    def __init__(self, workers: int = 2, timeout_s: float = VERIFY_TIMEOUT_S):
        from pebble import ProcessPool

        self.timeout_s = timeout_s
        import multiprocessing as mp

        # spawn: forking a process that holds an inference engine and torch threads can deadlock.
        self._pool = ProcessPool(max_workers=workers, context=mp.get_context("spawn"), initializer=_warm_worker)
        self._fn = verify_one

    def verify_many(self, items: list[tuple[str, str | None]]) -> list[tuple[bool, str | None]]:
        futures = [self._pool.schedule(self._fn, args=item, timeout=self.timeout_s) for item in items]
        results = []
        for future in futures:
            try:
                results.append(future.result())
            except FutureTimeout:
                results.append((False, "timeout"))
            except Exception as exc:  # a crashed worker (e.g. recursion blow-up) is recorded too
                results.append((False, f"error: {type(exc).__name__}: {str(exc)[:200]}"))
        return results

    def close(self) -> None:
        self._pool.stop()
        self._pool.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
