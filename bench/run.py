"""The benchmark of issue 8: the service against the framework's ceiling, with wrk.

For each database it loads seed_data/ into a fresh database, starts the service
(`gunicorn -c gunicorn.conf.py wsgi:app`) and the reference app (bench/reference_app.py)
with the same settings on loopback ports, and drives them alternately with wrk: for each
round and endpoint, the reference then the service. It prints the median over rounds of
requests/s, p50, p99, and of the per-round ratio service/reference req/s.

    make bench                                   # both databases, 2 rounds of 5 s
    .venv/bin/python bench/run.py --database sqlite --rounds 3 --duration 10
    .venv/bin/python bench/run.py --scale 100    # also the scale check (bench/scale.py)
    .venv/bin/python bench/run.py --workers-check --database sqlite   # sync vs gthread
    .venv/bin/python bench/run.py --metrics-check --database sqlite   # METRICS_TOKEN set vs unset
"""
from __future__ import annotations

import argparse
import json
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
import memory
import scale

REFERENCE = "/ping"
REFERENCE_LIST = "/list"  # a precomputed 62 KB JSON array of 200 items (issue 19's reference for lists)
COUNTRY = "/api/v1/countries/FI"
ALL = "?limit=500"  # lists are paginated: ask for all 197 states in one page
RANDOM_STATUS = "/api/v1/countries/{code}/status?as_of={date}"
RANDOM_LIST = "/api/v1/countries?limit=200&as_of={date}"
# (label, candidate paths (first that answers 200 wins), target ratio, reference path, random
# template: with one, each request asks for a random state and a random day 1997-2026, so nearly
# every request is a response-cache miss). The export is found at run time.
ENDPOINTS = [
    ("country FI", [COUNTRY], 0.8, REFERENCE, None),
    ("status FI as_of", ["/api/v1/countries/FI/status?as_of=2020-01-01"], 0.8, REFERENCE, None),
    ("countries list", ["/api/v1/countries" + ALL, "/api/v1/countries"], 0.6, REFERENCE, None),
    ("apmbc participants", ["/api/v1/treaties/apmbc/participants" + ALL,
                            "/api/v1/treaties/apmbc/participants"], 0.6, REFERENCE, None),
    ("304 country FI", [COUNTRY], 0.9, REFERENCE, None),
    ("status random state, random date", [RANDOM_STATUS.format(code="FI", date="2020-01-01")], 0.5,
     REFERENCE, RANDOM_STATUS),
    ("list of 200, random date (ref: 62 KB array)", [RANDOM_LIST.format(date="2020-01-01")], 0.3,
     REFERENCE_LIST, RANDOM_LIST),
    ("CSV export", scale.EXPORT_CANDIDATES, None, REFERENCE, None),
    # issue 19 target 5 is its p50: <= 100 ms for a repeated package of one version and day
    ("datapackage.zip, same version and day", ["/api/v1/exports/datapackage.zip?as_of=2020-01-01"], None,
     REFERENCE, None),
]
WORKER_CONFIGS = [("sync -w 2", ("-k", "sync", "-w", "2")),
                  ("gthread -w 2 --threads 4", ("-k", "gthread", "-w", "2", "--threads", "4"))]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per endpoint (median is reported)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per server and endpoint")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--scale", type=int, default=0, help="also run the scale check at this factor")
    parser.add_argument("--only", default="",
                        help="comma-separated words: only the endpoints whose label contains one")
    parser.add_argument("--workers-check", action="store_true",
                        help="only compare sync vs gthread workers (service and reference)")
    parser.add_argument("--metrics-check", action="store_true",
                        help="only compare the service with METRICS_TOKEN set (requests counted) and unset")
    return parser.parse_args(argv)


def first_ok(service: harness.Server, paths: list[str]) -> tuple[str | None, int]:
    """The first path that answers 200, else (None, the last status seen)."""
    code = None
    for path in paths:
        code = harness.fetch(service.url(path))[0]
        if code == 200:
            return path, code
    return None, code


def plan(service: harness.Server, workdir: Path, only: str = "") -> list[tuple]:
    """(label, path, headers, target, why-not, reference path, wrk script, path shown) per
    endpoint; path None means n/a."""
    rows = []
    words = [word.strip().lower() for word in only.split(",") if word.strip()]
    codes = None
    for label, paths, target, reference, template in ENDPOINTS:
        if words and not any(word in label.lower() for word in words):
            continue
        path, code = first_ok(service, paths)
        headers, why, script = {}, "" if path else f"n/a: HTTP {code}", None
        if label.startswith("304") and path:
            etag = harness.fetch(service.url(path))[1].get("ETag")
            if etag is None:
                path, why = None, "n/a: no ETag"
            else:
                headers = {"If-None-Match": etag}
                code = harness.fetch(service.url(path), headers)[0]
                path, why = (path, "") if code == 304 else (None, f"n/a: ETag sent, got {code}")
        elif label.startswith("CSV") and not path:
            why = "n/a: 404 (no export endpoint)"
        if template and path:
            codes = codes or [item["iso2"] for item in json.loads(
                harness.fetch(service.url("/api/v1/countries" + ALL))[2])["items"]]
            name = "".join(c if c.isalnum() else "-" for c in label)[:40]
            script = harness.random_script(workdir / f"{name}.lua", template, codes)
        rows.append((label, path, headers, target, why, reference, script, template or path))
    return rows


def measure(reference, service, path, headers, args, reference_path=REFERENCE, script=None) -> dict:
    """Alternate reference and service runs on one endpoint; medians over rounds."""
    run = lambda server, p, h, seconds, s=None: harness.run_wrk(
        server.url(p), seconds, args.threads, args.connections, h, s)
    if args.warmup:
        run(reference, reference_path, {}, args.warmup)
        run(service, path, headers, args.warmup, script)
    refs, svcs = [], []
    for _ in range(args.rounds):
        refs.append(run(reference, reference_path, {}, args.duration))
        svcs.append(run(service, path, headers, args.duration, script))
    med = lambda results, attr: statistics.median(getattr(r, attr) for r in results)
    return {"rps": med(svcs, "rps"), "p50": med(svcs, "p50_ms"), "p99": med(svcs, "p99_ms"),
            "ref_rps": med(refs, "rps"), "ref_p99": med(refs, "p99_ms"),
            "ratio": statistics.median(s.rps / r.rps for s, r in zip(svcs, refs)),
            "errors": sum(s.errors for s in svcs)}


def start_pair(url: str, cleanup, workdir: Path, extra=()) -> tuple[harness.Server, harness.Server]:
    env = harness.app_env(url, EXPORT_CACHE_DIR=str(workdir / "export-cache"))  # not instance/
    service = harness.start_server("service", "wsgi:app", env, cleanup, workdir, "/readyz", extra)
    reference = harness.start_server("reference", "bench.reference_app:app", env, cleanup, workdir,
                                     REFERENCE, extra)
    return service, reference


def bench_database(kind: str, args, cleanup, workdir: Path) -> None:
    url = harness.create_database(kind, cleanup, workdir)
    print(f"\n## {kind}: loading seed_data/ ...", flush=True)
    harness.load_database(url)
    service, reference = start_pair(url, cleanup, workdir)
    print(harness.context())
    print(f"service on :{service.port}, reference on :{reference.port}; wrk -t{args.threads} "
          f"-c{args.connections}, {args.rounds} rounds x {args.duration} s, alternating\n")
    print("| endpoint | req/s | p50 ms | p99 ms | reference req/s | ratio | target | met |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for label, path, headers, target, why, reference_path, script, shown in plan(service, workdir, args.only):
        if path is None:
            print(f"| {label} | {why} | | | | | {target or ''} | |", flush=True)
            continue
        m = measure(reference, service, path, headers, args, reference_path, script)
        met = "-" if target is None else ("yes" if m["ratio"] >= target else "NO")
        errors = f" ({m['errors']} errors)" if m["errors"] else ""
        print(f"| {label} `{shown}`{errors} | {m['rps']:.0f} | {m['p50']:.2f} | {m['p99']:.2f} "
              f"| {m['ref_rps']:.0f} | {m['ratio']:.2f} | {target if target is not None else '-'} | {met} |",
              flush=True)
    bulk(service, args)
    print(f"\nlargest service worker's peak resident memory (VmHWM) after these runs: "
          f"{service.worker_peak_rss_mb()} MB (issue 19 target 6: <= 200 MB)")
    if kind == "sqlite" and (not args.only or "datasette" in args.only):
        peer(url, service, args, cleanup, workdir)
    memory.check(service, url, args, workdir)  # last: it publishes new versions
    print(f"\nafter: {harness.context()}")
    service.stop()
    reference.stop()


def bulk(service: harness.Server, args) -> None:
    """Issue 19 target 5, one request at a time: a repeated package (wrk -c1, so its latency is
    not queueing behind 31 others), and the exports index for days never asked for before."""
    if args.only and "bulk" not in args.only:
        return
    package = "/api/v1/exports/datapackage.zip?as_of=2020-01-01"
    if harness.fetch(service.url(package))[0] != 200:
        print("\nbulk: n/a (no datapackage.zip)")
        return
    run = harness.run_wrk(service.url(package), args.duration, 1, 1)
    timings = []
    for day in ("2004-04-04", "2008-08-08", "2013-03-13"):
        started = time.perf_counter()
        code = harness.fetch(service.url(f"/api/v1/exports?as_of={day}"))[0]
        timings.append(f"{(time.perf_counter() - started) * 1000:.0f} ms" + ("" if code == 200 else f" (HTTP {code})"))
    print(f"\nbulk, one request at a time: repeated `{package}` p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms "
          f"({run.rps:.0f} req/s; target p50 <= 100 ms); `/api/v1/exports?as_of=` of a new day: {', '.join(timings)}")


# (label, our path, Datasette's path for the same rows, target ratio ours/Datasette)
PEER_ROWS = [
    ("country FI", COUNTRY, "/treaty/state/FI.json", 5.0),
    ("country, random state", "/api/v1/countries/{code}", "/treaty/state/{code}.json", 5.0),
    ("all states, one page", "/api/v1/countries" + ALL, "/treaty/state.json?_size=max", None),
]


def peer(url: str, service: harness.Server, args, cleanup, workdir: Path) -> None:
    """Issue 19 target 3: the same lookups against Datasette serving a copy of the SQLite file
    (`datasette serve -i`, its own defaults: one process), alternating like the reference.

    Two ratios per lookup, both ours/Datasette: requests/s as each is deployed (ours: 2 sync
    workers that close every connection; Datasette: one process, keep-alive), and requests per
    CPU-second of the server (every process and thread, recycled workers included), which does
    not depend on how many processes each runs nor, much, on what else the machine is running."""
    datasette = harness.start_datasette(url, cleanup, workdir)
    if datasette is None:
        print("\nDatasette peer: n/a (datasette is not installed; requirements-dev.in pins it)")
        return
    codes = [item["iso2"] for item in json.loads(harness.fetch(service.url("/api/v1/countries" + ALL))[2])["items"]]
    print(f"\nDatasette {harness.datasette_version()} on a copy of the same SQLite file, "
          f"`datasette serve -i`, on :{datasette.port}; {harness.context()}\n")
    print("| lookup | ours req/s | ours p99 ms | ours CPU us/req | Datasette req/s | Datasette p99 ms "
          "| Datasette CPU us/req | ratio req/s | ratio CPU per request | target | met (req/s, CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for label, ours, theirs, target in PEER_ROWS:
        sides = [(server, template.replace("{code}", "FI"),
                  harness.random_script(workdir / f"peer-{side}.lua", template, codes) if "{code}" in template
                  else None) for side, server, template in (("ours", service, ours), ("theirs", datasette, theirs))]
        for server, path, script in sides:
            harness.run_wrk(server.url(path), args.warmup or 1, args.threads, args.connections, None, script)
        runs = [tuple(costed_run(server, path, script, args) for server, path, script in sides)
                for _ in range(args.rounds)]
        med = lambda side, attr, runs=runs: statistics.median(r[side][attr] for r in runs)
        by_rps = statistics.median(r[0]["rps"] / max(r[1]["rps"], 0.01) for r in runs)
        by_cpu = statistics.median(r[1]["cpu_us"] / max(r[0]["cpu_us"], 0.01) for r in runs)
        errors = sum(r[1]["errors"] for r in runs)
        met = "-" if target is None else " / ".join("yes" if x >= target else "NO" for x in (by_rps, by_cpu))
        print(f"| {label} `{ours}` vs `{theirs}`{f' ({errors} Datasette errors)' if errors else ''} "
              f"| {med(0, 'rps'):.0f} | {med(0, 'p99'):.2f} | {med(0, 'cpu_us'):.0f} | {med(1, 'rps'):.0f} "
              f"| {med(1, 'p99'):.2f} | {med(1, 'cpu_us'):.0f} | {by_rps:.1f} | {by_cpu:.1f} | {target or '-'} "
              f"| {met} |", flush=True)
    datasette.stop()


def costed_run(server: harness.Server, path: str, script, args) -> dict:
    """One wrk run, with the CPU time the server spent per request answered."""
    before = server.cpu_seconds()
    result = harness.run_wrk(server.url(path), args.duration, args.threads, args.connections, None, script)
    spent = server.cpu_seconds() - before
    return {"rps": result.rps, "p99": result.p99_ms, "errors": result.errors,
            "cpu_us": spent / max(result.rps * args.duration, 1) * 1e6}


def workers_check(kind: str, args, cleanup, workdir: Path) -> None:
    """sync vs gthread: all four servers up at once, runs interleaved round by round."""
    url = harness.create_database(kind, cleanup, workdir)
    harness.load_database(url)
    print(f"\n## worker classes on {kind} (req/s, p99 ms and the server's CPU per request, median of "
          f"{args.rounds} interleaved rounds)\n")
    print(harness.context() + "\n")
    pairs = {name: start_pair(url, cleanup, workdir, extra) for name, extra in WORKER_CONFIGS}
    targets = [("reference", 1, REFERENCE), ("country FI", 0, COUNTRY),
               ("countries list", 0, "/api/v1/countries" + ALL)]
    runs = {(name, label): [] for name in pairs for label, _, _ in targets}
    for pair in pairs.values():  # warm-up
        for _label, which, path in targets:
            harness.run_wrk(pair[which].url(path), args.warmup or 1, args.threads, args.connections)
    for _ in range(args.rounds):
        for label, which, path in targets:
            for name, pair in pairs.items():
                runs[name, label].append(costed_run(pair[which], path, None, args))
    print("| gunicorn | " + " | ".join(f"{label} req/s | p99 ms | CPU us/req" for label, _, _ in targets) + " |")
    print("|---|" + "---:|---:|---:|" * len(targets))
    for name in pairs:
        cells = []
        for label, _, _ in targets:
            results = runs[name, label]
            cells.append(" | ".join(f"{statistics.median(r[attr] for r in results):{spec}}"
                                    for attr, spec in (("rps", ".0f"), ("p99", ".2f"), ("cpu_us", ".0f"))))
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


# The hot paths metrics are recorded on: the front door (a cached read, a 304) and Flask (a random
# state and day: mostly answered from the intervals, some built by Flask).
METRICS_TARGETS = [("country FI (cached)", COUNTRY, False, None), ("304 country FI", COUNTRY, True, None),
                   ("status random state, random date", RANDOM_STATUS.format(code="FI", date="2020-01-01"), False,
                    RANDOM_STATUS)]


def metrics_check(kind: str, args, cleanup, workdir: Path) -> None:
    """The cost of counting requests (api/metrics.py observe, prometheus_client multiprocess files):
    two services on one database, METRICS_TOKEN set and unset (nothing counted), runs interleaved
    round by round; the ratio is set/unset req/s per round, its median reported."""
    url = harness.create_database(kind, cleanup, workdir)
    harness.load_database(url)
    env = harness.app_env(url, EXPORT_CACHE_DIR=str(workdir / "export-cache"))
    env.pop("METRICS_TOKEN", None)
    servers = {"unset": harness.start_server("metrics-off", "wsgi:app", env, cleanup, workdir, "/readyz"),
               "set": harness.start_server("metrics-on", "wsgi:app", {**env, "METRICS_TOKEN": "bench-scraper"},
                                           cleanup, workdir, "/readyz")}
    listed = harness.fetch(servers["set"].url("/api/v1/countries" + ALL))[2]
    codes = [item["iso2"] for item in json.loads(listed)["items"]]
    print(f"\n## metrics on {kind}: METRICS_TOKEN set vs unset (median of {args.rounds} interleaved rounds "
          f"of {args.duration} s, wrk -t{args.threads} -c{args.connections})\n")
    print(harness.context() + "\n")
    print("| endpoint | unset req/s | unset p99 ms | set req/s | set p99 ms | ratio set/unset |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, path, revalidate, template in METRICS_TARGETS:
        headers = {"If-None-Match": harness.fetch(servers["set"].url(path))[1]["ETag"]} if revalidate else {}
        script = harness.random_script(workdir / "metrics.lua", template, codes) if template else None
        for server in servers.values():  # warm-up
            harness.run_wrk(server.url(path), args.warmup or 1, args.threads, args.connections, headers, script)
        rounds = [tuple(harness.run_wrk(servers[which].url(path), args.duration, args.threads, args.connections,
                                        headers, script) for which in ("unset", "set")) for _ in range(args.rounds)]
        off, on = ([r[side] for r in rounds] for side in (0, 1))
        ratio = statistics.median(b.rps / max(a.rps, 0.01) for a, b in rounds)
        errors = sum(r.errors for r in off + on)
        print(f"| {label}{f' ({errors} errors)' if errors else ''} | {statistics.median(r.rps for r in off):.0f} "
              f"| {statistics.median(r.p99_ms for r in off):.2f} | {statistics.median(r.rps for r in on):.0f} "
              f"| {statistics.median(r.p99_ms for r in on):.2f} | {ratio:.3f} |", flush=True)
    scraped = harness.fetch(servers["set"].url("/metrics"), {"Authorization": "Bearer bench-scraper"})
    print(f"\n/metrics of the `set` service: HTTP {scraped[0]}, {len(scraped[2])} bytes")
    for server in servers.values():
        server.stop()


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> None:
    args = parse_args(argv)
    harness.require_wrk()
    signal.signal(signal.SIGTERM, interrupt)  # `kill` cleans up like Ctrl-C does
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    workdir = Path(tempfile.mkdtemp(prefix="treaty-bench-"))
    cleanup, failed = harness.Cleanup(), True
    try:
        for kind in kinds:
            if args.workers_check:
                workers_check(kind, args, cleanup, workdir)
                continue
            if args.metrics_check:
                metrics_check(kind, args, cleanup, workdir)
                continue
            bench_database(kind, args, cleanup, workdir)
            if args.scale:
                scale.check(kind, args, cleanup, workdir)
        failed = False
    except KeyboardInterrupt:
        print("\ninterrupted: stopping servers and dropping databases", file=sys.stderr)
    except Exception as error:
        print(f"\nbench failed: {error}", file=sys.stderr)
    finally:
        cleanup.run()
        if failed:
            print(f"server logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
