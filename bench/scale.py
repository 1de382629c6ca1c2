"""The scale check (issue 8, item 4): the same service on synthetic data at 1x and at Nx.

Both datasets come from bench/synthetic.py (real data plus a synthetic second treaty and old
policy positions), so they have the same shape and differ only in volume. For each it
reports SQL statements per request (in-process, bench/sqlcount.py), single-country latency
under wrk, and the CSV export's peak RSS when the export exists.
Targets: statements unchanged, country latency grows < 2x, export peak < 150 MB.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

import harness
import memory
import synthetic

COUNTRY = "/api/v1/countries/FI"
URLS = [COUNTRY, "/api/v1/countries/FI/status?as_of=2020-01-01", "/api/v1/countries?limit=500",
        "/api/v1/treaties/apmbc/participants?limit=500", "/api/v1/countries?treaty=synthetic&limit=500",
        "/api/v1/treaties/synthetic/participants?limit=500", "/api/v1/countries/FI/history",
        "/api/v1/countries/KE/status?as_of=1999-05-05", "/api/v1/countries?limit=200&as_of=2003-04-01"]
EXPORT_CANDIDATES = ["/api/v1/exports/treaty_actions.csv", "/api/v1/export/treaty_actions.csv",
                     "/api/v1/treaty_actions.csv", "/api/v1/exports/treaty-actions.csv"]
SEED_DIRS: dict[int, tuple[Path, dict]] = {}  # built once, shared by both databases


def seed_dir(factor: int, workdir: Path) -> tuple[Path, dict]:
    if factor not in SEED_DIRS:
        target = workdir / f"seed-{factor}x"
        SEED_DIRS[factor] = (target, synthetic.build(factor, target, validate=False))
    return SEED_DIRS[factor]


def in_process(url: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__).parent / "sqlcount.py"), *args],
                          cwd=harness.ROOT, env=harness.app_env(url), capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"sqlcount.py {args[0]} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def measure(kind: str, factor: int, args, cleanup, workdir: Path) -> dict:
    directory, counts = seed_dir(factor, workdir)
    print(f"{kind} {factor}x: {counts['treaty_action']} treaty actions, "
          f"{counts['policy_position']} policy positions; loading ...", flush=True)
    url = harness.create_database(kind, cleanup, workdir)
    harness.load_database(url, directory)
    result = {"counts": counts, "statements": in_process(url, "statements", *URLS)}
    export = next((p for p in EXPORT_CANDIDATES
                   if in_process(url, "statements", p)[p]["status"] == 200), None)
    result["export"] = in_process(url, "rss", export) if export else None
    service = harness.start_server(f"service-{factor}x", "wsgi:app", harness.app_env(url), cleanup,
                                   workdir, "/readyz")
    if args.warmup:
        harness.run_wrk(service.url(COUNTRY), args.warmup, args.threads, args.connections)
    runs = [harness.run_wrk(service.url(COUNTRY), args.duration, args.threads, args.connections)
            for _ in range(args.rounds)]
    result["worker_rss_mb"] = service.worker_peak_rss_mb()
    if factor != 1:
        memory.check(service, url, args, workdir, f" at {factor}x")
    service.stop()
    result["country"] = {attr: statistics.median(getattr(r, attr) for r in runs)
                         for attr in ("rps", "p50_ms", "p99_ms")}
    return result


def check(kind: str, args, cleanup, workdir: Path) -> None:
    print(f"\n## scale check on {kind}: 1x vs {args.scale}x (synthetic datasets)\n{harness.context()}\n", flush=True)
    small, big = (measure(kind, f, args, cleanup, workdir) for f in (1, args.scale))
    print(f"\n| endpoint | statements 1x (first/again) | statements {args.scale}x | unchanged |")
    print("|---|---:|---:|---|")
    for path in URLS:
        a, b = small["statements"][path], big["statements"][path]
        same = "yes" if (a["first"], a["again"]) == (b["first"], b["again"]) else "NO"
        status = "" if a["status"] == b["status"] == 200 else f" (HTTP {a['status']}/{b['status']})"
        print(f"| {path}{status} | {a['first']}/{a['again']} | {b['first']}/{b['again']} | {same} |")
    c1, c2 = small["country"], big["country"]
    growth = c2["p50_ms"] / c1["p50_ms"]
    print(f"\n| {COUNTRY} under wrk | req/s | p50 ms | p99 ms |\n|---|---:|---:|---:|")
    for label, c in (("1x", c1), (f"{args.scale}x", c2)):
        print(f"| {label} | {c['rps']:.0f} | {c['p50_ms']:.2f} | {c['p99_ms']:.2f} |")
    print(f"\np50 growth {args.scale}x/1x: {growth:.2f} (target < 2: {'yes' if growth < 2 else 'NO'}); "
          f"req/s ratio {c2['rps'] / c1['rps']:.2f}")
    print(f"gunicorn worker peak RSS (VmHWM) after the wrk runs: 1x {small['worker_rss_mb']} MB, "
          f"{args.scale}x {big['worker_rss_mb']} MB")
    export = big["export"]
    if export is None:
        print("export peak RSS: n/a: 404 (no export endpoint)")
    else:
        print(f"export peak RSS at {args.scale}x: {export['peak_mb']} MB (process baseline "
              f"{export['baseline_mb']} MB, {export['bytes']} bytes; target < 150 MB: "
              f"{'yes' if export['peak_mb'] < 150 else 'NO'})")
