"""Every setting, read from the environment with a default (the README lists them)."""
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
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEED_DIR = os.environ.get("SEED_DIR", str(ROOT / "seed_data"))
    JSON_SORT_KEYS = False
    VERSION_CHECK_SECONDS = float(os.environ.get("VERSION_CHECK_SECONDS", 1.0))
    RESPONSE_CACHE_SIZE = int(os.environ.get("RESPONSE_CACHE_SIZE", 4096))
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "true").lower() != "false"
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
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
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", 0))
    # With PROXY_HOPS, also trust X-Forwarded-Host (off: nothing served depends on the host anyway)
    PROXY_TRUST_HOST = os.environ.get("PROXY_TRUST_HOST", "false").lower() == "true"
