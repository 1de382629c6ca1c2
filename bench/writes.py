"""Issue 19 target 4: how long one curator's POST takes, at today's size and at Nx.

In-process (the Flask test client, no HTTP server): each POST adds one source, which publishes a
new dataset version like any write. Prints the median and p90 of `--writes` sequential POSTs.

    .venv/bin/python bench/writes.py --database sqlite --scale 1 --writes 20
    .venv/bin/python bench/writes.py --database postgresql --scale 100
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
import synthetic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--writes", type=int, default=20)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="treaty-writes-"))
    cleanup = harness.Cleanup()
    try:
        url = harness.create_database(args.database, cleanup, workdir)
        seed_dir = None
        if args.scale != 1:
            seed_dir = workdir / f"seed-{args.scale}x"
            synthetic.build(args.scale, seed_dir, validate=False)
        started = time.perf_counter()
        harness.load_database(url, seed_dir)
        print(f"{args.database}, {args.scale}x: loaded in {time.perf_counter() - started:.1f} s; "
              f"{harness.context()}", flush=True)
        os.environ.update(harness.app_env(url))
        sys.path.insert(0, str(harness.ROOT))
        from api import create_app
        from api.extensions import db
        from api.routes import tokens
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
        with app.app_context():
            _, secret = tokens.create("bench-writer", "curator")
            db.session.commit()
        client = app.test_client()
        times = []
        for number in range(args.writes):
            body = {"id": f"bench-source-{number}", "url": f"https://example.org/bench/{number}",
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
    finally:
        cleanup.run()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
