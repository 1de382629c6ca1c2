"""Many curators writing at once on PostgreSQL lose nothing, and versions stay one chain."""
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import US_POSITION, bearer, seed_small, serving

from api.extensions import db
from api.models import DatasetVersion, PolicyPosition, RecordRevision

pytestmark = pytest.mark.slow

WRITERS = 24


@pytest.fixture
def server(empty_app):
    if not empty_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrent writers are a PostgreSQL deployment's concern")
    seed_small(empty_app)
    with serving(empty_app) as url:
        yield url


def post(url: str, body: dict, headers: dict) -> int:
    """POST, retried (with the same Idempotency-Key) while the answer is a 503 with Retry-After:
    a writer waits for the write lock WRITE_LOCK_TIMEOUT at most."""
    request = urllib.request.Request(url, json.dumps(body).encode(), method="POST",
                                     headers=headers | {"Content-Type": "application/json"})
    for _ in range(20):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            if error.code != 503 or not error.headers.get("Retry-After"):
                return error.code
        time.sleep(0.2)  # (shorter than Retry-After: a test)
    return 503


def test_parallel_writers_lose_nothing(empty_app, server):
    headers = bearer("curator", "ann")
    before = db.session.query(PolicyPosition).count(), db.session.query(DatasetVersion).count()
    bodies = [US_POSITION | {"id": f"us-2026-03-{n:02d}-use", "effective": f"2026-03-{n:02d}"}
              for n in range(1, WRITERS + 1)]
    retries = [headers | {"Idempotency-Key": body["id"]} for body in bodies]
    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = list(pool.map(lambda b, h: post(server + "/api/v1/policy-positions", b, h),
                                 bodies + bodies, retries + retries))
    assert statuses == [201] * (2 * WRITERS)
    db.session.expire_all()
    assert db.session.query(PolicyPosition).count() == before[0] + WRITERS
    assert db.session.query(RecordRevision).filter(RecordRevision.record_id.like("us-2026-03-%")).count() == WRITERS
    versions = list(db.session.scalars(db.select(DatasetVersion).order_by(DatasetVersion.loaded_at)))
    assert len(versions) == before[1] + WRITERS
    assert [v.previous for v in versions[1:]] == [v.version for v in versions[:-1]]  # one chain, no fork
    last = json.loads(urllib.request.urlopen(server + "/api/v1/countries/US/policies?dimension=use").read())
    assert last["items"][0]["id"] == f"us-2026-03-{WRITERS:02d}-use"
