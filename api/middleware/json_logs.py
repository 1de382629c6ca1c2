"""One JSON object per log line, with a timestamp: the app's access log, its errors and
gunicorn's own lines (gunicorn.conf.py's logconfig_dict), a traceback included in its line.

A message that is already a JSON object (the access log's) is extended with the timestamp and
level rather than quoted; any other message becomes the "message" member.
"""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        head = {"timestamp": stamp.replace("+00:00", "Z"), "level": record.levelname, "logger": record.name,
                "pid": record.process}
        message = record.getMessage()
        if record.exc_info:
            head["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            head["exception"] = record.exc_text
        if message.startswith("{") and message.endswith("}") and "exception" not in head:
            return json.dumps(head)[:-1] + ", " + message[1:]  # the access log's object, extended
        head["message"] = message
        return json.dumps(head, default=str)


def config(access_log: bool) -> dict:
    """The logging.config dict gunicorn.conf.py gives gunicorn (it merges gunicorn's defaults in):
    every logger, gunicorn's included, writes JSON to stderr."""
    json_handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": json_handler, "console": json_handler, "error_console": json_handler},
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
            # the app logs each request itself (api.access); gunicorn's line only with ACCESS_LOG
            "gunicorn.access": {"level": "INFO" if access_log else "WARNING",
                                "handlers": ["json"] if access_log else [], "propagate": False},
        },  # api.access (ACCESS_LOG_LEVEL) gets its JSON handler from api/middleware/traffic.py
    }
