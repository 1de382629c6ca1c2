"""One JSON object per log line, with a timestamp: the app's access log, its errors and
gunicorn's own lines (gunicorn.conf.py's logconfig_dict), a traceback included in its line.

A message that is already a JSON object (the access log's) is extended with the timestamp and
level rather than quoted; any other message becomes the "message" member.
"""
from __future__ import annotations

import functools
import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if message.startswith("{") and message.endswith("}") and not (record.exc_info or record.exc_text):
            # the access log's object, extended: written out rather than encoded, as it is one per request
            return (f'{{"timestamp": "{stamp(record.created)}", "level": "{record.levelname}", '
                    f'"logger": {_quoted(record.name)}, "pid": {record.process}, {message[1:]}')
        head = {"timestamp": stamp(record.created), "level": record.levelname, "logger": record.name,
                "pid": record.process}
        if record.exc_info:
            head["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            head["exception"] = record.exc_text
        head["message"] = message
        return json.dumps(head, default=str)


@functools.cache
def _quoted(name: str) -> str:
    return json.dumps(name)


def stamp(created: float) -> str:
    """RFC 3339 UTC with milliseconds, as `2026-12-03T16:08:35.914Z`."""
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")[:-len("+00:00")] + "Z"


def quicker_records() -> None:
    """The JSON lines name no source file, thread or multiprocessing name, so logging need not
    look them up for each record (the logging HOWTO's "Optimization" section)."""
    logging._srcfile = None  # the documented switch
    logging.logThreads = False
    logging.logMultiprocessing = False


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
