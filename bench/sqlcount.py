"""In-process measurements through the Flask test client, printed as JSON.

    DATABASE_URL=... python bench/sqlcount.py statements URL...   # SQL statements per request
    DATABASE_URL=... python bench/sqlcount.py rss URL              # peak RSS of one request

`statements` counts with a SQLAlchemy `before_cursor_execute` listener, for a first
request and for the same request again (a response cache shows as fewer statements on
the second). `rss` reads the peak resident memory (VmHWM) after streaming the whole response, and the baseline
after the app is warmed up by one request to /healthz, both in MB.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from api import create_app
from api.extensions import db
from bench.harness import peak_rss_mb


def statements(app, urls: list[str]) -> dict:
    counted: list[str] = []
    client, result = app.test_client(), {}
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: counted.append(args[2]))
    for url in urls:
        per_try = []
        for _ in range(2):
            counted.clear()
            response = client.get(url)
            response.get_data()
            per_try.append(len(counted))
        result[url] = {"status": response.status_code, "first": per_try[0], "again": per_try[1]}
    return result


def peak_rss(app, url: str) -> dict:
    client = app.test_client()
    client.get("/healthz")
    before = peak_rss_mb()
    response = client.get(url, buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    after = peak_rss_mb()
    return {"status": response.status_code, "bytes": size, "baseline_mb": round(before, 1),
            "peak_mb": round(after, 1)}


if __name__ == "__main__":
    mode, urls = sys.argv[1], sys.argv[2:]
    # The version check is due every VERSION_CHECK_SECONDS. At 100x the first request's snapshot
    # load outlasts the default, so "again" would count the next check (a statement per interval,
    # whatever the rows) instead of what the request itself needs.
    application = create_app({"VERSION_CHECK_SECONDS": 60} if mode == "statements" else None)
    print(json.dumps(statements(application, urls) if mode == "statements" else peak_rss(application, urls[0])))
