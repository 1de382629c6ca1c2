"""Helpers for tests that write through the API: a seeded database and tokens."""
from api.routes import tokens
from api.extensions import db
from api.models import DatasetVersion, PolicyPosition, RecordRevision, Source, TreatyAction
from api.write.seed import apply_seed
from api.write.seed_files import read_seed
from conftest import SMALL_SEED_DIR

CA_WITHDRAWAL = {"id": "apmbc-ca-withdrawal", "state": "CA", "kind": "withdrawal", "date": "2026-02-10",
                 "effective": "2026-08-10", "confidence": "confirmed_primary", "sources": ["t-untc-status"]}
US_POSITION = {"id": "us-2026-03-01-use", "state": "US", "dimension": "use", "position": "prohibited",
               "summary": "The US prohibits the use of anti-personnel mines.", "effective": "2026-03-01",
               "confidence": "single_source", "sources": ["us-thehill-2022"]}
NEW_SOURCE = {"id": "t-untc-cn-1-2026", "url": "https://treaties.un.org/doc/Publication/CN/2026/CN.1.2026-Eng.pdf",
              "title": "Canada: withdrawal", "publisher": "United Nations", "published": "2026-02-10",
              "accessed": "2026-11-28"}


def seed_small(app) -> None:
    apply_seed(read_seed(SMALL_SEED_DIR))
    db.session.commit()


def bearer(scope: str = "curator", name: str | None = None, **options) -> dict:
    _, secret = tokens.create(name or f"{scope}-{db.session.query(tokens.Token).count()}", scope, **options)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def counts() -> dict:
    """How many rows each written table has: a write that fails must change none."""
    return {model.__name__: db.session.query(model).count()
            for model in (TreatyAction, PolicyPosition, Source, RecordRevision, DatasetVersion)}
