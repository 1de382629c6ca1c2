"""gunicorn settings for a 2-core machine (measurements in bench/RESULTS.md).

Sync workers, one per core. On a quiet 2-core machine `sync -w 2` served 1.7-2.4x the requests
of `gthread -w 2 --threads 4`, for the service and for a bare Flask app alike
(`bench/run.py --workers-check`); an earlier run that favoured gthread was on a loaded machine.
"""
import multiprocessing
import os
import tempfile

from gunicorn.glogging import Logger

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
max_requests = 10000
max_requests_jitter = 1000
# Workers fork from a master that has imported the app and built the current snapshot. Without
# it, each worker recycled by max_requests spent ~0.7 s of a core importing and rebuilding
# before serving again (about 70 us per request at 10,000 requests); with it a fork is enough.
preload_app = True
# The app writes one JSON access-log line per request (api/middleware/traffic.py); set ACCESS_LOG=- for
# gunicorn's own line as well.
accesslog = os.environ.get("ACCESS_LOG") or None


# Metrics from every worker: prometheus_client's multiprocess mode keeps each process's values in
# files in PROMETHEUS_MULTIPROC_DIR, which must be set before the app (and prometheus_client) is
# imported, so here. A fresh directory per master unless the operator gives one (on a read-only
# root filesystem, a tmpfs such as /dev/shm).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="treaty-metrics-", dir=shm)


def on_starting(server):
    """A master starts counting from zero: last run's files go (their workers are gone)."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """A dead worker's gauges (snapshot version, rate-limit fallback) stop counting; its counters stay."""
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


# Every line JSON with a timestamp, gunicorn's own and tracebacks included (api/middleware/json_logs.py).
class JsonLogger(Logger):
    def _compute_access_log_enabled(self):
        return bool(self.cfg.accesslog)  # a logging dict alone does not switch gunicorn's access line on


def _json_logging() -> dict:
    from api.middleware import json_logs  # only now: PROMETHEUS_MULTIPROC_DIR is set above
    json_logs.quicker_records()
    return json_logs.config(access_log=accesslog is not None)


logger_class = JsonLogger
logconfig_dict = _json_logging()


def when_ready(server):
    app = server.app.wsgi()
    if "sqlalchemy" in getattr(app, "extensions", {}):  # not the benchmark's bare reference app
        from prometheus_client import multiprocess

        from api.read.snapshot import warm_before_fork
        warm_before_fork(app)
        multiprocess.mark_process_dead(os.getpid())  # the master serves nothing: its gauges would linger


def pre_fork(server, worker):
    """A worker forked after a publish (replacing a recycled or crashed one) starts with the new
    version's snapshot: the master builds it first (api/read/snapshot.py: refresh_before_fork)."""
    app = server.app.wsgi()
    if "sqlalchemy" in getattr(app, "extensions", {}):
        from prometheus_client import multiprocess

        from api.read.snapshot import refresh_before_fork
        refresh_before_fork(app)
        multiprocess.mark_process_dead(os.getpid())  # the version check set the master's gauges again


def post_fork(server, worker):
    """In the new worker: its gauges start empty (a file per pid), so it shows the snapshot version,
    release and check it inherited from the master at once, not at its own next check."""
    app = server.app.wsgi()
    if "sqlalchemy" in getattr(app, "extensions", {}):
        from api.metrics import forked
        forked()
