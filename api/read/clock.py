"""The service's clock: "today" is the UTC date everywhere (the default `as_of`, cache keys, pages),
so machines in different time zones answer the same URL the same way."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as clock


def now() -> datetime:
    """The time (UTC, aware); tests replace it to cross midnight."""
    return datetime.now(UTC)


def today() -> date:
    """Today in UTC: the default `as_of` of every read."""
    return now().date()


def day_start() -> datetime:
    """00:00 UTC today, naive like the stored release times."""
    return datetime.combine(today(), clock())


def seconds_to_midnight() -> int:
    """Seconds until the next 00:00 UTC, when answers for the default `as_of` change day."""
    moment = now()  # read once: a second reading could fall after midnight
    return int((datetime.combine(moment.date() + timedelta(days=1), clock(), UTC) - moment).total_seconds())
