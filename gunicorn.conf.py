"""gunicorn settings for a 2-core machine (measurements in bench/RESULTS.md).

Sync workers, one per core. On a quiet 2-core machine `sync -w 2` served 1.7-2.4x the requests
of `gthread -w 2 --threads 4`, for the service and for a bare Flask app alike
(`bench/run.py --workers-check`); an earlier run that favoured gthread was on a loaded machine.
"""
import multiprocessing
import os

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


def when_ready(server):
    app = server.app.wsgi()
    if "sqlalchemy" in getattr(app, "extensions", {}):  # not the benchmark's bare reference app
        from api.read.snapshot import warm_before_fork
        warm_before_fork(app)
