"""Structured logs: one JSON object per line in production, plain lines locally."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request


class JsonFormatter(logging.Formatter):
    """Format a record as a JSON line with request context when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """The JSON line."""
        data = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            data["method"] = request.method
            data["path"] = request.path
            data["request_id"] = getattr(g, "request_id", None)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """JSON logs in production (or with PROFILER_LOG_JSON=1)."""
    if app.config.get("ENV") != "production" and not app.config.get("LOG_JSON"):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
