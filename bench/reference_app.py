"""The framework's ceiling: a bare Flask app whose routes return constant JSON bodies.

bench/run.py serves it with the same gunicorn settings as the service
(`gunicorn -c gunicorn.conf.py bench.reference_app:app`) and divides the service's
requests/s by this app's to get the ratios the targets are written in: `/ping` (a small
object) for single records, `/list` (a precomputed 62 KB JSON array of 200 items, as issue 19
defines it) for lists.
"""
import json

from flask import Flask, Response

app = Flask(__name__)
BODY = {"iso2": "FI", "name": "Finland", "status": "state_party", "since": "2012-07-01"}
ITEM = {"iso2": "FI", "iso3": "FIN", "name": "Finland", "region": "Europe", "subregion": "Northern Europe",
        "status": "state_party", "status_since": "2012-07-01"}
LIST_BYTES = 62 * 1024


def _list_body(items: int = 200, size: int = LIST_BYTES) -> bytes:
    """A JSON array of `items` list items, each padded so that the whole array is `size` bytes."""
    bare = len(json.dumps([{**ITEM, "notes": ""}] * items, separators=(",", ":")))
    pad = (size - bare) // items
    body = json.dumps([{**ITEM, "notes": "x" * pad}] * items, separators=(",", ":"))
    return (body[:-1] + " " * (size - len(body)) + "]").encode()


LIST = _list_body()


@app.get("/ping")
def ping():
    return BODY


@app.get("/list")
def listing():
    return Response(LIST, mimetype="application/json")
