"""The API index, the contract, and health checks."""
import functools

from flask import Blueprint, Response, current_app, render_template, url_for

from api.config import ROOT
from api.middleware import traffic
from api.problems import Problem
from api.read.snapshot import latest_snapshot, store

bp = Blueprint("meta", __name__)


@bp.get("/api/v1")
def index():
    return {"name": "Mine Ban Treaty Status API", "version": "v1",
            "openapi": url_for("meta.openapi", _external=False),
            "docs": url_for("meta.docs"), "changelog": url_for("meta.api_changelog"),
            "resources": {"countries": url_for("countries.index"), "treaties": url_for("treaties.index"),
                          "country": "/api/v1/countries/{code}", "sources": "/api/v1/sources/{id}",
                          "changes": url_for("changes.index"), "changes_atom": url_for("changes.feed"),
                          "dataset": url_for("dataset.show"), "exports": url_for("exports.index"),
                          "producers": url_for("producers.index"),
                          "participants_diff": "/api/v1/treaties/{slug}/participants/diff?from=&to="}}


@functools.cache
def _file(name: str) -> bytes:
    """A file of the project, read once per process (it changes only with a deploy)."""
    return (ROOT / name).read_bytes()


@bp.get("/openapi.yaml")
def openapi():
    return Response(_file("openapi.yaml"), mimetype="application/yaml")


@bp.get("/CHANGELOG.md")
def api_changelog():
    """The API's changelog: one dated entry per change to the contract."""
    return Response(_file("CHANGELOG.md"), mimetype="text/markdown")


@bp.get("/docs")
def docs():
    """The interactive explorer for openapi.yaml (Swagger UI, bundled: no CDN)."""
    return render_template("docs.html")


@bp.get("/healthz")
def healthz():
    """The process answers: no database, no Redis (the rate limiter skips this route)."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """503 (quickly) when the database does not answer: this instance cannot write, and cannot load a
    new dataset version. Redis being down is reported in `degraded`, but the instance stays in
    rotation: rate limits fall back to per-process counters."""
    config = current_app.config
    retry = {"Retry-After": str(config["RETRY_AFTER_SECONDS"])}
    if not store().reachable(config["VERSION_CHECK_WAIT"]):
        current_app.logger.error("readiness check failed: the database did not answer")
        raise Problem(503, "The database is unreachable.", headers=retry)
    try:
        latest_snapshot()  # also builds it here, so the first routed read does not pay for it
    except Problem:
        raise Problem(503, "No dataset version is loaded yet: run `flask seed` (the migrate job).",
                      headers=retry) from None
    degraded = [reason for reason in (traffic.limits_degraded(),) if reason]
    return {"status": "ready", "degraded": degraded}
