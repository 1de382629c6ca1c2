"""Building blocks of the benchmark: databases, gunicorn servers, and wrk runs.

Everything started here is tracked in a `Cleanup` stack so that bench/run.py can stop
servers and drop databases on success, on errors and on Ctrl-C alike.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "treaty_bench"


class Cleanup:
    """A stack of undo actions, run in reverse order; each one runs even if another fails."""

    def __init__(self):
        self.actions = []

    def push(self, label, action):
        self.actions.append((label, action))

    def run(self):
        while self.actions:
            label, action = self.actions.pop()
            try:
                action()
            except Exception as error:  # keep cleaning up the rest
                print(f"cleanup: {label}: {error}", file=sys.stderr)


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit("bench: wrk is not installed. Install it with `sudo apt-get install -y wrk` "
                 "(Debian/Ubuntu), or run `make bench` as root, which installs it.")
    return path


def context() -> str:
    """One line on what is being measured and how busy the machine is (others share it)."""
    def git(*args):
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()
    dirty = git("status", "--short", "--", "api", "wsgi.py", "gunicorn.conf.py")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"commit {git('rev-parse', '--short', 'HEAD')}"
            f"{' + uncommitted changes in ' + str(len(dirty.splitlines())) + ' file(s)' if dirty else ''}; "
            f"{os.cpu_count()} CPUs; load average {load}")


# --- databases -----------------------------------------------------------------------

def create_database(kind: str, cleanup: Cleanup, workdir: Path) -> str:
    """A fresh, empty database of `kind`; returns its URL and registers its removal."""
    if kind == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="sqlite-", dir=workdir)) / "bench.db"
        cleanup.push(f"remove {path}", lambda: shutil.rmtree(path.parent, ignore_errors=True))
        return f"sqlite:///{path}"
    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    _pg_admin(f"CREATE DATABASE {PG_DATABASE}")
    cleanup.push(f"drop database {PG_DATABASE}",
                 lambda: _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE


def _pg_admin(sql: str) -> None:
    import psycopg  # only needed for PostgreSQL runs
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql)
    except psycopg.OperationalError as error:
        raise RuntimeError(f"PostgreSQL at {PG_ADMIN_URL} is not usable ({error}); set BENCH_PG_ADMIN "
                           "or run with --database sqlite") from error


def load_database(url: str, seed_dir: Path | None = None) -> None:
    """`flask db upgrade` then `flask seed` (from seed_dir, default seed_data/) against `url`."""
    env = app_env(url)
    seed = [str(BIN / "flask"), "seed"] + (["--seed-dir", str(seed_dir)] if seed_dir else [])
    for command in ([str(BIN / "flask"), "db", "upgrade"], seed):
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[1:])} failed:\n{done.stderr[-2000:]}")


# The rate limiter stays on (its cost is part of a request) but must not answer 429s to wrk.
NO_LIMIT = {"RATELIMIT_ANONYMOUS": "1000000000 per minute", "RATELIMIT_WITH_KEY": "1000000000 per minute"}


def app_env(database_url: str, **extra) -> dict:
    return {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": database_url, **NO_LIMIT, **extra}


# --- servers -------------------------------------------------------------------------

def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak resident memory (VmHWM), in MB. Not ru_maxrss: Linux carries that over
    from the parent through fork and exec, so a large bench/run.py would inflate it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory_mb(pid: int | str) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB: its resident memory now, and its peak."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return tuple(int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM"))


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its threads, its live descendants, and the
    children it has reaped (a gunicorn master's recycled workers): what serving cost the machine."""
    def fields(pid) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = fields(pid)
    ticks = int(own[13]) + int(own[14])  # cutime, cstime: reaped children
    pids, seen = [pid], 0
    while seen < len(pids):
        parent = pids[seen]
        seen += 1
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                pids += [int(child) for child in Path(f"/proc/{parent}/task/{task}/children").read_text().split()]
        except FileNotFoundError:  # it exited meanwhile
            continue
    for each in pids:
        try:
            stat = fields(each)
        except FileNotFoundError:
            continue
        ticks += int(stat[11]) + int(stat[12])  # utime, stime (all threads)
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_peak_rss_mb(self) -> float:
        """The largest VmHWM (peak resident memory) among the gunicorn master's workers."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return round(max([0.0] + [peak_rss_mb(child) for child in children]), 1)

    def workers(self) -> list[int]:
        pid = self.process.pid
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn master: graceful shutdown
        try:
            self.process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def start_server(name: str, wsgi: str, env: dict, cleanup: Cleanup, logdir: Path,
                 probe: str, extra_args: tuple[str, ...] = ()) -> Server:
    """gunicorn -c gunicorn.conf.py <wsgi> on a free loopback port; waits until `probe` answers."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", *extra_args, wsgi]
    log = open(logdir / f"{name}-{port}.log", "w")  # noqa: SIM115 (the server process owns it until it stops)
    process = subprocess.Popen(command, cwd=ROOT, env={**env, "BIND": f"127.0.0.1:{port}"},
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(name, port, process)
    cleanup.push(f"stop {name}", lambda: (server.stop(), log.close()))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start; see {log.name}")
        try:
            with urllib.request.urlopen(server.url(probe), timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer {probe} within 30 s; see {log.name}")


def datasette_version() -> str:
    done = subprocess.run([str(BIN / "datasette"), "--version"], capture_output=True, text=True)
    return done.stdout.strip().rsplit(" ", 1)[-1]


def start_datasette(database_url: str, cleanup: Cleanup, logdir: Path) -> Server | None:
    """Datasette (`datasette serve -i`, immutable) on a copy of a SQLite database, on a free
    loopback port: the peer of issue 19. None when datasette is not installed."""
    datasette = BIN / "datasette"
    if not datasette.exists():
        return None
    copy = Path(tempfile.mkdtemp(prefix="datasette-", dir=logdir)) / "treaty.db"
    shutil.copyfile(database_url.removeprefix("sqlite:///"), copy)
    port = free_port()
    log = open(logdir / f"datasette-{port}.log", "w")  # noqa: SIM115 (the server owns it until it stops)
    process = subprocess.Popen([str(datasette), "serve", "-i", str(copy), "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server("datasette", port, process)
    cleanup.push("stop datasette", lambda: (server.stop(), log.close()))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"datasette exited at start; see {log.name}")
        try:
            with urllib.request.urlopen(server.url("/treaty/state/FI.json"), timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"datasette did not answer within 30 s; see {log.name}")


def curator_token(database_url: str, name: str = "bench-curator") -> str:
    """The secret of a new curator token in the database (`flask tokens create`)."""
    done = subprocess.run([str(BIN / "flask"), "tokens", "create", name, "--scope", "curator"], cwd=ROOT,
                          env=app_env(database_url), capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"tokens create failed:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, bytes]:
    """(status, body) of one POST of a JSON body; HTTP errors are returned, not raised."""
    import json
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one GET; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# --- wrk -----------------------------------------------------------------------------

@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx responses plus socket errors


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.M))
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if rps is None or "50" not in percentiles:
        raise RuntimeError(f"could not read wrk output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors += sum(map(int, socket_errors.groups())) if socket_errors else 0
    return WrkResult(float(rps.group(1)), _ms(percentiles["50"]), _ms(percentiles["99"]), errors)


RANDOM_SCRIPT = """-- bench/harness.py: a random path per request (a random code, a random day)
local codes = {%(codes)s}
local first_day, days = %(first_day)d, %(days)d
local template = "%(template)s"
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  math.randomseed(os.time() * 1000 + id)
end
request = function()
  local day = os.date("!%%Y-%%m-%%d", first_day + math.random(0, days - 1) * 86400)
  local path = template:gsub("{code}", codes[math.random(#codes)]):gsub("{date}", day)
  return wrk.format("GET", path)
end
"""


def random_script(path: Path, template: str, codes: list[str], first: str = "1997-01-01",
                  last: str = "2026-12-31") -> Path:
    """A wrk Lua script that requests `template` with `{code}` and `{date}` replaced, per request,
    by one of `codes` and a day between `first` and `last`, both uniformly at random."""
    from datetime import date
    start = date.fromisoformat(first)
    epoch = (start - date(1970, 1, 1)).days * 86400
    days = (date.fromisoformat(last) - start).days + 1
    path.write_text(RANDOM_SCRIPT % {"codes": ", ".join(f'"{c}"' for c in codes), "first_day": epoch,
                                     "days": days, "template": template})
    return path


def run_wrk(url: str, duration: int, threads: int, connections: int,
            headers: dict | None = None, script: Path | None = None) -> WrkResult:
    """One fixed-duration wrk run against a loopback URL (with `script`, a wrk Lua script that
    makes each request's path)."""
    assert url.startswith("http://127.0.0.1:"), url  # traffic stays on this machine
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(command + [url], capture_output=True, text=True, timeout=duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr}")
    return parse_wrk(done.stdout)
