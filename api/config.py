"""Every setting, read from the environment with a default (docs/operations.md lists them)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(url: str | None = None) -> str:
    """The SQLAlchemy URL: SQLite by default; PostgreSQL URLs use the psycopg 3 driver."""
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'treaty.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SQLALCHEMY_DATABASE_URI = database_url()
    # A read replica: snapshots and version checks are read there, writes go to DATABASE_URL
    DATABASE_READ_URL = database_url(os.environ["DATABASE_READ_URL"]) if os.environ.get("DATABASE_READ_URL") else ""
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}  # from engine_options() in create_app, unless set
    # Seconds to wait for a new PostgreSQL connection (psycopg rounds up to whole seconds, min 2)
    DATABASE_CONNECT_TIMEOUT = float(os.environ.get("DATABASE_CONNECT_TIMEOUT", 2))
    # The longest a read waits for the dataset version check before serving the snapshot it has
    # (the check runs in a thread, so a hung database never holds a request longer than this)
    VERSION_CHECK_WAIT = float(os.environ.get("VERSION_CHECK_WAIT", 0.5))
    # The longest an API write waits for the write lock (another write, a `flask seed`) before a 503
    WRITE_LOCK_TIMEOUT = float(os.environ.get("WRITE_LOCK_TIMEOUT", 3))
    # Retry-After (seconds) on a 503 when the database is unreachable or the write lock is busy
    RETRY_AFTER_SECONDS = int(os.environ.get("RETRY_AFTER_SECONDS", 5))
    SEED_DIR = os.environ.get("SEED_DIR", str(ROOT / "seed_data"))
    VERSION_CHECK_SECONDS = float(os.environ.get("VERSION_CHECK_SECONDS", 1.0))
    # Estimated bytes of snapshots a worker keeps: the current version's always, pinned versions'
    # (`dataset_version=`) while they fit, least recently used first out (api/read/snapshot.py)
    SNAPSHOT_CACHE_BYTES = int(os.environ.get("SNAPSHOT_CACHE_BYTES", 64 * 1024 * 1024))
    RESPONSE_CACHE_SIZE = int(os.environ.get("RESPONSE_CACHE_SIZE", 4096))  # entries, per worker
    # Bytes of cached answers per worker (bodies plain and gzipped, plus ~600 per entry); least recently
    # used answers are dropped beyond it, and one answer larger than a quarter of it is not cached
    RESPONSE_CACHE_BYTES = int(os.environ.get("RESPONSE_CACHE_BYTES", 64 * 1024 * 1024))
    # Export files built once and kept (api/read/export_files.py): "" keeps none (every download is built).
    EXPORT_CACHE_DIR = os.environ.get("EXPORT_CACHE_DIR", str(ROOT / "instance" / "export-cache"))
    EXPORT_CACHE_BYTES = int(os.environ.get("EXPORT_CACHE_BYTES", 256 * 1024 * 1024))
    FAST_PATH = os.environ.get("FAST_PATH", "true").lower() != "false"  # the WSGI front door for cached reads
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "true").lower() != "false"
    # Without Redis, per-process counters (api/middleware/traffic.py: MemoryCounters)
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory-counters://")
    # Redis socket and connect timeout (seconds) for the limiter's shared counters
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", 0.25))
    RATELIMIT_STORAGE_OPTIONS: dict = {}  # from storage_options() in create_app, unless set
    # Redis refused or hung: count per process (and say so in the log and /readyz) instead of failing
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # While Redis is unreachable, ask it again every this many seconds (a ping, REDIS_TIMEOUT at most)
    REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", 5))
    RATELIMIT_ANONYMOUS = os.environ.get("RATELIMIT_ANONYMOUS", "600 per minute")
    RATELIMIT_WITH_KEY = os.environ.get("RATELIMIT_WITH_KEY", "6000 per minute")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_HEADER_LIMIT = "RateLimit-Limit"
    RATELIMIT_HEADER_REMAINING = "RateLimit-Remaining"
    RATELIMIT_HEADER_RESET = "RateLimit-Reset"
    API_KEYS = [key for key in os.environ.get("API_KEYS", "").split(",") if key]
    ACCESS_LOG_LEVEL = os.environ.get("ACCESS_LOG_LEVEL", "INFO")
    # The scheme, host (and any path prefix) of every absolute URL the service writes: feed ids and
    # links, page permalinks, cite boxes, citations, packages. Never taken from the request's Host.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000")
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 64 * 1024))
    # The bearer token Prometheus sends to GET /metrics; unset, /metrics answers 404 (off)
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # s-maxage (seconds) of reads for a CDN, which PURGE_URL purges on publish (browsers keep 300 s)
    CDN_MAX_AGE = int(os.environ.get("CDN_MAX_AGE", 3600))
    # The CDN's purge endpoint: POSTed the surrogate keys of what each new dataset version changed
    PURGE_URL = os.environ.get("PURGE_URL", "")
    # Headers for it, as a JSON object (a token: {"Authorization": "Bearer ..."} or {"Fastly-Key": "..."})
    PURGE_HEADERS = os.environ.get("PURGE_HEADERS", "{}")
    PURGE_TIMEOUT = float(os.environ.get("PURGE_TIMEOUT", 5))  # seconds; a failed purge is logged
    # The purge request's shape: `cloudflare` ({"tags": [...]}), `fastly` (Surrogate-Key header and
    # {"surrogate_keys": [...]}) or `json` (both, with the version: for a hook of your own)
    PURGE_FORMAT = os.environ.get("PURGE_FORMAT", "json").lower()
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", 0))
    # With PROXY_HOPS, also trust X-Forwarded-Host (off: nothing served depends on the host anyway)
    PROXY_TRUST_HOST = os.environ.get("PROXY_TRUST_HOST", "false").lower() == "true"
