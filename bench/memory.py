"""Issue 19 target 6: the largest gunicorn worker stays <= 200 MB resident after the benchmark's
random-date and list runs and after 5 publishes.

Against a running service (bench/run.py's, or the scale check's at Nx): wrk runs of a status for a
random state and day and of the list of 200 on a random day (both mostly response-cache misses),
then each worker's resident memory from /proc (VmRSS now, VmHWM its peak); then 5 publishes, each
a curator's `POST /api/v1/sources` over HTTP (a new dataset version), the same wrk runs again so
that both workers read the new versions, and each worker's memory again.

gunicorn replaces a worker after ~10,000 requests (`max_requests`), so a worker's peak is the
peak of the worker alive at the time of measurement, not of every worker the runs went through.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import harness

TARGET_MB = 200
PUBLISHES = 5
READS = {"status, random state and day": "/api/v1/countries/{code}/status?as_of={date}",
         "list of 200, random day": "/api/v1/countries?limit=200&as_of={date}"}


def check(service: harness.Server, database_url: str, args, workdir: Path, label: str = "") -> None:
    """Print each worker's memory after the random-date and list runs, and after 5 publishes."""
    if args.only and "memory" not in args.only:
        return
    codes = [item["iso2"] for item in json.loads(harness.fetch(service.url("/api/v1/countries?limit=500"))[2])["items"]]
    scripts = [harness.random_script(workdir / f"memory-{number}.lua", template, codes)
               for number, template in enumerate(READS.values())]
    print(f"\nmemory of each gunicorn worker{label} (issue 19 target 6: largest <= {TARGET_MB} MB resident); "
          f"wrk -t{args.threads} -c{args.connections} {args.duration} s per run: {', '.join(READS)}\n")
    print("| after | workers: VmRSS MB (VmHWM peak MB) | largest VmRSS | met |\n|---|---|---:|---|")
    errors = reads(service, scripts, args)
    row("the random-date and list runs", service, errors)
    timings = publish(service, database_url)
    errors = reads(service, scripts, args)
    row(f"{PUBLISHES} publishes (POST /api/v1/sources: {', '.join(f'{t:.0f}' for t in timings)} ms) "
        f"and the same runs again", service, errors)


def reads(service: harness.Server, scripts: list[Path], args) -> int:
    """The wrk runs; their non-2xx/3xx answers and socket errors (the memory is read anyway)."""
    return sum(harness.run_wrk(service.url("/api/v1/countries"), args.duration, args.threads,
                               args.connections, None, script).errors for script in scripts)


def row(after: str, service: harness.Server, errors: int) -> None:
    workers = {pid: harness.memory_mb(pid) for pid in service.workers()}
    largest = max(rss for rss, _ in workers.values())
    cells = ", ".join(f"{rss:.1f} ({peak:.1f})" for rss, peak in workers.values())
    after += f" ({errors} errors in the runs)" if errors else ""
    print(f"| {after} | {cells} | {largest:.1f} | {'yes' if largest <= TARGET_MB else 'NO'} |", flush=True)


def publish(service: harness.Server, database_url: str) -> list[float]:
    """PUBLISHES curator writes over HTTP, each a new dataset version; their times in ms."""
    run = int(time.time())
    token = harness.curator_token(database_url, f"bench-memory-{run}")
    timings = []
    for number in range(PUBLISHES):
        body = {"id": f"bench-memory-{run}-{number}", "url": f"https://example.org/bench/memory/{number}",
                "title": f"Benchmark source {number} (not a real source)", "publisher": "bench/memory.py",
                "published": None, "accessed": time.strftime("%Y-%m-%d", time.gmtime())}
        started = time.perf_counter()
        status, answer = harness.post_json(service.url("/api/v1/sources"), body,
                                           {"Authorization": f"Bearer {token}"})
        timings.append((time.perf_counter() - started) * 1000)
        if status != 201:
            raise RuntimeError(f"POST /api/v1/sources answered {status}: {answer[:500]!r}")
    return timings
