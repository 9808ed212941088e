"""The token bucket that rate-limits each socket's frames."""

from __future__ import annotations

from core.realtime import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate_then_refusals_until_time_refills():
    clock = Clock()
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token back at two per second
    assert [bucket.take() for _ in range(2)] == [True, False]
    clock.now += 60  # never more than the burst, however long the wait
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
