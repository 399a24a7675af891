"""The per-user rate limit: a sliding window per key, on an injected clock."""

from __future__ import annotations

from plugins.maimai_archive.core.guards import RateLimit


def test_a_key_gets_count_uses_per_period_and_others_are_independent() -> None:
    now = [0.0]
    limit = RateLimit(2, 60, clock=lambda: now[0])
    assert limit.allow("a")
    now[0] = 10.0
    assert limit.allow("a")
    assert not limit.allow("a")  # a refused use is not counted …
    assert limit.wait("a") == 50
    assert limit.allow("b")
    now[0] = 59.9
    assert not limit.allow("a")
    now[0] = 60.0  # … so the window slides from the first allowed use: one use free again
    assert limit.allow("a") and not limit.allow("a")
    assert limit.wait("b") == 0


def test_zero_means_no_limit() -> None:
    limit = RateLimit(0, 60)
    assert all(limit.allow("a") for _ in range(1000))
