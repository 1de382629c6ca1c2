"""No N+1: the number of SQL statements per request does not grow with the data."""
import contextlib

import pytest
from helpers import SEED_DIR, SMALL_SEED_DIR
from sqlalchemy import event

from api.extensions import db
from api.write.seed import apply_seed
from api.write.seed_files import read_seed

pytestmark = pytest.mark.slow  # loads the full seed into a fresh database

URLS = ["/api/v1/countries", "/api/v1/countries?status=state_party&q=a", "/api/v1/countries/US",
        "/api/v1/countries/FI/status", "/api/v1/countries/US/policies", "/api/v1/countries/FI/history",
        "/api/v1/treaties", "/api/v1/treaties/apmbc", "/api/v1/treaties/apmbc/participants",
        "/api/v1/treaties/apmbc/timeline", "/api/v1/sources/s-iso-3166"]


@contextlib.contextmanager
def counting(engine):
    statements = []
    listener = lambda *args: statements.append(args[2])
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def statement_counts(app) -> dict[str, int]:
    client, counts = app.test_client(), {}
    for url in URLS:
        with counting(db.engine) as statements:
            assert client.get(url).status_code == 200, url
        counts[url] = len(statements)
    return counts


@pytest.mark.parametrize("loads", [[SMALL_SEED_DIR, SEED_DIR]])
def test_statement_count_per_request_is_the_same_on_small_and_full_data(empty_app, loads):
    counts = []
    for seed_dir in loads:
        apply_seed(read_seed(seed_dir))
        db.session.commit()
        counts.append(statement_counts(empty_app))
    assert counts[0] == counts[1]
    assert max(counts[1].values()) <= 8
