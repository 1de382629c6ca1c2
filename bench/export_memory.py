"""Peak memory of the bulk exports, on a small and a large synthetic dataset.

Usage: python bench/export_memory.py [--rows 100000]

For each dataset size, one process builds a synthetic dataset version (an SQLite temp
database holding one DatasetVersion snapshot with ROWS treaty actions and ROWS policy
positions). Then, for each file, a fresh process loads that snapshot from the database, as a
server's worker does, and downloads the file through the real endpoint (checksum pass plus streamed
body, read chunk by chunk) while a thread samples
the process's resident memory. It reports the RSS once the snapshot is in memory and the
peak RSS during the export: if exports stream, the difference stays flat as rows grow.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FILES = ["treaty_actions.csv", "treaty_actions.parquet", "policy_positions.csv", "policy_positions.parquet",
         "datapackage.zip"]
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def synthetic_tables(rows: int) -> dict:
    """A consistent dataset: 200 states, one treaty, 1,000 sources, `rows` actions and positions."""
    rng = random.Random(1997)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = [a + b for a in letters for b in letters][:200]
    sources = [{"id": f"s-{i}", "url": f"https://example.org/{i}", "title": f"Source {i}",
                "publisher": "Synthetic", "published": None, "accessed": "2026-01-01"} for i in range(1000)]
    cite = lambda: sorted({f"s-{rng.randrange(1000)}" for _ in range(2)})
    day = lambda: (date(1997, 12, 3) + timedelta(days=rng.randrange(10_000))).isoformat()
    states = [{"iso2": c, "iso3": c + "X", "numeric": f"{i:03d}", "name": f"State {c}",
               "official_name": f"The State {c}", "aliases": [f"{c} land"], "region": "Europe",
               "subregion": "Northern Europe", "intermediate_region": None, "un_member": True,
               "confidence": "confirmed_primary", "sources": cite()} for i, c in enumerate(codes)]
    treaty = {"slug": "apmbc", "name": "Synthetic treaty", "short_name": "APMBC", "aliases": [],
              "adopted": "1997-09-18", "adopted_at": "Oslo", "opened_for_signature": "1997-12-03",
              "entry_into_force": "1999-03-01", "consent_delay_months": 6,
              "withdrawal_delay_months": 6, "depositary": "UN Secretary-General",
              "untc_reference": None, "confidence": "confirmed_primary", "sources": cite()}
    kinds = ["signature", "ratification", "accession", "withdrawal"]
    actions = [{"id": f"a-{i:07d}", "state_iso2": codes[i % 200], "treaty_slug": "apmbc", "kind": kinds[i % 4],
                "date": day(), "date_precision": "day", "effective": None, "depositary_ref": f"C.N.{i}.1998",
                "armed_conflict_hold": False, "conflict_ended": None, "dispute": None,
                "notes": "Synthetic action for a memory test; " * 2, "confidence": "single_source", "sources": cite()}
               for i in range(rows)]
    dimensions = ["use", "production", "stockpiling", "transfer"]
    policies = [{"id": f"p-{i:07d}", "state_iso2": codes[i % 200], "dimension": dimensions[i % 4],
                 "position": "prohibited", "restriction": None, "summary": "A synthetic policy position. " * 3,
                 "effective": day(), "date_precision": "day", "announced_by": "Ministry", "quote": None,
                 "notes": None, "confidence": "single_source", "sources": cite()} for i in range(rows)]
    return {"source": sources, "treaty": [treaty], "state": states, "treaty_action": actions,
            "policy_position": policies}


def build_database(rows: int, path: str) -> None:
    """An SQLite database holding one DatasetVersion snapshot of `synthetic_tables(rows)`."""
    from flask_migrate import upgrade

    from api import create_app
    from api.extensions import db
    from api.models import DatasetVersion

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        payload = json.dumps(synthetic_tables(rows), sort_keys=True, separators=(",", ":")).encode()
        digest = hashlib.sha256(payload).hexdigest()
        db.session.add(DatasetVersion(version=f"2026.01.01-{digest[:8]}", content_hash=digest,
                                      sequence=1, loaded_at=datetime(2026, 1, 1), changes=[],
                                      snapshot=zlib.compress(payload, 6)))
        db.session.commit()


def measure(rows: int, name: str, path: str) -> dict:
    """In this process (as in a server's worker): load the snapshot from the database built by
    the parent, then download `name`; RSS in MiB."""
    from api import create_app
    from api.read.snapshot import store

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "VERSION_CHECK_SECONDS": 0})
    with app.app_context():
        store().get(store().current_version(0))
    client = app.test_client()
    before = rss_mib()
    peak, done = [before], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mib())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    response = client.get(f"/api/v1/exports/{name}?as_of=2026-01-01", buffered=False)
    size = sum(len(chunk) for chunk in response.iter_encoded())
    done.set()
    sampler.join()
    return {"rows": rows, "file": name, "bytes": size, "rss_snapshot_mib": round(before, 1),
            "peak_rss_mib": round(max(peak[0], rss_mib()), 1), "export_overhead_mib": round(peak[0] - before, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="treaty actions and policy positions (each)")
    parser.add_argument("--small", type=int, default=1_000, help="rows of the small dataset")
    parser.add_argument("--build", nargs=2, metavar=("ROWS", "DATABASE"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=3, metavar=("ROWS", "FILE", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_database(int(args.build[0]), args.build[1])
        return
    if args.measure:
        print(json.dumps(measure(int(args.measure[0]), args.measure[1], args.measure[2])))
        return
    print(f"{'rows':>8} {'file':<26} {'bytes':>12} {'RSS with snapshot':>18} {'peak RSS':>9} {'export adds':>12}")
    for rows in (args.small, args.rows):
        with tempfile.TemporaryDirectory() as folder:
            path = f"{folder}/memory.db"
            subprocess.run([sys.executable, __file__, "--build", str(rows), path], check=True, capture_output=True)
            for name in FILES:
                output = subprocess.run([sys.executable, __file__, "--measure", str(rows), name, path], check=True,
                                        capture_output=True, text=True).stdout
                r = json.loads(output.strip().splitlines()[-1])
                print(f"{r['rows']:>8} {r['file']:<26} {r['bytes']:>12,} {r['rss_snapshot_mib']:>14} MiB "
                      f"{r['peak_rss_mib']:>5} MiB {r['export_overhead_mib']:>8} MiB", flush=True)


if __name__ == "__main__":
    main()
