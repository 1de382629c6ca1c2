"""Entry point for gunicorn and the flask CLI: `flask --app wsgi seed`."""
from api import create_app

app = create_app()
