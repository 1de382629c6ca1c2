"""gunicorn settings for a 2-core machine (see bench/ for the measurements).

Sync workers, one per core. On this 2-core machine type the team measured gthread as no
faster, with a 2-3x worse p99 under keep-alive load. `make bench ARGS=--workers-check` on a
busy machine later found gthread slightly faster (bench/RESULTS.md). Re-measure on a quiet
machine before switching.
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
# The app writes one JSON access-log line per request (api/traffic.py); set ACCESS_LOG=- for
# gunicorn's own line as well.
accesslog = os.environ.get("ACCESS_LOG") or None
