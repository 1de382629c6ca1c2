"""The framework's ceiling: a bare Flask app whose one route returns a constant small JSON body.

bench/run.py serves it with the same gunicorn settings as the service
(`gunicorn -c gunicorn.conf.py bench.reference_app:app`) and divides the service's
requests/s by this app's to get the ratios the targets are written in.
"""
from flask import Flask

app = Flask(__name__)
BODY = {"iso2": "FI", "name": "Finland", "status": "state_party", "since": "2012-07-01"}


@app.get("/ping")
def ping():
    return BODY
