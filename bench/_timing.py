"""The timing loop the bench scripts share: warm-up runs dropped, p50 and p95 of the rest,
in milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

WARM_UP = 2


async def timings_ms(action: Callable[[], Awaitable[Any]], runs: int, *,
                     check: Callable[[Any], object] | None = None,
                     warm_up: int = WARM_UP) -> list[float]:
    """Await ``action()`` ``warm_up + runs`` times; the last ``runs`` durations, sorted.
    ``check`` sees every result (an assertion on the response)."""
    times = []
    for i in range(warm_up + runs):
        started = time.perf_counter()
        result = await action()
        elapsed = (time.perf_counter() - started) * 1000
        if check is not None:
            check(result)
        if i >= warm_up:
            times.append(elapsed)
    return sorted(times)


def p50_p95(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


async def report(name: str, action: Callable[[], Awaitable[Any]], runs: int, *, width: int,
                 check: Callable[[Any], object] | None = None) -> tuple[str, float, float]:
    """Time ``action`` and print one line ``name  p50 … ms   p95 … ms``."""
    p50, p95 = p50_p95(await timings_ms(action, runs, check=check))
    print(f"{name:{width}s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    return name, p50, p95
