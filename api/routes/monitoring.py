"""GET /metrics: Prometheus metrics (api/metrics.py) for whoever holds METRICS_TOKEN.

Off (404) while METRICS_TOKEN is unset; with it, the scraper sends `Authorization: Bearer <token>`
(compared in constant time). The public proxy (deploy/nginx.conf) does not pass /metrics at all:
Prometheus scrapes each instance directly.
"""
import hmac

from flask import Blueprint, Response, current_app, request

from api.metrics import exposition
from api.problems import Problem

bp = Blueprint("monitoring", __name__)


@bp.get("/metrics")
def show():
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        raise Problem(404, "Metrics are off on this instance: its operator sets METRICS_TOKEN to turn them on.")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise Problem(401, "GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`.",
                      headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body, content_type = exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
