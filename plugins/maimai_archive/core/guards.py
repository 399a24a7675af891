"""Per-user rate limits (image commands, /bind attempts): a sliding window per key.

In memory: a restart forgets them, which is fine for limits measured in minutes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 10_000  # past this, keys whose window is empty are dropped


class RateLimit:
    """At most ``count`` uses per ``period`` seconds for each key; ``count`` ≤ 0 = no limit."""

    def __init__(
        self, count: int, period: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.count = count
        self.period = period
        self._clock = clock
        self._uses: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Whether ``key`` may go on now; an allowed use is counted, a refused one is not."""
        if self.count <= 0:
            return True
        now = self._clock()
        uses = self._uses.setdefault(key, deque())
        while uses and uses[0] <= now - self.period:
            uses.popleft()
        if len(uses) >= self.count:
            return False
        uses.append(now)
        if len(self._uses) > MAX_KEYS:
            self._forget_idle(now)
        return True

    def give_back(self, key: str) -> None:
        """Uncount ``key``'s latest use: it did nothing (the service it asked was down)."""
        uses = self._uses.get(key)
        if uses:
            uses.pop()

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may go on again (0 when it may now)."""
        uses = self._uses.get(key)
        if self.count <= 0 or not uses or len(uses) < self.count:
            return 0.0
        return max(0.0, uses[0] + self.period - self._clock())

    def _forget_idle(self, now: float) -> None:
        for key in [
            k for k, uses in self._uses.items() if not uses or uses[-1] <= now - self.period
        ]:
            del self._uses[key]
