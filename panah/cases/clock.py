"""The custody clock: an arrested person must be produced before a magistrate within 24 hours.

Source: Constitution of Pakistan Art. 10(2) and CrPC s. 61 (shared/domain/facts.md §0,
"Custody clocks", [firm]). Travel time to the nearest magistrate is excluded by law; Panah
cannot know it, so the clock shows the plain 24 hours and says so.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

PRODUCTION_LIMIT = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class CustodyClock:
    arrested_at: datetime.datetime
    deadline: datetime.datetime
    elapsed: datetime.timedelta
    remaining: datetime.timedelta
    percent_elapsed: int
    overdue: bool
    produced: bool


def custody_clock(
    arrested_at: datetime.datetime,
    now: datetime.datetime,
    *,
    produced_at: datetime.datetime | None = None,
) -> CustodyClock:
    """Return how much of the 24 hours before production to a magistrate has passed."""
    if arrested_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("custody_clock needs aware datetimes")
    end = produced_at or now
    deadline = arrested_at + PRODUCTION_LIMIT
    elapsed = max(end - arrested_at, datetime.timedelta(0))
    remaining = deadline - end
    percent = min(100, int(elapsed / PRODUCTION_LIMIT * 100))
    return CustodyClock(
        arrested_at=arrested_at,
        deadline=deadline,
        elapsed=elapsed,
        remaining=max(remaining, datetime.timedelta(0)),
        percent_elapsed=percent,
        overdue=remaining < datetime.timedelta(0),
        produced=produced_at is not None,
    )
