"""Issue 19 target 4: how long one curator's POST takes, at today's size and at Nx.

In-process (the Flask test client, no HTTP server): each POST adds one source, which publishes a
new dataset version like any write. Prints the median and p90 of `--writes` sequential POSTs.
`--concurrent N` then starts gunicorn (gunicorn.conf.py) on the same database and sends N POSTs at
once over HTTP, each retried with its Idempotency-Key while the answer is a 503 (the write lock
was busy for WRITE_LOCK_TIMEOUT), and prints how long it took until all N were written.

    .venv/bin/python bench/writes.py --database sqlite --scale 1 --writes 20
    .venv/bin/python bench/writes.py --database postgresql --scale 100
    .venv/bin/python bench/writes.py --database postgresql --writes 10 --concurrent 30
    .venv/bin/python bench/writes.py --database sqlite --url sqlite:////tmp/seeded-100x.db --scale 100

`--url` writes into a database seeded beforehand (it is kept, with the writes): seeding the 100x data
takes 10-20 minutes on this machine. `--scale` then only labels the output.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
import synthetic

RUN = time.strftime("%Y%m%d%H%M%S")  # in the new records' ids: a kept database can be written to again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--url", help="an already seeded database to write into (kept)")
    parser.add_argument("--concurrent", type=int, default=0, help="then N writers at once through gunicorn")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="treaty-writes-"))
    cleanup = harness.Cleanup()
    try:
        url = args.url or load(args, cleanup, workdir)
        if args.url:
            print(f"{args.database}, {args.scale}x, seeded beforehand; {harness.context()}", flush=True)
        os.environ.update(harness.app_env(url))
        sys.path.insert(0, str(harness.ROOT))
        from api import create_app
        from api.extensions import db
        from api.routes import tokens
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
        with app.app_context():
            _, secret = tokens.create(f"bench-writer-{time.time_ns()}", "curator")
            db.session.commit()
        client = app.test_client()
        times = []
        for number in range(args.writes):
            body = {"id": f"bench-source-{RUN}-{number}", "url": f"https://example.org/bench/{number}",
                    "title": f"Benchmark source {number} (not a real source)", "publisher": "bench/writes.py",
                    "published": None, "accessed": "2026-12-03"}
            started = time.perf_counter()
            response = client.post("/api/v1/sources", json=body, headers={"Authorization": f"Bearer {secret}"})
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                raise RuntimeError(f"POST answered {response.status_code}: {response.get_data(as_text=True)[:500]}")
        times.sort()
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        print(f"{args.database}, {args.scale}x, {args.writes} POST /api/v1/sources in a row: median "
              f"{statistics.median(times):.0f} ms, p90 {p90:.0f} ms, max {times[-1]:.0f} ms "
              f"(target: median <= 150, p90 <= 300)")
        with app.app_context():
            db.engine.dispose()
        if args.concurrent:
            concurrent_writers(args, url, secret, cleanup, workdir)
    finally:
        cleanup.run()
        shutil.rmtree(workdir, ignore_errors=True)


def load(args, cleanup, workdir: Path) -> str:
    url = harness.create_database(args.database, cleanup, workdir)
    seed_dir = None
    if args.scale != 1:
        seed_dir = workdir / f"seed-{args.scale}x"
        synthetic.build(args.scale, seed_dir, validate=False)
    started = time.perf_counter()
    harness.load_database(url, seed_dir)
    print(f"{args.database}, {args.scale}x: loaded in {time.perf_counter() - started:.1f} s; "
          f"{harness.context()}", flush=True)
    return url


def post_until_written(url: str, body: dict, secret: str) -> tuple[int, float, int]:
    """(status, ms, tries): POST, retried with the same Idempotency-Key while the answer is a 503."""
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json",
               "Idempotency-Key": body["id"]}
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST", headers=headers)
    started = time.perf_counter()
    for tries in range(1, 41):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, (time.perf_counter() - started) * 1000, tries
        except urllib.error.HTTPError as error:
            if error.code != 503:
                return error.code, (time.perf_counter() - started) * 1000, tries
        time.sleep(0.1)  # shorter than Retry-After: the time to finish is what is measured
    return 503, (time.perf_counter() - started) * 1000, tries


def concurrent_writers(args, url: str, secret: str, cleanup, workdir: Path) -> None:
    server = harness.start_server("writes", "wsgi:app", harness.app_env(url), cleanup, workdir, "/readyz")
    bodies = [{"id": f"bench-concurrent-{RUN}-{n}", "url": f"https://example.org/bench/concurrent/{n}",
               "title": f"Benchmark source, concurrent writer {n} (not a real source)",
               "publisher": "bench/writes.py", "published": None, "accessed": "2026-12-03"}
              for n in range(args.concurrent)]
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrent) as pool:
        results = list(pool.map(lambda body: post_until_written(server.url("/api/v1/sources"), body, secret), bodies))
    elapsed = time.perf_counter() - started
    server.stop()
    statuses = sorted({status for status, _, _ in results})
    times = sorted(ms for _, ms, _ in results)
    print(f"{args.database}, {args.scale}x, {args.concurrent} concurrent POST /api/v1/sources through gunicorn: "
          f"all answered in {elapsed:.2f} s (statuses {statuses}, {sum(t for _, _, t in results)} tries); "
          f"per writer median {statistics.median(times):.0f} ms, max {times[-1]:.0f} ms (target: all in < 5 s)")


if __name__ == "__main__":
    main()
