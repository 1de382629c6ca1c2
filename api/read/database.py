"""Database calls that a read may make (the current version's name, a ping), bounded in time: a
hung database costs a request at most VERSION_CHECK_WAIT, never the connection's own timeouts."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from flask import Flask, current_app
from sqlalchemy import text

from api.extensions import db
from api.models import DatasetVersion
from api.problems import Problem

T = TypeVar("T")


class Probe:
    """One database call at a time, in its own thread and app context, waited for with a bound.

    A database that refuses connections fails at once, but a hung one (a network that drops
    packets, a server that accepts and never answers) would hold the request thread for as long as
    the operating system keeps the connection. The call runs in a thread instead: the request
    waits at most `wait` seconds; a request that finds a call already running does not wait at
    all. The stuck thread ends when its connection does (keepalives, or the network coming back).
    """

    def __init__(self) -> None:
        self.lock, self.started = threading.Lock(), 0.0
        self.running: Future[Any] | None = None

    def call(self, work: Callable[[], T], wait: float) -> T:
        """`work()`'s result; raises its exception, or TimeoutError after `wait` seconds. While a call
        is running, another caller gets its answer instead (one call for both), waiting only as
        long as the first one's `wait` allows."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # LocalProxy's stubs lack it
        with self.lock:
            now = time.monotonic()
            if self.running is None or self.running.done():
                self.running, self.started = Future(), now
                threading.Thread(target=self._run, args=(app, work, self.running), daemon=True).start()
            future, left = self.running, self.started + wait - now
        try:
            if left <= 0:
                raise FutureTimeout
            result: T = future.result(timeout=left)
            return result
        except FutureTimeout:
            raise TimeoutError(f"no answer from the database within {wait}s") from None

    @staticmethod
    def _run(app: Flask, work: Callable[[], Any], future: Future[Any]) -> None:
        # The connection goes back to the pool before the waiting request is answered: after that
        # the app (a test, a worker shutting down) may dispose of the pool at any moment.
        with app.app_context():
            try:
                result = work()
            except BaseException as error:  # handed to the waiting request, if any
                db.session.remove()
                future.set_exception(error)
                return
            db.session.remove()
            future.set_result(result)


def read_bind() -> dict[str, Any]:
    """`bind_arguments` for a read of dataset versions: the replica (DATABASE_READ_URL) if there is
    one, else the database itself. Writes, tokens and revisions always use DATABASE_URL."""
    return {"bind": db.engines["read"]} if "read" in db.engines else {}


def stored_bases(base: str | None, bind: dict[str, Any] | None = None) -> list[bytes]:
    """The stored snapshots a version with this `snapshot_base` is read from, full one first: the
    base's, and the base's own bases' while the base holds only changes (api/write/versions.py)."""
    chain: list[bytes] = []
    while base is not None:
        row = db.session.execute(db.select(DatasetVersion.snapshot, DatasetVersion.snapshot_base)
                                 .where(DatasetVersion.version == base),
                                 bind_arguments=read_bind() if bind is None else bind).one()
        chain.append(row.snapshot)
        base = row.snapshot_base
    return chain[::-1]


def latest_version() -> str | None:
    bind = read_bind()
    if db.session.get_bind(**bind).dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL statement_timeout = 2000"), bind_arguments=bind)  # this check only
    version: str | None = db.session.scalar(db.select(DatasetVersion.version)
                                            .order_by(DatasetVersion.sequence.desc()).limit(1), bind_arguments=bind)
    return version


class DatabaseUnavailable(Problem):
    def __init__(self, retry_after: int):
        super().__init__(503, "The database is unreachable and no data is loaded in this process yet; "
                              "try again shortly.", headers={"Retry-After": str(retry_after)})
